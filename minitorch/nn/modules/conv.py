"""Conv1d, Conv2d, ConvTranspose1d and ConvTranspose2d layers (torch.nn.Conv*d).

One `_ConvNd` holds what they share; `dims` (1 or 2) is the number of spatial dims.
"""
from __future__ import annotations

import math

from ...creation import empty
from .. import functional as F
from .. import init
from ..functional._validate import require_tensor
from ..module import Module
from ..parameter import Parameter
from .utils import _ntuple

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the Conv and ConvTranspose layers share: checks, parameters, init and repr."""

    dims = 2  # spatial dims; the 1-D layers set 1

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in _ntuple(self.dims)(stride)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError("padding_mode must be one of {'circular', 'replicate', 'zeros', "
                             f"'reflect'}}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(self.dims)(kernel_size)
        self.stride = _ntuple(self.dims)(stride)
        self.padding = padding if isinstance(padding, str) else _ntuple(self.dims)(padding)
        self.dilation = _ntuple(self.dims)(dilation)
        self.transposed = transposed
        self.output_padding = _ntuple(self.dims)(output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's (left, right, top, bottom) for the non-"zeros" padding modes
        if padding == "valid":
            self._reversed_padding_repeated_twice = [0, 0] * self.dims
        elif padding == "same":
            self._reversed_padding_repeated_twice = []
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                self._reversed_padding_repeated_twice += [total // 2, total - total // 2]
        else:
            self._reversed_padding_repeated_twice = [
                p for p in reversed(self.padding) for _ in range(2)]
        if transposed:   # (in, out/groups, kH, kW) or (in, out/groups, kL)
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:            # (out, in/groups, kH, kW)
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _check_input(self, input, fn):
        require_tensor(fn, input)
        if min(self.kernel_size) <= 0:  # torch checks at the first call, not in __init__
            kernel = (1,) * (2 - self.dims) + self.kernel_size  # 1-D runs with height 1
            raise RuntimeError("kernel size should be greater than zero, but got "
                               f"kernel_height: {kernel[0]} kernel_width: {kernel[1]}")

    def _conv_forward(self, input, weight, bias):
        conv = F.conv1d if self.dims == 1 else F.conv2d
        self._check_input(input, conv.__name__)
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice,
                           mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation,
                    self.groups)

    def forward(self, input):  # the transposed layers override it
        return self._conv_forward(input, self.weight, self.bias)

    def reset_parameters(self):
        # kaiming_uniform_ with a = sqrt(5) gives bound = 1/sqrt(fan_in), with
        # fan_in = weight.shape[1] * kH * kW (also for ConvTranspose, as in torch)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if isinstance(self.padding, str) or self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-D convolution: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c] (cross-correlation).

    Args:
        in_channels (int), out_channels (int): channels of input and output.
        kernel_size (int or tuple): (kH, kW).
        stride (int or tuple): Default: 1.
        padding (int, tuple or str): zeros (or padding_mode) on both sides, or "valid" /
            "same". Default: 0.
        dilation (int or tuple): spacing between kernel taps. Default: 1.
        groups (int): blocked connections between input and output channels. Default: 1.
        bias (bool): learn an additive bias. Default: True.
        padding_mode (str): "zeros", "reflect", "replicate" or "circular".

    Shape:
        input (N, C_in, H, W) or (C_in, H, W) -> output (N, C_out, H_out, W_out),
        H_out = (H + 2*padding[0] - dilation[0]*(kH - 1) - 1) // stride[0] + 1.

    weight: (C_out, C_in/groups, kH, kW), bias: (C_out,), both from U(-k, k) with
    k = 1/sqrt(C_in/groups * kH * kW).

    >>> Conv2d(1, 16, 5, 1, 2)(minitorch.randn(8, 1, 28, 28)).shape
    minitorch.Size([8, 16, 28, 28])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, device, dtype)


class Conv1d(_ConvNd):
    """1-D convolution: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c] (cross-correlation).

    Args: as in Conv2d, with int or 1-tuple sizes (kernel_size, stride, padding, dilation).

    Shape:
        input (N, C_in, L) or (C_in, L) -> output (N, C_out, L_out),
        L_out = (L + 2*padding - dilation*(kL - 1) - 1) // stride + 1.

    weight: (C_out, C_in/groups, kL), bias: (C_out,), both from U(-k, k) with
    k = 1/sqrt(C_in/groups * kL).

    >>> Conv1d(4, 16, 5, padding=2)(minitorch.randn(8, 4, 50)).shape
    minitorch.Size([8, 16, 50])
    """

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, device, dtype)


class _ConvTransposeNd(_ConvNd):
    """What ConvTranspose1d and ConvTranspose2d share: output_size and forward."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, output_padding,
                 groups, bias, dilation, padding_mode, device, dtype):
        if padding_mode != "zeros":
            raise ValueError('Only "zeros" padding mode is supported for '
                             f"{type(self).__name__}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         True, output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        """The output_padding that makes the output `output_size` (torch's rule)."""
        if output_size is None:
            return self.output_padding
        dims = self.dims
        non_spatial = 2 if input.dim() == dims + 2 else 1
        output_size = list(output_size)
        if len(output_size) == non_spatial + dims:
            output_size = output_size[non_spatial:]
        if len(output_size) != dims:
            raise ValueError(f"ConvTranspose{dims}D: for {input.dim()}D input, output_size "
                             f"must have {dims} or {non_spatial + dims} elements (got "
                             f"{len(output_size)})")
        min_sizes, max_sizes = [], []
        for d in range(dims):
            size = ((input.shape[d + non_spatial] - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1)
            min_sizes.append(size)
            max_sizes.append(size + self.stride[d] - 1)
        for d in range(dims):
            if not min_sizes[d] <= output_size[d] <= max_sizes[d]:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from "
                    f"{min_sizes} to {max_sizes} (for an input of {input.shape[non_spatial:]})")
        return tuple(output_size[d] - min_sizes[d] for d in range(dims))

    def forward(self, input, output_size=None):
        fn = f"conv_transpose{self.dims}d"
        self._check_input(input, fn)
        if isinstance(self.padding, str):
            # torch raises ValueError here (not TypeError)
            raise ValueError(f"Only `zeros` padding mode is supported for "  # noqa: TRY004
                             f"{type(self).__name__}")
        output_padding = self._output_padding(input, output_size)
        return getattr(F, fn)(input, self.weight, self.bias, self.stride, self.padding,
                              output_padding, self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (the gradient of Conv2d with respect to its input).

    Args:
        in_channels (int), out_channels (int), kernel_size (int or tuple).
        stride, padding, dilation (int or tuple): those of the Conv2d it transposes.
        output_padding (int or tuple): extra size on one side of the output, smaller than
            stride or dilation. Default: 0.
        groups (int), bias (bool): as in Conv2d.

    Shape:
        input (N, C_in, H, W) -> output (N, C_out, H_out, W_out), H_out = (H - 1)*stride[0]
        - 2*padding[0] + dilation[0]*(kH - 1) + output_padding[0] + 1.

    weight: (C_in, C_out/groups, kH, kW); init bound 1/sqrt(C_out/groups * kH * kW).

    >>> ConvTranspose2d(4, 6, 3, stride=2)(minitorch.randn(1, 4, 5, 5), output_size=[12, 12]).shape
    minitorch.Size([1, 6, 12, 12])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, device, dtype)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (the gradient of Conv1d with respect to its input).

    Args: as in ConvTranspose2d, with int or 1-tuple sizes.

    Shape:
        input (N, C_in, L) or (C_in, L) -> output (N, C_out, L_out), L_out = (L - 1)*stride
        - 2*padding + dilation*(kL - 1) + output_padding + 1.

    weight: (C_in, C_out/groups, kL); init bound 1/sqrt(C_out/groups * kL).

    >>> ConvTranspose1d(4, 6, 3, stride=2)(minitorch.randn(1, 4, 5), output_size=[12]).shape
    minitorch.Size([1, 6, 12])
    """

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, device, dtype)
