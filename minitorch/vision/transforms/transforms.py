"""Transform classes (torchvision.transforms): callables applied to one image.

Random transforms draw from minitorch's global generator (`minitorch.manual_seed`);
inside DataLoader workers each worker has its own seed.
"""
from __future__ import annotations

import math
import numbers

from . import functional as F
from .functional import InterpolationMode


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return tuple(size)


def _rand():
    import minitorch

    return minitorch.rand(1).item()


def _randint(low, high):
    import minitorch

    return int(minitorch.randint(low, high, (1,)).item())


class Compose:
    """Apply transforms one after the other.

    >>> Compose([Resize(32), ToTensor(), Normalize((0.5,), (0.5,))])
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({lines}\n)"


class _Simple:
    """Base of the transforms here: a repr listing the constructor's settings."""

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class ToTensor(_Simple):
    """PIL Image or ndarray (H, W, C) uint8 -> float Tensor (C, H, W) in [0, 1]."""

    def __call__(self, pic):
        return F.to_tensor(pic)


class PILToTensor(_Simple):
    """PIL Image -> uint8 Tensor (C, H, W), values unchanged."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)


class ToPILImage(_Simple):
    """Tensor (C, H, W) or ndarray (H, W, C) -> PIL Image (floats are scaled by 255)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)


class Normalize(_Simple):
    """output[c] = (input[c] - mean[c]) / std[c] on a float Tensor image.

    Args:
        mean (sequence): per-channel means.
        std (sequence): per-channel standard deviations.
        inplace (bool): change the input tensor. Default: False.
    """

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)


def batch_transform(transform):
    """`transform` as one function on a batch of uint8 images (N, H, W[, C]) -> (N, C, H, W),
    when it is ToTensor, optionally followed by Normalize; else None. Both are elementwise,
    so the batch holds exactly the per-image results (the datasets' `__getitems__`)."""
    steps = transform.transforms if type(transform) is Compose else [transform]
    if (not steps or type(steps[0]) is not ToTensor
            or any(type(t) is not Normalize for t in steps[1:])):
        return None

    def run(images):
        batch = F._to_tensor_batch(images)
        for normalize in steps[1:]:
            batch = normalize(batch)
        return batch

    return run


class Resize(_Simple):
    """Resize to `size` = (h, w), or an int: the shorter edge becomes `size`.

    Args:
        size (int or (h, w)): the output size.
        interpolation (InterpolationMode): Default: BILINEAR.
        max_size (int, optional): bound on the longer edge when size is an int.
        antialias (bool): accepted; PIL resizing is always antialiased.
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        if not isinstance(size, (int, list, tuple)) or (not isinstance(size, int)
                                                       and len(size) not in (1, 2)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = F._interpolation(interpolation)

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)


class CenterCrop(_Simple):
    """Crop the center to `size` (int or (h, w)); smaller images are zero-padded."""

    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return F.center_crop(img, self.size)


class Pad(_Simple):
    """Pad the border (see `functional.pad`)."""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        F._parse_padding(padding)
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)


class RandomCrop(_Simple):
    """Crop a random (h, w) window, optionally after padding.

    Args:
        size (int or (h, w)): the crop size.
        padding (int or sequence, optional): padding applied first.
        pad_if_needed (bool): pad images smaller than size. Default: False.
        fill (number or tuple): constant fill value. Default: 0.
        padding_mode (str): 'constant', 'edge', 'reflect' or 'symmetric'.
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant"):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    @staticmethod
    def get_params(img, output_size):
        """(top, left, height, width) of a random crop of `output_size`."""
        width, height = F.get_image_size(img)
        th, tw = output_size
        if height < th or width < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image "
                             f"size {(height, width)}")
        if width == tw and height == th:
            return 0, 0, height, width
        return _randint(0, height - th + 1), _randint(0, width - tw + 1), th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        width, height = F.get_image_size(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        top, left, h, w = self.get_params(img, self.size)
        return F.crop(img, top, left, h, w)


class RandomResizedCrop(_Simple):
    """Crop a random area and aspect ratio, then resize to `size`."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        self.scale, self.ratio, self.antialias = scale, ratio, antialias
        self.interpolation = F._interpolation(interpolation)

    @staticmethod
    def get_params(img, scale, ratio):
        width, height = F.get_image_size(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * (scale[0] + (scale[1] - scale[0]) * _rand())
            aspect = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0]) * _rand())
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = width / height  # fall back to a central crop
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        top, left, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, top, left, h, w, self.size, self.interpolation)


class RandomHorizontalFlip(_Simple):
    """Mirror left-right with probability p (default 0.5)."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        return F.hflip(img) if _rand() < self.p else img


class RandomVerticalFlip(_Simple):
    """Mirror top-bottom with probability p (default 0.5)."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        return F.vflip(img) if _rand() < self.p else img


class Grayscale(_Simple):
    """RGB -> grayscale with 1 or 3 output channels."""

    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)


class Lambda(_Simple):
    """Wrap a user function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)


class RandomApply(_Simple):
    """Apply a list of transforms with probability p."""

    def __init__(self, transforms, p=0.5):
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img


__all__ = ["Compose", "ToTensor", "PILToTensor", "ToPILImage", "Normalize", "Resize",
           "CenterCrop", "Pad", "RandomCrop", "RandomResizedCrop", "RandomHorizontalFlip",
           "RandomVerticalFlip", "Grayscale", "Lambda", "RandomApply", "InterpolationMode"]
