"""What `fill_` and `copy_` write: a value broadcast over a tensor, differentiable in the
value."""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .promotion import _is_tensor, cast, to_device
from .shape import expand


class Overwrite(Op):
    """out = `value` (a number or an array) broadcast to x's shape: what fill_/copy_ write.
    d/dx = 0 (x's old values are gone, torch also gives zeros), d/dvalue = grad (summed
    back over the broadcast by the engine)."""

    @staticmethod
    def forward(ctx, x, value):
        xp = backend.array_module(x)
        out = xp.empty_like(x)
        out[...] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        return xp.zeros_like(grad), grad

    @staticmethod
    def backward_graph(ctx, grad, x, value):
        return grad * 0, grad


def copy_from(input, src):
    """The value `input.copy_(src)` writes: src broadcast to input's shape and dtype."""
    if not _is_tensor(src):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src.device != input.device:
        src = to_device(src, input.device)
    if src.dtype != input.dtype:
        src = cast(src, input.dtype)
    expand(src, input.shape)  # raises torch's error if src does not broadcast
    return Overwrite.apply(input, src)


def full_like_of(input, value):
    """The value `input.fill_(value)` writes."""
    if _is_tensor(value):
        if value.dim() != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        value = value.item()
    return Overwrite.apply(input, value)

