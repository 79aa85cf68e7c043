"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d,
MaxUnpool2d."""
from __future__ import annotations

from .. import functional as F
from ..functional._validate import require_tensor
from ..module import Module
from .utils import _pair, _single


class _MaxPoolNd(Module):
    """What MaxPool1d and MaxPool2d share: the arguments, stored as given, and the repr."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over each (dilated) kernel_size window along L; padding counts as -inf.

    Args: as in MaxPool2d, with int or 1-tuple sizes.

    Shape:
        (N, C, L) or (C, L) -> (N, C, L_out), L_out = floor_or_ceil((L + 2*padding
        - dilation*(kernel_size - 1) - 1) / stride) + 1.

    >>> MaxPool1d(2)(minitorch.randn(1, 16, 28)).shape
    minitorch.Size([1, 16, 14])
    """

    def forward(self, input):
        require_tensor("max_pool1d", input)
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over each (dilated) kernel_size window; padding counts as -inf.

    Args:
        kernel_size (int or tuple): window size.
        stride (int or tuple, optional): Default: kernel_size.
        padding (int or tuple): at most half the effective kernel size. Default: 0.
        dilation (int or tuple): step between taps. Default: 1.
        return_indices (bool): also return flat h*W + w argmax indices (for MaxUnpool2d).
        ceil_mode (bool): round the output size up. Default: False.

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out), H_out = floor_or_ceil((H + 2*padding[0]
        - dilation[0]*(kH - 1) - 1) / stride[0]) + 1.

    >>> MaxPool2d(2)(minitorch.randn(1, 16, 28, 28)).shape
    minitorch.Size([1, 16, 14, 14])
    """

    def forward(self, input):
        require_tensor("max_pool2d", input)
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """Mean over each kernel_size window along L (zero padding).

    Args:
        kernel_size, stride (default kernel_size), padding (int or 1-tuple), ceil_mode.
        count_include_pad (bool): count padded zeros in the divisor. Default: True.

    >>> AvgPool1d(2)(minitorch.randn(1, 3, 8)).shape
    minitorch.Size([1, 3, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        require_tensor("avg_pool1d", input)
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Mean over each kernel_size window (zero padding).

    Args:
        kernel_size, stride, padding, ceil_mode: as in MaxPool2d (no dilation).
        count_include_pad (bool): count padded zeros in the divisor. Default: True.
        divisor_override (int, optional): divide by this instead.

    >>> AvgPool2d(2)(minitorch.randn(1, 3, 8, 8)).shape
    minitorch.Size([1, 3, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        require_tensor("avg_pool2d", input)
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePoolNd(Module):
    """What the adaptive pools share: output_size (stored as given) and the repr."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Average pooling along L to a fixed length (torch's adaptive windows).

    >>> AdaptiveAvgPool1d(3)(minitorch.randn(2, 8, 7)).shape
    minitorch.Size([2, 8, 3])
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveMaxPool1d(_AdaptivePoolNd):
    """Max pooling along L to a fixed length (torch's adaptive windows)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Average pooling to a fixed output size (torch's adaptive windows).

    Args:
        output_size (int or tuple): (OH, OW); None keeps that input dimension.

    >>> AdaptiveAvgPool2d((1, 1))(minitorch.randn(2, 8, 7, 7)).shape
    minitorch.Size([2, 8, 1, 1])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePoolNd):
    """Max pooling to a fixed output size (torch's adaptive windows)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class MaxUnpool2d(Module):
    """Inverse of MaxPool2d: values back at their argmax positions, zeros elsewhere.

    >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> out, idx = pool(minitorch.randn(1, 1, 4, 4))
    >>> unpool(out, idx).shape
    minitorch.Size([1, 1, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride if stride is not None else kernel_size)
        self.padding = _pair(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
