"""`minitorch.vision.transforms` (torchvision.transforms); `.v2` and `.functional` too."""
from . import functional, v2
from .functional import InterpolationMode
from .transforms import (
                         CenterCrop,
                         Compose,
                         Grayscale,
                         Lambda,
                         Normalize,
                         Pad,
                         PILToTensor,
                         RandomApply,
                         RandomCrop,
                         RandomHorizontalFlip,
                         RandomResizedCrop,
                         RandomVerticalFlip,
                         Resize,
                         ToPILImage,
                         ToTensor,
)

__all__ = ["Compose", "ToTensor", "PILToTensor", "ToPILImage", "Normalize", "Resize",
           "CenterCrop", "Pad", "RandomCrop", "RandomResizedCrop", "RandomHorizontalFlip",
           "RandomVerticalFlip", "Grayscale", "Lambda", "RandomApply", "InterpolationMode",
           "functional", "v2"]
