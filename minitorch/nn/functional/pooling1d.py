"""1-D pooling: each function is its 2-D twin on a signal of height 1.

`x.unsqueeze(-2)` turns (N, C, L) or (C, L) into (N, C, 1, L) or (C, 1, L); the 2-D pool
with a (1, k) window, stride (1, s) and padding (0, p) then slides along L only, and
`squeeze(-2)` removes the height again. One implementation, one speed, one gradient.
What differs is the checks: torch validates the 1-D arguments itself first (with its
1-D messages, below), and then the 2-D kernel speaks of the height-1 view (e.g. "Given
input size: (3x1x10)"), which the delegation reproduces for free.
"""
from __future__ import annotations

from ... import dtypes
from ...ops.im2col import out_size
from ..modules.utils import _int_tuple
from . import pooling

__all__ = ["adaptive_avg_pool1d", "adaptive_max_pool1d", "avg_pool1d", "max_pool1d"]


def _single_arg(value, name, fn):
    """int or 1-sequence -> int, with torch's error for other lengths."""
    try:
        return _int_tuple(value, 1, lambda v: f"{fn}() argument '{name}' should contain one "
                          f"int (got {len(v)})")[0]
    except TypeError:
        raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, not "
                        f"{type(value).__name__}") from None


def _check_dims(input, fn):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {fn})")


def _height_1(values, fills):
    """1-D (kernel, stride, ...) ints -> 2-D pairs with the height entry in front."""
    return [(fill, v) for v, fill in zip(values, fills)]


# how torch's check_max_pool1d words each argument's allowed forms
_SIZE_1_KINDS = {"kernel_size": "an int, list of ints or", "stride": "None, an int, list of "
                 "ints, or", "padding": "an int, list of ints, or",
                 "dilation": "an int, list of ints or"}


def _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """torch's check_max_pool1d: its own 1-D messages, in its order."""
    if input.dim() not in (2, 3) or 0 in input.shape[1:]:
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{list(input.shape)}")

    def length(value):
        return len(value) if isinstance(value, (tuple, list)) else 1

    for name, value in (("kernel_size", kernel_size), ("stride", stride),
                        ("padding", padding), ("dilation", dilation)):
        if length(value) != 1 and not (name == "stride" and length(value) == 0):
            raise RuntimeError(f"max_pool1d() {name} must be {_SIZE_1_KINDS[name]} tuple of "
                               f"ints of size 1 but got size {length(value)}")
    kernel = _single_arg(kernel_size, "kernel_size", "max_pool1d")
    stride = kernel if stride is None or length(stride) == 0 else _single_arg(
        stride, "stride", "max_pool1d")
    padding, dilation = (_single_arg(padding, "padding", "max_pool1d"),
                         _single_arg(dilation, "dilation", "max_pool1d"))
    if kernel <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got "
                           f"{kernel}")
    if stride <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {stride}")
    if padding < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {padding}")
    if padding > kernel // 2:
        raise RuntimeError("max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={padding} and kernel_size={kernel}")
    if dilation <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got "
                           f"{dilation}")
    out = out_size(input.shape[-1], kernel, stride, padding, dilation, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    dtypes.require_kernel("max_pool1d_impl", input, lambda d: d.is_floating_point)
    return kernel, stride, padding, dilation


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """out[n, c, l] = max of the (dilated) window; padding counts as -inf.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size, stride (default kernel_size), padding (at most kernel_size // 2),
            dilation (int or 1-tuple), ceil_mode: as in max_pool2d.
        return_indices (bool): also return the argmax positions along L.

    Shape:
        output: (N, C, L_out), L_out = (L + 2*padding - dilation*(kernel_size - 1) - 1)
        / stride + 1, rounded down (or up with ceil_mode).

    The gradient goes to the first maximum of each window (torch's index).

    >>> max_pool1d(minitorch.randn(1, 16, 28), 2).shape
    minitorch.Size([1, 16, 14])
    """
    if return_indices:  # torch's max_pool1d_with_indices: the 2-D checks after these
        _check_dims(input, "max_pool1d")
        kernel = _single_arg(kernel_size, "kernel_size", "max_pool1d")
        stride = kernel if stride is None or stride in ([], ()) else _single_arg(
            stride, "stride", "max_pool1d")
        padding, dilation = (_single_arg(padding, "padding", "max_pool1d"),
                             _single_arg(dilation, "dilation", "max_pool1d"))
    else:
        kernel, stride, padding, dilation = _check_max_pool1d(
            input, kernel_size, stride, padding, dilation, ceil_mode)
    out = pooling.max_pool2d(input.unsqueeze(-2), *_height_1(
        (kernel, stride, padding, dilation), (1, 1, 0, 1)), ceil_mode=ceil_mode,
        return_indices=return_indices)
    if return_indices:  # a flat h*W + w index with h = 0 is the position along L
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """out = sum of the zero-padded window / its size (or / the real samples in it).

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size, stride (default kernel_size), padding, ceil_mode: as in avg_pool2d.
        count_include_pad (bool): count the padded zeros in the divisor. Default: True.

    Shape:
        output: (N, C, L_out), L_out = (L + 2*padding - kernel_size) / stride + 1, rounded
        down (or up with ceil_mode).

    >>> avg_pool1d(minitorch.ones(1, 1, 6), 2).shape
    minitorch.Size([1, 1, 3])
    """
    _check_dims(input, "avg_pool1d")
    kernel = _single_arg(kernel_size, "kernel_size", "avg_pool1d")
    stride = kernel if stride is None or stride in ([], ()) else _single_arg(
        stride, "stride", "avg_pool1d")
    padding = _single_arg(padding, "padding", "avg_pool1d")
    out = pooling.avg_pool2d(input.unsqueeze(-2), *_height_1(
        (kernel, stride, padding), (1, 1, 0)), ceil_mode=ceil_mode,
        count_include_pad=count_include_pad)
    return out.squeeze(-2)


def adaptive_avg_pool1d(input, output_size):
    """Average over torch's adaptive windows: output position i averages input positions
    floor(i*L/L_out) .. ceil((i+1)*L/L_out) - 1.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        output_size (int or 1-tuple): L_out.

    >>> adaptive_avg_pool1d(minitorch.randn(2, 8, 7), 3).shape
    minitorch.Size([2, 8, 3])
    """
    _check_dims(input, "adaptive_avg_pool1d")
    size = _single_arg(output_size, "output_size", "adaptive_avg_pool1d")
    return pooling.adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max over torch's adaptive windows (see adaptive_avg_pool1d); the gradient goes to
    the first maximum; indices are positions along L.

    >>> adaptive_max_pool1d(minitorch.randn(2, 8, 7), 3).shape
    minitorch.Size([2, 8, 3])
    """
    _check_dims(input, "adaptive_max_pool1d")
    size = _single_arg(output_size, "output_size", "adaptive_max_pool1d")
    for d in range(1, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError(
                "adaptive_max_pool1d(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {list(input.shape)} with dimension {d} "
                "being empty")
    if size < 0:
        shape = [*input.shape[:-1], 1, size]
        raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {shape}")
    out = pooling.adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)
