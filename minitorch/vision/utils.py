"""`make_grid` and `save_image` (torchvision.utils)."""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from .. import backend
from ..tensor import Tensor


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Tile a batch of images (B, C, H, W) into one image (C, H', W'), like torchvision.

    Args:
        tensor (Tensor or list of Tensors): (B, C, H, W) or a list of (C, H, W); one
            channel images are repeated to three channels.
        nrow (int): images per row. Default: 8.
        padding (int): pixels between images and around the border. Default: 2.
        normalize (bool): shift to [0, 1] using `value_range` or the min/max.
        value_range (tuple, optional): (min, max) used to normalize.
        scale_each (bool): normalize every image by its own min/max.
        pad_value (float): the padding's value. Default: 0.

    Shape:
        Output: (C, ymaps * (H + padding) + padding, xmaps * (W + padding) + padding)
        with xmaps = min(nrow, B) and ymaps = ceil(B / xmaps).

    >>> grid = make_grid(images, nrow=4)
    """
    if isinstance(tensor, (list, tuple)):
        data = backend.array_module(tensor[0]._data).stack([t._data for t in tensor])
    elif isinstance(tensor, Tensor):
        data = tensor.detach()._data
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    xp = backend.array_module(data)
    if data.ndim == 2:
        data = data[None]
    if data.ndim == 3:
        if data.shape[0] == 1:
            data = xp.concatenate([data] * 3, 0)
        data = data[None]
    if data.ndim == 4 and data.shape[1] == 1:
        data = xp.concatenate([data] * 3, 1)

    if normalize:
        data = data.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and "
                            "max are numbers")

        def norm(img):
            low, high = value_range if value_range is not None else (float(img.min()),
                                                                     float(img.max()))
            kind = img.dtype.type
            xp.clip(img, kind(low), kind(high), out=img)
            img -= kind(low)
            img /= kind(max(high - low, 1e-5))

        for img in (data if scale_each else [data]):
            norm(img)

    if data.shape[0] == 1:
        return Tensor._wrap(data[0])
    nmaps = data.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(nmaps / xmaps))
    height, width = data.shape[2] + padding, data.shape[3] + padding
    grid = xp.full((data.shape[1], height * ymaps + padding, width * xmaps + padding),
                   pad_value, dtype=data.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        top, left = y * height + padding, x * width + padding
        grid[:, top:top + height - padding, left:left + width - padding] = data[k]
    return Tensor._wrap(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a Tensor (or a batch, tiled with `make_grid(**kwargs)`) as an image file.

    Values are expected in [0, 1]; they are scaled to 0..255 with rounding.
    """
    grid = make_grid(tensor, **kwargs)._data
    grid = backend.move(grid, backend.CPU)
    if grid.dtype.kind != "f":
        grid = grid.astype(np.float32)
    kind = grid.dtype.type  # compute in the tensor's own precision, like torchvision
    arr = np.clip(grid * kind(255) + kind(0.5), 0, 255)
    arr = arr.transpose(1, 2, 0).astype(np.uint8)
    Image.fromarray(np.ascontiguousarray(arr)).save(fp, format=format)


__all__ = ["make_grid", "save_image"]
