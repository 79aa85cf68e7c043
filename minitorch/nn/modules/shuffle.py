"""PixelShuffle, PixelUnshuffle and ChannelShuffle layers: rearrangements, no parameters."""
from __future__ import annotations

from .. import functional as F
from ..module import Module


class PixelShuffle(Module):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r) with r = upscale_factor (sub-pixel convolution).

    >>> PixelShuffle(2)(minitorch.randn(1, 8, 3, 4)).shape
    minitorch.Size([1, 2, 6, 8])
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W) with r = downscale_factor (PixelShuffle's inverse).

    >>> PixelUnshuffle(2)(minitorch.randn(1, 2, 6, 8)).shape
    minitorch.Size([1, 8, 3, 4])
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels of `groups` groups: (N, g*k, *) -> (N, k*g, *).

    >>> ChannelShuffle(2)(minitorch.randn(1, 4, 2, 2)).shape
    minitorch.Size([1, 4, 2, 2])
    """

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
