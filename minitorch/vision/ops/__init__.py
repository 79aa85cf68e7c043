"""torchvision.ops: the building blocks torchvision's models share."""
from .misc import Conv2dNormActivation, ConvNormActivation  # noqa: F401
