"""Image functions behind the transforms (torchvision.transforms.functional).

Every function takes a PIL Image or a Tensor image of shape (..., C, H, W) and returns
the same kind. PIL images are processed by PIL exactly as torchvision does; tensor
images by array code on the tensor's device. Results match torchvision numerically
(torchvision itself is not a test dependency: the tests check hand-computed values).
"""
from __future__ import annotations

import enum
import numbers

import numpy as np
from PIL import Image, ImageOps

from ... import backend, dtypes
from ...tensor import Tensor


class InterpolationMode(enum.Enum):
    """Interpolation methods, as `torchvision.transforms.InterpolationMode`."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_FILTER = {
    InterpolationMode.NEAREST: Image.Resampling.NEAREST,
    InterpolationMode.NEAREST_EXACT: Image.Resampling.NEAREST,
    InterpolationMode.BILINEAR: Image.Resampling.BILINEAR,
    InterpolationMode.BICUBIC: Image.Resampling.BICUBIC,
    InterpolationMode.BOX: Image.Resampling.BOX,
    InterpolationMode.HAMMING: Image.Resampling.HAMMING,
    InterpolationMode.LANCZOS: Image.Resampling.LANCZOS,
}


def _interpolation(mode):
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int):  # a PIL filter constant
        for key, value in _PIL_FILTER.items():
            if value == mode and key is not InterpolationMode.NEAREST_EXACT:
                return key
    if isinstance(mode, str):
        return InterpolationMode(mode)
    raise TypeError(f"interpolation should be an InterpolationMode or a PIL filter, got {mode!r}")


def _is_pil(img):
    return isinstance(img, Image.Image)


def _check_image(img):
    if not (_is_pil(img) or isinstance(img, Tensor)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    if isinstance(img, Tensor) and img.ndim < 2:
        raise TypeError(f"Tensor is not a torch image: expected at least 2 dims, got "
                        f"shape {tuple(img.shape)}")


def get_image_size(img):
    """[width, height] of a PIL image or a (..., H, W) tensor."""
    _check_image(img)
    if _is_pil(img):
        return list(img.size)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img):
    _check_image(img)
    if _is_pil(img):
        return len(img.getbands())
    return 1 if img.ndim == 2 else img.shape[-3]


def _wrap_like(array):
    return Tensor._wrap(array)


# ---- conversions ------------------------------------------------------------------------
def pil_to_tensor(pic):
    """PIL Image -> uint8 (or int) Tensor of shape (C, H, W), values unchanged."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    if pic.mode == "1":
        arr = arr.astype(np.uint8) * 255  # mode "1" is bool
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    return _wrap_like(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def to_tensor(pic):
    """PIL Image or ndarray (H, W, C) -> Tensor (C, H, W); uint8 is scaled to [0, 1].

    uint8 input gives the default float dtype divided by 255 (`x.float() / 255`, like
    torchvision); other dtypes keep their values and dtype.
    """
    if _is_pil(pic):
        modes = {"I": np.int32, "I;16": np.int16 if not np.little_endian else np.uint16,
                 "F": np.float32}
        arr = np.array(pic, modes.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = arr * np.uint8(255)
        arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    chw = np.ascontiguousarray(arr.transpose(2, 0, 1))
    if chw.dtype == np.uint8:
        float_np = dtypes.get_default_dtype().np
        chw = chw.astype(float_np) / float_np.type(255)
    return _wrap_like(chw)


def _to_tensor_batch(images):
    """uint8 (N, H, W) or (N, H, W, C) array -> float (N, C, H, W) in [0, 1]: `to_tensor` of
    every image, computed as one array (the datasets' batched fetch; same numbers, since
    the conversion is elementwise)."""
    arr = images[:, :, :, None] if images.ndim == 3 else images
    chw = np.ascontiguousarray(arr.transpose(0, 3, 1, 2))
    float_np = dtypes.get_default_dtype().np
    return _wrap_like(chw.astype(float_np) / float_np.type(255))


def to_pil_image(pic, mode=None):
    """Tensor (C, H, W) or ndarray (H, W, C) -> PIL Image; floats are scaled by 255."""
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = backend.move(pic.detach()._data, backend.CPU)
        arr = arr[None] if arr.ndim == 2 else arr
        if arr.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-3]} channels.")
        if arr.dtype.kind == "f" and mode != "F":
            arr = (arr * arr.dtype.type(255)).astype(np.uint8)
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        if arr.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    channels = arr.shape[2]
    if channels == 1:
        arr = arr[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                    np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(arr.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type "
                             f"{arr.dtype}. Should be {expected}")
        mode = expected
    else:
        permitted = {2: ["LA"], 4: ["RGBA", "CMYK", "RGBX"], 3: ["RGB", "YCbCr", "HSV"]}
        if mode is not None and mode not in permitted[channels]:
            raise ValueError(f"Only modes {permitted[channels]} are supported for "
                             f"{channels}D inputs")
        if mode is None and arr.dtype == np.uint8:
            mode = permitted[channels][0]
    if mode is None:
        raise TypeError(f"Input type {arr.dtype} is not supported")
    return Image.fromarray(np.ascontiguousarray(arr), mode=mode)


# ---- normalization ----------------------------------------------------------------------
def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float (..., C, H, W) tensor (differentiable)."""
    import minitorch

    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.dtype.is_floating_point:
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tuple(tensor.shape)}")
    mean_t = minitorch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std_t = minitorch.as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if bool((std_t == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if mean_t.ndim == 1:
        mean_t = mean_t.reshape(-1, 1, 1)
    if std_t.ndim == 1:
        std_t = std_t.reshape(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return (tensor - mean_t) / std_t


# ---- geometry ----------------------------------------------------------------------------
def _resized_size(height, width, size, max_size):
    """torchvision's output size: an int (or [int]) matches the shorter edge."""
    if isinstance(size, numbers.Number):
        size = [int(size)]
    size = list(size)
    if len(size) == 1:
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None:
            if max_size <= size[0]:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
        return new_h, new_w
    if len(size) != 2:
        raise ValueError(f"size must be an int or a sequence of 1 or 2 ints, got {size}")
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of "
                         f"the smaller edge, i.e. size should be an int or a sequence of "
                         f"length 1 in torchscript mode, got size={size}")
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
           antialias=True):
    """Resize to `size` = (h, w), or make the shorter edge `size` keeping the aspect ratio.

    PIL images use PIL's resampling (antialiased), like torchvision. Tensor images use
    torch's rules: NEAREST picks `floor(i * in / out)`; the other modes resample each
    channel with PIL in float32 (the antialiased algorithm torch ports from PIL).
    """
    _check_image(img)
    mode = _interpolation(interpolation)
    width, height = get_image_size(img)
    new_h, new_w = _resized_size(height, width, size, max_size)
    if (new_h, new_w) == (height, width):
        return img
    if _is_pil(img):
        return img.resize((new_w, new_h), _PIL_FILTER[mode])
    data = img._data
    xp = backend.array_module(data)
    if mode is InterpolationMode.NEAREST:
        rows = xp.minimum(xp.floor(xp.arange(new_h, dtype=xp.float32)
                                   * xp.float32(height / new_h)), height - 1).astype(xp.int64)
        cols = xp.minimum(xp.floor(xp.arange(new_w, dtype=xp.float32)
                                   * xp.float32(width / new_w)), width - 1).astype(xp.int64)
        return _wrap_like(data[..., rows[:, None], cols[None, :]])
    host = backend.move(data, backend.CPU)
    planes = host.reshape(-1, height, width).astype(np.float32)
    out = np.stack([np.asarray(Image.fromarray(p, mode="F").resize((new_w, new_h),
                                                                   _PIL_FILTER[mode]))
                    for p in planes])
    if host.dtype.kind in "iub":
        info = np.iinfo(host.dtype) if host.dtype.kind != "b" else None
        out = np.round(out)
        if info is not None:
            out = np.clip(out, info.min, info.max)
    out = out.astype(host.dtype).reshape(host.shape[:-2] + (new_h, new_w))
    return _wrap_like(backend.move(out, backend.device_of(data)))


def _parse_padding(padding):
    if isinstance(padding, numbers.Number):
        padding = [int(padding)]
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the border. padding: int, (left/right, top/bottom) or (left, top, right, bottom).

    padding_mode: 'constant' (with `fill`), 'edge', 'reflect' or 'symmetric'.
    """
    _check_image(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_padding(padding)
    if _is_pil(img):
        if padding_mode == "constant":
            if isinstance(fill, (list, tuple)) and len(img.getbands()) == 1:
                fill = fill[0]
            if isinstance(fill, list):
                fill = tuple(fill)
            if min(left, top, right, bottom) < 0:  # negative padding crops
                return crop(img, -top, -left, img.size[1] + top + bottom,
                            img.size[0] + left + right)
            return ImageOps.expand(img, border=(left, top, right, bottom), fill=fill)
        arr = np.asarray(img)
        widths = [(top, bottom), (left, right)] + ([(0, 0)] if arr.ndim == 3 else [])
        out = Image.fromarray(np.pad(arr, widths, mode=padding_mode))
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    data = img._data
    xp = backend.array_module(data)
    widths = [(0, 0)] * (data.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        return _wrap_like(xp.pad(data, widths, mode="constant", constant_values=fill))
    return _wrap_like(xp.pad(data, widths, mode=padding_mode))


def crop(img, top, left, height, width):
    """The box with corner (top, left) and size (height, width); outside is zero."""
    _check_image(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    data = img._data
    h, w = data.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0)]
        inner = data[..., max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)]
        return pad(_wrap_like(inner), pads, fill=0)
    return _wrap_like(data[..., top:bottom, left:right])


def center_crop(img, output_size):
    """Crop the center; an image smaller than output_size is zero-padded first."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    width, height = get_image_size(img)
    crop_h, crop_w = output_size
    if crop_w > width or crop_h > height:
        padding = [(crop_w - width) // 2 if crop_w > width else 0,
                   (crop_h - height) // 2 if crop_h > height else 0,
                   (crop_w - width + 1) // 2 if crop_w > width else 0,
                   (crop_h - height + 1) // 2 if crop_h > height else 0]
        img = pad(img, padding, fill=0)
        width, height = get_image_size(img)
        if crop_w == width and crop_h == height:
            return img
    top = int(round((height - crop_h) / 2.0))
    left = int(round((width - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def resized_crop(img, top, left, height, width, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation,
                  antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return _wrap_like(img._data[..., ::-1].copy())


def vflip(img):
    """Mirror top-bottom."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return _wrap_like(img._data[..., ::-1, :].copy())


def rgb_to_grayscale(img, num_output_channels=1):
    """ITU-R 601-2 luma (0.2989 R + 0.587 G + 0.114 B); PIL images use PIL's convert('L')."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    _check_image(img)
    if _is_pil(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            gray = Image.merge("RGB", [gray, gray, gray])
        return gray
    data = img._data
    if data.ndim < 3 or data.shape[-3] not in (1, 3):
        raise TypeError(f"Input image tensor should have 1 or 3 channels, got shape "
                        f"{tuple(data.shape)}")
    if data.shape[-3] == 1:
        out = data
    else:
        work = data.dtype if data.dtype.kind == "f" else np.dtype(np.float32)
        r, g, b = (data[..., i, :, :].astype(work) for i in range(3))
        c = work.type
        out = (c(0.2989) * r + c(0.587) * g + c(0.114) * b).astype(data.dtype)[..., None, :, :]
    if num_output_channels == 3:
        out = out.repeat(3, axis=-3) if out.shape[-3] == 1 else out
    return _wrap_like(out)


to_grayscale = rgb_to_grayscale

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "normalize",
           "resize", "pad", "crop", "center_crop", "resized_crop", "hflip", "vflip",
           "rgb_to_grayscale", "to_grayscale", "get_image_size", "get_image_num_channels"]
