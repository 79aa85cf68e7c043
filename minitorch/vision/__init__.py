"""`minitorch.vision`: torchvision's twin (datasets, models, ops, transforms, utils).

    from minitorch.vision import datasets, transforms
"""
from . import datasets, models, ops, transforms, utils

__all__ = ["datasets", "models", "ops", "transforms", "utils"]
