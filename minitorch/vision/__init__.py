"""`minitorch.vision`: torchvision's twin (datasets, transforms, utils).

    from minitorch.vision import datasets, transforms
"""
from . import datasets, transforms, utils

__all__ = ["datasets", "transforms", "utils"]
