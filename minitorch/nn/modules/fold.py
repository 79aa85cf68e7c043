"""Fold and Unfold layers (torch.nn.Fold / torch.nn.Unfold): im2col and col2im."""
from __future__ import annotations

from .. import functional as F
from ..module import Module


class Unfold(Module):
    """Extract sliding local blocks: (N, C, H, W) -> (N, C*kH*kW, L).

    Args:
        kernel_size (int or tuple): size of the sliding blocks.
        dilation (int or tuple): step between taps. Default: 1.
        padding (int or tuple): zeros on both sides. Default: 0.
        stride (int or tuple): step between blocks. Default: 1.

    >>> Unfold(3, padding=1)(minitorch.randn(2, 3, 6, 7)).shape
    minitorch.Size([2, 27, 42])
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Combine sliding local blocks into an image, summing overlaps:
    (N, C*kH*kW, L) -> (N, C, H, W) with (H, W) = output_size.

    Args:
        output_size (int or tuple): (H, W) of the image.
        kernel_size, dilation, padding, stride: as in Unfold.

    >>> Fold((6, 7), 3)(minitorch.randn(2, 27, 20)).shape
    minitorch.Size([2, 3, 6, 7])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
