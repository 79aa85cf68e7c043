"""conv2d and conv_transpose2d: validate arguments (torch's errors), then call the ops.

The math lives in `minitorch/ops/conv.py` (im2col + one GEMM, forward and backward side
by side); this module only checks shapes, dtypes and hyper-parameters.
"""
from __future__ import annotations

import operator

from ... import dtypes
from ...ops import conv as conv_ops
from .misc import pad as _pad

__all__ = ["conv2d", "conv_transpose2d"]


def _pair(value, name, fn="conv2d"):
    """int or 1-/2-sequence -> (h, w), with torch's error for other lengths."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = (value[0], value[0])
        if len(value) != 2:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of 2 values to "
                f"match the convolution dimensions, but got {name}={list(value)}")
        return (operator.index(value[0]), operator.index(value[1]))
    value = operator.index(value)
    return (value, value)


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


def _batched(input, fn):
    """(N, C, H, W) view of a 3-D (unbatched) or 4-D input; True if it was unbatched."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to {fn}, but got "
                           f"input of size: {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.dim() == 3 else (input, False)


def _same_padding(kernel, dilation):
    """torch's padding='same': total d*(k-1) split left = total//2, right = the rest."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    left = tuple(t // 2 for t in total)
    extra = tuple(t - 2 * lo for t, lo in zip(total, left))  # 1 where the kernel is even
    return left, extra


def _check_kernel(weight):
    if 0 in weight.shape[2:]:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{weight.shape[2]} kernel_width: {weight.shape[3]}")


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
    x, unbatched = _batched(input, "conv2d")
    if weight.dim() != 4:
        raise RuntimeError(f"conv2d: expected a 4-D weight (out_channels, in_channels/groups, "
                           f"kH, kW), but got weight of size {list(weight.shape)}")
    _check_kernel(weight)
    if weight.shape[0] == 0:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least 1 at dimension 0, but got "
            f"weight of size {list(weight.shape)} instead")
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    kernel = tuple(weight.shape[2:])
    extra = (0, 0)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            padding, extra = _same_padding(kernel, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _pair(padding, "padding")
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
    padded = [x.shape[2 + i] + 2 * padding[i] + extra[i] for i in range(2)]
    span = [dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
    if padded[0] < span[0] or padded[1] < span[1]:
        raise RuntimeError(
            f"Calculated padded input size per channel: ({padded[0]} x {padded[1]}). Kernel "
            f"size: ({span[0]} x {span[1]}). Kernel size can't be greater than actual input "
            "size")
    if extra != (0, 0):
        x = _pad(x, (0, extra[1], 0, extra[0]))
    out = conv_ops.Conv2d.apply(x, weight, bias, stride=stride, padding=padding,
                                dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


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
    x, unbatched = _batched(input, "conv_transpose2d")
    if weight.dim() != 4:
        raise RuntimeError(f"conv_transpose2d: expected a 4-D weight (in_channels, "
                           f"out_channels/groups, kH, kW), but got weight of size "
                           f"{list(weight.shape)}")
    _check_kernel(weight)
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    padding = _pair(padding, "padding")
    output_padding = _pair(output_padding, "output_padding")
    _check_hyper(stride, padding, dilation, groups)
    if min(output_padding) < 0:
        raise RuntimeError("negative output_padding is not supported")
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
    kernel = weight.shape[2:]
    out_hw = [(x.shape[2 + i] - 1) * stride[i] - 2 * padding[i]
              + dilation[i] * (kernel[i] - 1) + output_padding[i] + 1 for i in range(2)]
    if min(out_hw) <= 0:
        raise RuntimeError(
            f"conv_transpose2d: given input of size {list(x.shape)}, weight of size "
            f"{list(weight.shape)}, stride={stride}, padding={padding}, "
            f"dilation={dilation}, output_padding={output_padding}, the calculated output "
            f"size ({out_hw[0]} x {out_hw[1]}) is too small")
    out = conv_ops.ConvTranspose2d.apply(
        x, weight, bias, stride=stride, padding=padding, output_padding=output_padding,
        dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out
