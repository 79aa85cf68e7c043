"""Pooling functions: validate arguments (torch's errors), then call minitorch/ops/pool.py.

All accept a 4-D (N, C, H, W) or unbatched 3-D (C, H, W) input, like torch.
"""
from __future__ import annotations

import operator

from ... import dtypes
from ...ops import pool as pool_ops
from ...ops.im2col import out_size
from ..modules.utils import _int_tuple

__all__ = ["adaptive_avg_pool2d", "adaptive_max_pool2d", "avg_pool2d", "max_pool2d",
           "max_unpool2d"]


def _pair_arg(value, name, fn):
    return _int_tuple(value, 2, lambda v: f"{fn}: {name} must either be a single int, or a "
                      "tuple of two ints")


def _batched(input, fn):
    """(N, C, H, W) view of a 3-D or 4-D input with non-empty C, H, W."""
    if input.dim() not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(input.shape)}")
    return (input.unsqueeze(0), True) if input.dim() == 3 else (input, False)


def _not_bool(d):
    return d.name != "bool"


def _floating(d):
    return d.is_floating_point


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, fn):
    """Check pooling hyper-parameters like torch's pool2d_shape_check; return them."""
    kernel = _pair_arg(kernel_size, "kernel_size", fn)
    stride = kernel if stride is None or stride == [] or stride == () else _pair_arg(
        stride, "stride", fn)
    padding, dilation = _pair_arg(padding, "padding", fn), _pair_arg(dilation, "dilation", fn)
    # the checks in torch's order: output-shape computation first, then pool2d_shape_check
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for i in range(2):
        if padding[i] > ((kernel[i] - 1) * dilation[i] + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={padding[i]}, kernel_size={kernel[i]} and dilation={dilation[i]}")
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got "
                           f"kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError("stride should be greater than zero, but got "
                           f"dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero, but got "
                           f"dilationH: {dilation[0]} dilationW: {dilation[1]}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:  # dilation not counted
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
    c, h, w = x.shape[1:]
    oh = out_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    if oh < 1 or ow < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{oh}x{ow}). Output size is too small")
    return kernel, stride, padding, dilation


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """out[n, c, oh, ow] = max of the (dilated) window; padding counts as -inf.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): window size.
        stride (int or tuple, optional): default kernel_size.
        padding (int or tuple): -inf added on both sides, at most kernel_size // 2
            (torch's limit, whatever the dilation).
        dilation (int or tuple): step between window taps.
        ceil_mode (bool): round the output size up (a window starting inside the right
            padding is still dropped, as in torch).
        return_indices (bool): also return the argmax, as flat h*W + w positions.

    Shape:
        output: (N, C, H_out, W_out), H_out = (H + 2*padding[0] - dilation[0]*(kH-1) - 1)
        / stride[0] + 1, rounded down (or up with ceil_mode).

    The gradient goes to the first maximum in window scan order (torch's index).

    >>> max_pool2d(minitorch.randn(1, 16, 28, 28), 2).shape
    minitorch.Size([1, 16, 14, 14])
    """
    dtypes.require_kernel("max_pool2d", input, _not_bool)
    x, unbatched = _batched(input, "max_pool2d")
    kernel, stride, padding, dilation = _pool_geometry(
        x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    out = pool_ops.MaxPool2d.apply(x, kernel, stride, padding, dilation, bool(ceil_mode),
                                   bool(return_indices))
    if unbatched:
        out = tuple(o.squeeze(0) for o in out) if return_indices else out.squeeze(0)
    return out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """out = sum of the zero-padded window / divisor.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size, stride, padding, ceil_mode: as in max_pool2d (no dilation).
        count_include_pad (bool): divide by the window size including padding (default)
            or by the number of real pixels.
        divisor_override (int, optional): divide by this instead.

    Shape:
        output: (N, C, H_out, W_out), as in max_pool2d with dilation 1.

    >>> avg_pool2d(minitorch.ones(1, 1, 4, 4), 2).shape
    minitorch.Size([1, 1, 2, 2])
    """
    # torch averages floats and int64 (with C++ integer division: truncated toward 0)
    dtypes.require_kernel("avg_pool2d", input, lambda d: _floating(d) or d.name == "int64")
    x, unbatched = _batched(input, "avg_pool2d")
    kernel, stride, padding, _ = _pool_geometry(
        x, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    integer = not x.dtype.is_floating_point
    # int64 sums are exact in float64 up to 2**53
    out = pool_ops.AvgPool2d.apply(x.double() if integer else x, kernel, stride, padding,
                                   bool(ceil_mode), bool(count_include_pad), divisor_override)
    if integer:
        out = (out.abs().floor() * out.sign()).long()  # truncate toward zero
    return out.squeeze(0) if unbatched else out


def _adaptive_size(input, output_size, fn, spatial_only=False):
    """(OH, OW) from output_size, after torch's checks; `spatial_only`: only H and W must
    be non-empty (adaptive_avg_pool2d; adaptive_max_pool2d also refuses 0 channels)."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    for d in range(input.dim() - 2 if spatial_only else 1, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError(
                f"{fn}(): Expected input to have non-zero size for non-batch dimensions, "
                f"but input has sizes {list(input.shape)} with dimension {d} being empty")
    if not isinstance(output_size, (tuple, list)):
        output_size = (output_size, output_size)
    if len(output_size) != 2:
        raise RuntimeError(f"{fn}: output_size must be 2")
    size = tuple(input.shape[-2 + i] if s is None else operator.index(s)
                 for i, s in enumerate(output_size))
    if min(size) < 0:
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to "
                           f"0 but received {{{', '.join(map(str, size))}}}")
    return size


def adaptive_avg_pool2d(input, output_size):
    """Average over torch's adaptive windows: output row i averages input rows
    floor(i*H/OH) .. ceil((i+1)*H/OH) - 1 (and the same for columns).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        output_size (int or tuple): (OH, OW); None keeps the input size.

    >>> adaptive_avg_pool2d(minitorch.randn(2, 8, 7, 9), 1).shape
    minitorch.Size([2, 8, 1, 1])
    """
    dtypes.require_kernel("adaptive_avg_pool2d", input, _floating)
    size = _adaptive_size(input, output_size, "adaptive_avg_pool2d", spatial_only=True)
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    out = pool_ops.AdaptiveAvgPool2d.apply(x, size)
    return out.squeeze(0) if unbatched else out


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over torch's adaptive windows (see adaptive_avg_pool2d); gradient to the first
    maximum; indices as flat h*W + w positions.

    >>> adaptive_max_pool2d(minitorch.randn(2, 8, 7, 9), (2, 3)).shape
    minitorch.Size([2, 8, 2, 3])
    """
    dtypes.require_kernel("adaptive_max_pool2d", input, _floating)
    size = _adaptive_size(input, output_size, "adaptive_max_pool2d")
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    out = pool_ops.AdaptiveMaxPool2d.apply(x, size, bool(return_indices))
    if unbatched:
        out = tuple(o.squeeze(0) for o in out) if return_indices else out.squeeze(0)
    return out


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool2d: put each value at its index, zeros elsewhere.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W), a max_pool2d output.
        indices (LongTensor): the indices max_pool2d returned.
        kernel_size, stride, padding: those of the max_pool2d.
        output_size (tuple, optional): (H_out, W_out) (or with N, C in front) to pick
            among the sizes that pool to H, W.

    Shape:
        output: (N, C, H_out, W_out), default H_out = (H - 1)*stride[0] - 2*padding[0]
        + kernel_size[0].
    """
    kernel = _pair_arg(kernel_size, "kernel_size", "max_unpool2d")
    stride = kernel if stride is None else _pair_arg(stride, "stride", "max_unpool2d")
    padding = _pair_arg(padding, "padding", "max_unpool2d")
    x, unbatched = _batched(input, "max_unpool2d")
    idx = indices.unsqueeze(0) if unbatched and indices.dim() == 3 else indices
    if idx.dtype.name != "int64":
        raise RuntimeError("elements in indices should be type int64 but got: "
                           f"{idx.type().split('.')[-1].replace('Tensor', '')}")
    if tuple(idx.shape) != tuple(x.shape):
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"({list(x.shape)}) but got indices tensor with shape: {list(idx.shape)}")
    default = [(x.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(2)]
    if output_size is None:
        size = tuple(default)
    else:
        size = tuple(int(s) for s in list(output_size)[-2:])
        for i in range(2):
            lo, hi = default[i] - stride[i], default[i] + stride[i]
            if not lo < size[i] < hi:
                raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {i} must '
                                 f"be between {lo} and {hi})")
    data = idx._data
    if data.size and (int(data.min()) < 0 or int(data.max()) >= size[0] * size[1]):
        bad = int(data.max()) if int(data.max()) >= size[0] * size[1] else int(data.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{size[0]}x{size[1]})")
    out = pool_ops.MaxUnpool2d.apply(x, idx, size)
    return out.squeeze(0) if unbatched else out
