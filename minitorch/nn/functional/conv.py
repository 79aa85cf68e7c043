"""conv1d, conv2d and their transposes: validate arguments (torch's errors), call the ops.

The math lives in `minitorch/ops/conv.py` (im2col + one GEMM, forward and backward side
by side); this module only checks shapes, dtypes and hyper-parameters. A 1-D convolution
is the 2-D one on a signal of height 1 (kernel height 1, stride 1, no vertical padding),
so both share one implementation and its speed: the checks below take the number of
spatial dims (`dims`) and speak of the user's tensors; then a 1-D problem gets its height.
"""
from __future__ import annotations

from ... import dtypes
from ...ops import conv as conv_ops
from ..modules.utils import _int_tuple
from .misc import pad as _pad

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


def _ntuple_arg(value, name, dims):
    """int or 1-/dims-sequence -> dims-tuple, with torch's error for other lengths."""
    return _int_tuple(value, dims, lambda v: (
        f"expected {name} to be a single integer value or a list of {dims} values to match "
        f"the convolution dimensions, but got {name}={list(v)}"))


def _check_hyper(stride, padding, dilation, groups):
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("non-positive dilation is not supported")


def _check_dtypes(input, weight, bias):
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) "
                           "should be the same")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({input.dtype.name}) and bias type "
                           f"({bias.dtype.name}) should be the same")


def _check_bias(bias, weight, out_channels, transposed=""):
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(
            f"Given {transposed}weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {out_channels} elements, but got bias of size "
            f"{list(bias.shape)} instead")


def _batched(input, weight, fn, dims):
    """(N, C, *spatial) view of an unbatched or batched input; True if it was unbatched."""
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input "
                           f"to {fn}, but got input of size: {list(input.shape)}")
    x = input.unsqueeze(0) if input.dim() == dims + 1 else input
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.dim() != dims + 2:
        raise RuntimeError(
            f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
            f"{list(weight.shape)}, but got {x.dim()}-dimensional input of size "
            f"{list(x.shape)} instead")
    # torch runs a 1-D kernel as a 2-D one of height 1, and names the sizes that way
    kernel = (1,) * (2 - dims) + tuple(weight.shape[2:])
    if 0 in kernel:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{kernel[0]} kernel_width: {kernel[1]}")
    return x, input.dim() == dims + 1


def _same_padding(kernel, dilation):
    """torch's padding='same': total d*(k-1) split left = total//2, right = the rest."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    left = tuple(t // 2 for t in total)
    extra = tuple(t - 2 * lo for t, lo in zip(total, left))  # 1 where the kernel is even
    return left, extra


def _conv_padding(padding, kernel, stride, dilation, dims):
    """(padding, extra): int/tuple padding, or torch's "valid" / "same" strings; `extra`
    is the one more pixel "same" puts at the end of each dim with an even span."""
    if not isinstance(padding, str):
        return _ntuple_arg(padding, "padding", dims), (0,) * dims
    if padding == "valid":
        return (0,) * dims, (0,) * dims
    if padding == "same":
        if stride != (1,) * dims:
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        return _same_padding(kernel, dilation)
    raise RuntimeError(f"Invalid padding string: '{padding}'")


def _convolution(input, weight, bias, stride, padding, dilation, groups, dims, fn):
    x, unbatched = _batched(input, weight, fn, dims)
    if weight.shape[0] == 0:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least 1 at dimension 0, but got "
            f"weight of size {list(weight.shape)} instead")
    stride, dilation = _ntuple_arg(stride, "stride", dims), _ntuple_arg(dilation, "dilation", dims)
    kernel = tuple(weight.shape[2:])
    padding, extra = _conv_padding(padding, kernel, stride, dilation, dims)
    _check_hyper(stride, padding, dilation, groups)
    out_channels = weight.shape[0]
    if out_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{list(weight.shape)}] instead")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{x.shape[1]} channels instead")
    _check_dtypes(x, weight, bias)
    dtypes.require_kernel("slow_conv2d_cpu", x, lambda d: d.name != "bool")
    _check_bias(bias, weight, out_channels)
    padded = [x.shape[2 + i] + 2 * padding[i] + extra[i] for i in range(dims)]
    span = [dilation[i] * (kernel[i] - 1) + 1 for i in range(dims)]
    if any(p < s for p, s in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater than "
            "actual input size")
    if any(extra):  # F.pad's order: last dim first, (left, right) each
        x = _pad(x, [p for e in reversed(extra) for p in (0, e)])
    if dims == 1:  # the 2-D op on a height of 1: kernel height 1, stride 1, no padding
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, padding, dilation = (1, *stride), (0, *padding), (1, *dilation)
    out = conv_ops.Conv2d.apply(x, weight, bias, stride=stride, padding=padding,
                                dilation=dilation, groups=groups)
    if dims == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c].

    Runs as conv2d on a signal of height 1 (one implementation for both).

    Args:
        input (Tensor): (N, C_in, L) or unbatched (C_in, L).
        weight (Tensor): (C_out, C_in/groups, kL).
        bias (Tensor, optional): (C_out,).
        stride, dilation (int or 1-tuple): step between windows / between kernel taps.
        padding (int, 1-tuple or str): zeros on both sides, or "valid" / "same" (for an
            even span the extra zero goes to the right, as in torch).
        groups (int): split the channels into this many independent convolutions.

    Shape:
        output: (N, C_out, L_out), L_out = (L + 2*padding - dilation*(kL - 1) - 1) // stride
        + 1.

    >>> conv1d(minitorch.randn(8, 4, 50), minitorch.randn(16, 4, 5), padding=2).shape
    minitorch.Size([8, 16, 50])
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c].

    Args:
        input (Tensor): (N, C_in, H, W) or unbatched (C_in, H, W).
        weight (Tensor): (C_out, C_in/groups, kH, kW).
        bias (Tensor, optional): (C_out,).
        stride, dilation (int or tuple): step between windows / between kernel taps.
        padding (int, tuple or str): zeros added on both sides, or "valid" (none) or
            "same" (output size = input size; for even kernels the extra pixel goes to
            the bottom/right, as in torch).
        groups (int): split the channels into this many independent convolutions.

    Shape:
        output: (N, C_out, H_out, W_out), with
        H_out = (H + 2*padding[0] - dilation[0]*(kH - 1) - 1) // stride[0] + 1.

    >>> conv2d(minitorch.randn(8, 1, 28, 28), minitorch.randn(16, 1, 5, 5), padding=2).shape
    minitorch.Size([8, 16, 28, 28])
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def _transposed_convolution(input, weight, bias, stride, padding, output_padding, groups,
                            dilation, dims, fn):
    x, unbatched = _batched(input, weight, fn, dims)
    stride, dilation = _ntuple_arg(stride, "stride", dims), _ntuple_arg(dilation, "dilation", dims)
    padding = _ntuple_arg(padding, "padding", dims)
    output_padding = _ntuple_arg(output_padding, "output_padding", dims)
    _check_hyper(stride, padding, dilation, groups)
    if min(output_padding) < 0:
        raise RuntimeError("negative output_padding is not supported")
    if dims == 1:  # the 2-D op on a height of 1 (torch's messages show that view too)
        stride, padding, dilation = (1, *stride), (0, *padding), (1, *dilation)
        output_padding = (0, *output_padding)
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{list(weight.shape)}] instead")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} "
            "channels instead")
    _check_dtypes(x, weight, bias)
    # torch's CPU kernel: floats and int64 only
    dtypes.require_kernel("slow_conv_transpose2d_out_cpu", x,
                          lambda d: d.is_floating_point or d.name == "int64")
    _check_bias(bias, weight, weight.shape[1] * groups, transposed="transposed=1, ")
    kernel = (1,) * (2 - dims) + tuple(weight.shape[2:])
    length = (1,) * (2 - dims) + tuple(x.shape[2:])
    out_size = [(length[i] - 1) * stride[i] - 2 * padding[i]
                + dilation[i] * (kernel[i] - 1) + output_padding[i] + 1 for i in range(2)]
    if min(out_size) <= 0:
        raise RuntimeError(
            f"{fn}: given input of size {list(x.shape)}, weight of size "
            f"{list(weight.shape)}, stride={stride[2 - dims:]}, padding={padding[2 - dims:]}, "
            f"dilation={dilation[2 - dims:]}, output_padding={output_padding[2 - dims:]}, "
            f"the calculated output size ({' x '.join(map(str, out_size[2 - dims:]))}) is "
            "too small")
    if dims == 1:
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
    out = conv_ops.ConvTranspose2d.apply(
        x, weight, bias, stride=stride, padding=padding, output_padding=output_padding,
        dilation=dilation, groups=groups)
    if dims == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """1-D transposed convolution (the gradient of conv1d with respect to its input).

    Runs as conv_transpose2d on a signal of height 1.

    Args:
        input (Tensor): (N, C_in, L) or unbatched (C_in, L).
        weight (Tensor): (C_in, C_out/groups, kL).
        bias (Tensor, optional): (C_out,).
        stride, padding, dilation (int or 1-tuple): those of the conv1d it transposes.
        output_padding (int or 1-tuple): extra length at the end of the output, smaller
            than stride or dilation.
        groups (int): number of blocked connections from input to output channels.

    Shape:
        output: (N, C_out, L_out), L_out = (L - 1)*stride - 2*padding + dilation*(kL - 1)
        + output_padding + 1.

    >>> conv_transpose1d(minitorch.randn(1, 4, 5), minitorch.randn(4, 6, 3), stride=2).shape
    minitorch.Size([1, 6, 11])
    """
    return _transposed_convolution(input, weight, bias, stride, padding, output_padding,
                                   groups, dilation, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """2-D transposed convolution (the gradient of conv2d with respect to its input).

    Args:
        input (Tensor): (N, C_in, H, W) or unbatched (C_in, H, W).
        weight (Tensor): (C_in, C_out/groups, kH, kW).
        bias (Tensor, optional): (C_out,).
        stride, padding, dilation (int or tuple): those of the conv2d it transposes.
        output_padding (int or tuple): extra rows/cols added to one side of the output
            (to pick among the input sizes a strided conv2d maps to the same size);
            must be smaller than stride or dilation.
        groups (int): number of blocked connections from input to output channels.

    Shape:
        output: (N, C_out, H_out, W_out), with H_out = (H - 1)*stride[0] - 2*padding[0]
        + dilation[0]*(kH - 1) + output_padding[0] + 1.

    >>> conv_transpose2d(minitorch.randn(1, 4, 5, 5), minitorch.randn(4, 6, 3, 3), stride=2).shape
    minitorch.Size([1, 6, 11, 11])
    """
    return _transposed_convolution(input, weight, bias, stride, padding, output_padding,
                                   groups, dilation, 2, "conv_transpose2d")
