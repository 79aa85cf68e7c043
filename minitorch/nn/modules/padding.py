"""Padding layers: Zero/Constant/Reflection/Replication/CircularPad1d and 2d, all F.pad.

`padding` is an int (the same on every side) or a tuple (left, right) for 1-D and
(left, right, top, bottom) for 2-D, stored as that tuple, as in torch.
"""
from __future__ import annotations

from .. import functional as F
from ..module import Module


def _sides(padding, dims):
    """int -> the same on all 2*dims sides; a tuple is kept as given (as in torch)."""
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * dims)


class _PadNd(Module):
    """What the padding layers share: `padding`, the F.pad mode, and the repr."""

    mode = "constant"
    dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(padding, self.dims)

    def forward(self, input):
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Padding with a constant `value`."""

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`: (*, W) -> (*, W + left + right).

    >>> ConstantPad1d(2, 3.5)(minitorch.zeros(1, 2, 3)).shape
    minitorch.Size([1, 2, 7])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with `value`: (*, H, W) -> (*, H + top + bottom, W + left + right)."""

    dims = 2


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros."""

    def __init__(self, padding):
        _ConstantPadNd.__init__(self, padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros.

    >>> ZeroPad2d((1, 1, 2, 0))(minitorch.zeros(1, 1, 3, 3)).shape
    minitorch.Size([1, 1, 5, 5])
    """

    __init__ = ZeroPad1d.__init__
    extra_repr = ZeroPad1d.extra_repr


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its mirror image, not repeating the edge (pad < input size).
    Input (C, W) or (N, C, W)."""

    mode = "reflect"


class ReflectionPad2d(_PadNd):
    """Reflection padding of the last two dims; input (C, H, W) or (N, C, H, W)."""

    mode, dims = "reflect", 2


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating its edge value. Input (C, W) or (N, C, W)."""

    mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Replication padding of the last two dims; input (C, H, W) or (N, C, H, W)."""

    mode, dims = "replicate", 2


class _CircularPadNd(_PadNd):
    """Wrap-around padding: the left pad comes from the right end (pad <= input size)."""

    mode = "circular"

    def forward(self, input):
        if input.dim() not in (self.dims + 1, self.dims + 2):  # torch checks in the layer
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got "
                             f"{input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Circular padding of the last dim; input (C, W) or (N, C, W)."""


class CircularPad2d(_CircularPadNd):
    """Circular padding of the last two dims; input (C, H, W) or (N, C, H, W)."""

    dims = 2
