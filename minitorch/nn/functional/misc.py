"""Embedding lookup, one_hot, pad, interpolate and normalize."""
from __future__ import annotations

import math

from ... import backend, dtypes, ops
from ...ops import nn_ops, resample
from ...tensor import Tensor

__all__ = ["embedding", "interpolate", "normalize", "one_hot", "pad", "upsample"]


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` picked by the integer `input`: out[...] = weight[input[...]].

    Args:
        input (LongTensor): indices, any shape.
        weight (Tensor): (num_embeddings, embedding_dim).
        padding_idx (int, optional): this row gets no gradient.
        max_norm (float, optional): rows used are renormalized in place to this norm.

    Shape:
        output: (*input.shape, embedding_dim).
    """
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"{input.type()} instead (while checking arguments for embedding)")
    if weight.dim() == 0:  # torch reads weight.size(0) first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num
    idx = input._data
    if idx.size and num == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return nn_ops.Embedding.apply(input, weight, padding_idx)


def _renorm_rows(weight, idx, max_norm, norm_type):
    """weight[rows] *= max_norm / norm where the row norm exceeds max_norm (in place)."""
    xp = backend.array_module(weight._data)
    rows = xp.unique(idx.reshape(-1))
    w = weight._data[rows]
    norms = (xp.abs(w) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    weight._data[rows] = w * scale[:, None]
    weight._version[0] += 1


def one_hot(input, num_classes=-1):
    """int64 tensor of shape (*input.shape, num_classes) with a 1 at each index."""
    tensor = input  # torch's keyword is `input`
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    xp = backend.array_module(data)
    if data.size and int(data.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    elif data.size and int(data.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (data[..., None] == xp.arange(num_classes)).astype(xp.int64)
    return Tensor._wrap(out)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dims: pad = (left, right, top, bottom, ...), last dim first.

    Args:
        mode (str): "constant" (any dims, negative pads crop), "reflect", "replicate" or
            "circular" (the last 1-3 dims).
        value (float): fill for "constant". Default: 0.
    """
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not hasattr(p, "__index__"):
            raise TypeError("pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(p).__name__} at pos {i}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the "
                           "input dimension but got padding length "
                           f"{len(pad)} and input of dimension {input.dim()}")
    n_pad = len(pad) // 2
    per_axis = {input.dim() - 1 - i: (pad[2 * i], pad[2 * i + 1]) for i in range(n_pad)}
    if mode == "constant":
        pads = tuple(per_axis.get(a, (0, 0)) for a in range(input.dim()))
        for axis, (b, a) in per_axis.items():
            if input.shape[axis] + b + a < 0:
                raise RuntimeError(f"The input size {input.shape[axis]}, plus negative "
                                   f"padding {b} and {a} resulted in a negative output size, "
                                   "which is invalid. Check dimension "
                                   f"{axis} of your input.")
        return resample.PadConstant.apply(input, pads, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not (n_pad + 1 <= input.dim() <= n_pad + 2) or n_pad > 3:
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        _check_circular(input, per_axis)
    else:
        _check_reflect_replicate(input, per_axis, n_pad, mode)
    indices = {}
    for axis, (b, a) in per_axis.items():
        size = input.shape[axis]
        indices[axis] = backend.move(resample.pad_index(size, b, a, mode), input.device)
    return resample.PadIndex.apply(input, indices)


def _check_circular(input, per_axis):
    for axis, (b, a) in per_axis.items():
        if b > input.shape[axis] or a > input.shape[axis]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if input.shape[axis] + b + a < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")


def _check_reflect_replicate(input, per_axis, n_pad, mode):
    """torch's reflection_pad{n}d / replication_pad{n}d checks, in its order."""
    kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{n_pad}d"
    dtypes.require_kernel(kernel, input, lambda d: d.name != "bool")
    batched = input.dim() == n_pad + 2
    if 0 in input.shape[1 if batched else 0:]:
        raise RuntimeError(
            f"Expected {n_pad + 1}D or {n_pad + 2}D (batch mode) tensor with possibly 0 batch "
            f"size and other non-zero dimensions for input, but got: {list(input.shape)}")
    axes = sorted(per_axis, reverse=True)  # last dim (W) first, as torch checks
    if mode == "reflect":
        for i, axis in enumerate(axes):
            b, a = per_axis[axis]
            if b >= input.shape[axis] or a >= input.shape[axis]:
                raise RuntimeError(
                    f"Argument #{4 + 2 * i}: Padding size should be less than the "
                    f"corresponding input dimension, but got: padding ({b}, {a}) at "
                    f"dimension {axis} of input {list(input.shape)}")
    names = "WHD"[:len(axes)]
    sizes = [input.shape[axis] for axis in axes]
    outs = [size + sum(per_axis[axis]) for size, axis in zip(sizes, axes)]
    if all(o < 1 for o in outs):  # torch errs only when every padded dim is empty
        given = ", ".join(f"{n}: {s}" for n, s in reversed(list(zip(names, sizes))))
        calc = " ".join(f"{n}: {o}" for n, o in reversed(list(zip(names, outs))))
        raise RuntimeError(f"input ({given}{' ' if len(axes) > 1 else ''}) is too small. "
                           f"Calculated output {calc}")
    if min(outs) < 0:
        shape = list(input.shape)
        for axis, o in zip(axes, outs):
            shape[axis] = o
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(outs)}: "
                           f"{shape}")


_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims (after N, C) by `size` or `scale_factor`.

    Args:
        mode (str): "nearest" (3-D/4-D input), "linear" (3-D) or "bilinear" (4-D).
        align_corners (bool): for linear modes, map corner pixel centres onto each other
            (src = dst * (in - 1) / (out - 1)); else src = (dst + 0.5) * in / out - 0.5.

    Shape:
        input (N, C, W) or (N, C, H, W) -> (N, C, W_out) or (N, C, H_out, W_out),
        out = floor(in * scale_factor) or `size`.
    """
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if align_corners is None:
        align_corners = False
    spatial = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
            "for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | "
            f"area | nearest-exact (got {mode})")
    needed = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
    if mode in needed and needed[mode] != spatial:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{needed[mode] + 2}D input")
    if mode not in ("nearest", "linear", "bilinear") or spatial not in (1, 2):
        raise NotImplementedError(f"minitorch: interpolate supports nearest/linear/bilinear "
                                  f"on 3-D/4-D input, got mode={mode!r} and "
                                  f"{input.dim()}-D input")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        out_sizes = (size,) * spatial if isinstance(size, int) else tuple(size)
        _check_positive_sizes(in_sizes, out_sizes)
        scales = [i / o for i, o in zip(in_sizes, out_sizes)]
    else:
        factors = (scale_factor,) * spatial if not isinstance(scale_factor, (tuple, list)) \
            else tuple(scale_factor)
        out_sizes = tuple(math.floor(i * f) for i, f in zip(in_sizes, factors))
        _check_positive_sizes(in_sizes, out_sizes)
        if recompute_scale_factor:
            scales = [i / o for i, o in zip(in_sizes, out_sizes)]
        else:
            scales = [1.0 / f for f in factors]
    if len(out_sizes) != spatial:
        raise ValueError(f"Input and output must have the same number of spatial dimensions, "
                         f"but got input with spatial dimensions of {list(in_sizes)} and "
                         f"output size of {list(out_sizes)}. Please provide input tensor in "
                         "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                         "format.")
    kind = "nearest" if mode == "nearest" else "linear"
    xp_dtype = input._data.dtype
    mats = [backend.move(resample.interp_matrix(i, o, kind, align_corners, s).astype(xp_dtype),
                         input.device)
            for i, o, s in zip(in_sizes, out_sizes, scales)]
    mat_h = mats[0] if spatial == 2 else None
    return resample.Interpolate.apply(input, mat_h, mats[-1])


def _check_positive_sizes(in_sizes, out_sizes):
    """torch's error for an empty or negative output (NumPy's would be a ValueError)."""
    if all(n > 0 for n in in_sizes + out_sizes) or len(in_sizes) != len(out_sizes):
        return
    names = "DHW"[-len(in_sizes):]
    def words(sizes):
        return ", ".join(f"{k}: {n}" for k, n in zip(names, sizes))
    joint = " and output" if len(in_sizes) == 1 else " output"  # sic, as torch words it
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                       f"({words(in_sizes)}){joint} ({words(out_sizes)})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along `dim`."""
    norm = ops.norm(input, p, dim, keepdim=True)
    return input / ops.clamp(norm, min=eps).expand_as(input)
