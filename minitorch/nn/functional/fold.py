"""unfold (im2col) and fold (col2im): validate arguments (torch's errors), call the ops.

    unfold: (N, C, H, W) -> (N, C*kH*kW, L), one column per sliding window
    fold:   (N, C*kH*kW, L) -> (N, C, H, W), each column summed back into its window

with L = L_h * L_w sliding blocks, L_h = (H + 2*padding[0] - dilation[0]*(kH - 1) - 1)
// stride[0] + 1. The math lives in `minitorch/ops/fold.py`.
"""
from __future__ import annotations

from ... import dtypes
from ...ops import fold as fold_ops
from ..modules.utils import _int_tuple

__all__ = ["fold", "unfold"]


def _pair_arg(value, name):
    """int or 2-sequence -> (h, w); torch wants exactly 2 for a sequence."""
    return _int_tuple(value, 2, lambda v: f"It is expected {name} equals to 2, but got size "
                      f"{len(v)}", repeat_one=False)


def _check_positive(value, what, name):
    if min(value) <= 0:
        raise RuntimeError(f"{what} should be greater than zero, but got {name}_height: "
                           f"{value[0]} {name}_width: {value[1]}")


def _check_padding(padding):
    if min(padding) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")


def _blocks(size, kernel, stride, padding, dilation):
    """Number of sliding blocks along each spatial axis (floor division, as torch)."""
    return tuple((size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
                 for i in range(2))


def _args(kernel_size, dilation, padding, stride):
    return (_pair_arg(kernel_size, "kernel_size"), _pair_arg(dilation, "dilation"),
            _pair_arg(padding, "padding"), _pair_arg(stride, "stride"))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks: out[n, (c, i, j), l] = input_padded[n, c, window l + (i, j)].

    Args:
        input (Tensor): (N, C, H, W) or unbatched (C, H, W).
        kernel_size, dilation, padding, stride (int or 2-tuple): the sliding window.

    Shape:
        output: (N, C*kH*kW, L), L = L_h * L_w sliding blocks (see the module docstring).

    >>> unfold(minitorch.randn(2, 3, 6, 7), 3).shape
    minitorch.Size([2, 27, 20])
    """
    kernel, dilation, padding, stride = _args(kernel_size, dilation, padding, stride)
    _check_positive(kernel, "kernel size", "kernel")  # torch's order of checks
    _check_positive(dilation, "dilation", "dilation")
    _check_padding(padding)
    _check_positive(stride, "stride", "stride")
    if input.dim() < 3:  # torch fails reading the (missing) channel dim
        d = input.dim()
        raise IndexError(f"Dimension out of range (expected to be in range of [{-d}, {d - 1}],"
                         f" but got {d})")
    if input.dim() > 4 or 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size "
                           "and other non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    size = tuple(input.shape[-2:])
    blocks = _blocks(size, kernel, stride, padding, dilation)
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size {size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, calculated shape of the array of sliding blocks as {blocks}, "
            "but its components must be at least one.")
    dtypes.require_kernel("im2col_out_cpu", input,
                          lambda d: d.is_floating_point or d.name == "bool")
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    out = fold_ops.Unfold.apply(x, kernel, stride, padding, dilation)
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding local blocks into an image, summing where blocks overlap (the
    adjoint of unfold; fold(unfold(x)) multiplies each pixel by the number of windows
    that contain it).

    Args:
        input (Tensor): (N, C*kH*kW, L) or unbatched (C*kH*kW, L).
        output_size (int or 2-tuple): (H, W) of the image.
        kernel_size, dilation, padding, stride (int or 2-tuple): as in unfold.

    Shape:
        output: (N, C, H, W); L must equal the number of sliding blocks of an (H, W) image.

    >>> fold(minitorch.randn(2, 27, 20), (6, 7), 3).shape
    minitorch.Size([2, 3, 6, 7])
    """
    size = _pair_arg(output_size, "output_size")
    kernel, dilation, padding, stride = _args(kernel_size, dilation, padding, stride)
    _check_positive(kernel, "kernel size", "kernel")  # torch's order of checks
    _check_positive(stride, "stride", "stride")
    _check_positive(dilation, "dilation", "dilation")
    _check_padding(padding)
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           "batch size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    planes, length = input.shape[-2:]
    if planes % (kernel[0] * kernel[1]):
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={planes} and kernel_size={kernel}.")
    blocks = _blocks(size, kernel, stride, padding, dilation)
    given = (f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
             f"padding={padding}, stride={stride}, ")
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"{given}expected size of input's dimension 2 to match the calculated number of "
            f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={length}.")
    if min(blocks) < 1:
        raise RuntimeError(f"{given}calculated shape of the array of sliding blocks as "
                           f"{blocks}, which is too small (non-positive)")
    dtypes.require_kernel("col2im_out_cpu", input,
                          lambda d: d.is_floating_point or d.name == "bool")
    unbatched = input.dim() == 2
    x = input.unsqueeze(0) if unbatched else input
    out = fold_ops.Fold.apply(x, size, kernel, stride, padding, dilation)
    return out.squeeze(0) if unbatched else out
