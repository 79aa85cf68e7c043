"""softmax, log_softmax and logsumexp: the reductions with a max-shift for stability."""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import cast
from .reduce import _axes, _broadcast_back, _expand_back, _float
from .registry import public
from .shape import normalize_dims


def _max(x, axes):
    """x.max(axes, keepdims=True), the shift that keeps exp from overflowing; 0 for an
    empty x (NumPy's max has no identity to return there and raises)."""
    if x.size == 0:
        return backend.array_module(x).zeros_like(x.sum(axis=axes, keepdims=True))
    return x.max(axis=axes, keepdims=True)


class LogSumExp(Op):
    """out = log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m = max (no overflow);
    d/dx = softmax(x)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        xp = backend.array_module(x)
        m = _max(x, axes)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(x - m).sum(axis=axes, keepdims=True)) + m
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else out.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        return (_expand_back(grad, ctx.axes, ctx.keepdim) * xp.exp(x - out),)

    @staticmethod
    def backward_graph(ctx, grad, x, axes, keepdim):
        g = _broadcast_back(grad, ctx.axes, ctx.keepdim, x.shape)
        return (g * (x - x.logsumexp(ctx.axes, keepdim=True)).exp(),)


class Softmax(Op):
    """out = exp(x - max) / sum(exp(x - max));  d/dx = out * (grad - sum(grad * out))."""

    @staticmethod
    def forward(ctx, x, axis):
        xp = backend.array_module(x)
        e = xp.exp(x - _max(x, axis))
        out = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return (out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True)),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis):
        out = x.softmax(ctx.axis)
        return (out * (grad - (grad * out).sum(ctx.axis, keepdim=True)),)


def log_softmax_array(x, axis):
    """x - logsumexp(x) along axis on an xp array, shifted by the max (no overflow)."""
    xp = backend.array_module(x)
    shifted = x - _max(x, axis)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


class LogSoftmax(Op):
    """out = x - logsumexp(x);  d/dx = grad - softmax(x) * sum(grad)."""

    @staticmethod
    def forward(ctx, x, axis):
        out = log_softmax_array(x, axis)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        return (grad - xp.exp(out) * grad.sum(axis=ctx.axis, keepdims=True),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis):
        return (grad - x.softmax(ctx.axis) * grad.sum(ctx.axis, keepdim=True),)


@public(method=True)
def logsumexp(input, dim, keepdim=False):
    return LogSumExp.apply(_float(input), _axes(input, dim), keepdim)


def _check_floating(kernel, input, dtype):
    """torch has no integer softmax kernel: integer input needs dtype=... (or .float())."""
    if dtype is None:
        dtypes.require_kernel(kernel, input, lambda d: d.is_floating_point)


@public(method=True)
def softmax(input, dim, dtype=None):
    _check_floating("softmax_lastdim_kernel_impl", input, dtype)
    input = cast(input, dtype) if dtype is not None else _float(input)
    return Softmax.apply(input, normalize_dims(dim, input.dim())[0] if input.dim() else None)


@public(method=True)
def log_softmax(input, dim, dtype=None):
    _check_floating("log_softmax_lastdim_kernel_impl", input, dtype)
    input = cast(input, dtype) if dtype is not None else _float(input)
    return LogSoftmax.apply(input, normalize_dims(dim, input.dim())[0] if input.dim() else None)

