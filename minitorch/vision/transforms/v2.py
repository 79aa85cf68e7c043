"""torchvision.transforms.v2: the v1 transforms plus ToImage and ToDtype.

minitorch has no `tv_tensors`: images are plain Tensors (C, H, W), and each transform
takes one image (not the (image, boxes, label) structures v2 also understands).
"""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...tensor import Tensor
from . import functional
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
    _Simple,
)


class ToImage(_Simple):
    """PIL Image, ndarray (H, W, C) or Tensor -> Tensor image (C, H, W), values unchanged."""

    def __call__(self, inpt):
        if isinstance(inpt, Tensor):
            return inpt.unsqueeze(0) if inpt.ndim == 2 else inpt
        if isinstance(inpt, np.ndarray):
            arr = inpt[:, :, None] if inpt.ndim == 2 else inpt
            return Tensor._wrap(np.ascontiguousarray(arr.transpose(2, 0, 1)))
        return functional.pil_to_tensor(inpt)


def _max_value(dt):
    if dt.is_floating_point:
        return 1.0
    if dt is dtypes.bool:
        return 1
    return int(np.iinfo(dt.np).max)


def to_dtype(image, dtype=dtypes.float32, scale=False):
    """Convert a Tensor image's dtype; with scale=True map value ranges like torchvision.

    uint8 -> float: `x.to(float) * (1 / 255)`; float -> uint8: `x * (255 + 1 - 1e-3)`
    truncated; int -> int: bit shifts.
    """
    dtype = dtypes.to_dtype(dtype)
    if image.dtype == dtype:
        return image
    if not scale:
        return image.to(dtype)
    data = image._data
    src = image.dtype
    if src.is_floating_point:
        if dtype.is_floating_point:
            return image.to(dtype)
        if (src is dtypes.float32 and dtype in (dtypes.int32, dtypes.int64)) or \
                (src is dtypes.float64 and dtype is dtypes.int64):
            raise RuntimeError(f"The conversion from {src} to {dtype} cannot be performed "
                               "safely.")
        factor = src.np.type(float(_max_value(dtype)) + 1.0 - 1e-3)
        return Tensor._wrap((data * factor).astype(dtype.np))
    if dtype.is_floating_point:
        return Tensor._wrap(data.astype(dtype.np) * dtype.np.type(1.0 / _max_value(src)))
    bits_in = 1 if src is dtypes.bool else np.iinfo(src.np).bits - int(src.is_signed)
    bits_out = 1 if dtype is dtypes.bool else np.iinfo(dtype.np).bits - int(dtype.is_signed)
    if bits_in > bits_out:
        return Tensor._wrap((data >> (bits_in - bits_out)).astype(dtype.np))
    return Tensor._wrap(data.astype(dtype.np) << (bits_out - bits_in))


class ToDtype(_Simple):
    """Convert a Tensor image to `dtype`; `scale=True` rescales value ranges.

    Args:
        dtype (dtype or dict): the target dtype (a dict's first value is used).
        scale (bool): rescale, e.g. uint8 [0, 255] -> float [0, 1]. Default: False.

    >>> ToDtype(minitorch.float32, scale=True)(ToImage()(pil_image))
    """

    def __init__(self, dtype, scale=False):
        self.dtype, self.scale = dtype, scale

    def __call__(self, inpt):
        dtype = self.dtype
        if isinstance(dtype, dict):
            dtype = next(iter(dtype.values()))
        return to_dtype(inpt, dtype, self.scale)


class ToPureTensor(_Simple):
    """A no-op here: minitorch images are already plain Tensors."""

    def __call__(self, inpt):
        return inpt


__all__ = ["ToImage", "ToDtype", "ToPureTensor", "to_dtype", "Compose", "ToTensor",
           "PILToTensor", "ToPILImage", "Normalize", "Resize", "CenterCrop", "Pad",
           "RandomCrop", "RandomResizedCrop", "RandomHorizontalFlip", "RandomVerticalFlip",
           "Grayscale", "Lambda", "RandomApply", "InterpolationMode", "functional"]
