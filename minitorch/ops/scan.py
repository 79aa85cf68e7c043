"""Scans along a dim (running results): cumprod, cummax, cummin, logcumsumexp.

cumsum lives with the reductions (reduce.py). cumprod is one NumPy/CuPy call; the
running max/min and log-sum-exp use `inclusive_scan`, which applies a two-argument op in
log2(n) whole-array steps (CuPy's ufuncs have no `.accumulate` for maximum or logaddexp).
"""
from __future__ import annotations

from .. import backend, dtypes, return_types
from ..autograd.function import Op
from .promotion import cast
from .registry import public
from .shape import normalize_dim
from .sorting import scatter_along_axis, scatter_along_axis_graph


def inclusive_scan(op, x, axis):
    """out_i = op(... op(op(x_0, x_1), x_2) ..., x_i) along `axis`, for an associative
    elementwise `op` (Hillis-Steele): after the step with shift s, every element has
    combined itself with the s elements before it, so the shifts 1, 2, 4, ... cover the
    row in ceil(log2(n)) steps."""
    xp = backend.array_module(x)
    out = x
    n, shift = x.shape[axis], 1
    lead = (slice(None),) * axis
    while shift < n:
        combined = op(out[lead + (slice(shift, None),)], out[lead + (slice(None, n - shift),)])
        out = xp.concatenate([out[lead + (slice(None, shift),)], combined], axis=axis)
        shift *= 2
    return out.copy() if out is x else out


def _reverse_cumsum(a, axis):
    xp = backend.array_module(a)
    return xp.flip(xp.cumsum(xp.flip(a, axis), axis=axis), axis)


class Cumprod(Op):
    """out_i = x_0 * ... * x_i;  d/dx_j = sum_{i>=j} grad_i * prod_{k<=i, k!=j} x_k.

    Without zeros that is reverse_cumsum(grad * out) / x_j. Dividing by x_j fails at
    zeros, so (as torch does) the elements up to a row's first zero use the division,
    the first zero z gets out_{z-1} * sum_{i>=z} grad_i * x_{z+1} ... x_i, and the
    elements after it get 0 (every product they appear in holds x_z = 0).
    """

    @staticmethod
    def forward(ctx, x, axis):
        xp = backend.array_module(x)
        out = xp.cumprod(x, axis=axis)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        axis, n = ctx.axis, x.shape[ctx.axis]
        if x.size == 0:
            return (grad,)
        pos = xp.arange(n).reshape((n,) + (1,) * (x.ndim - axis - 1))
        is_zero = x == 0
        # first zero of each row (n when there is none)
        first_zero = xp.where(is_zero.any(axis=axis, keepdims=True),
                              xp.argmax(is_zero, axis=axis, keepdims=True), n)
        before = pos < first_zero
        with backend.ignore_float_errors(xp):
            grad_x = xp.where(before, _reverse_cumsum(grad * out, axis) / xp.where(before, x, 1),
                              0)
        # at the first zero: the product of the other factors, x_z taken as 1
        after_ones = xp.where(pos <= first_zero, xp.ones_like(x), x)
        tail = xp.where(pos >= first_zero, grad * xp.cumprod(after_ones, axis=axis), 0)
        prefix = xp.where(pos < first_zero, x, xp.ones_like(x)).prod(axis=axis, keepdims=True)
        at_zero = prefix * tail.sum(axis=axis, keepdims=True)
        return (xp.where(pos == first_zero, at_zero, grad_x).astype(grad.dtype, copy=False),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis):
        x_, out = ctx.saved_tensors
        xp = backend.array_module(x_)
        axis, n = ctx.axis, x_.shape[ctx.axis]
        if n == 1:  # out = x (torch returns grad as it is)
            return (grad,)
        if not (x_ == 0).any():  # the formula with the division, as in backward
            total = (grad * ctx.output_tensor(out)).flip((axis,)).cumsum(axis).flip((axis,))
            return (total / x,)
        # With zeros, no division: row k of `others` is x with x_k replaced by 1, so its
        # running product at i is prod_{j<=i, j!=k} x_j, which counts for i >= k.
        # (n x n per row: only with zeros and create_graph=True)
        Tensor = type(grad)
        others = x.movedim(axis, -1).unsqueeze(-2).where(Tensor._wrap(~xp.eye(n, dtype=bool)),
                                                         1.0)
        later = Tensor._wrap(xp.triu(xp.ones((n, n), dtype=bool)))  # [k, i]: i >= k
        terms = (others.cumprod(-1) * grad.movedim(axis, -1).unsqueeze(-2)).where(later, 0.0)
        return (terms.sum(-1).movedim(-1, axis),)


class CumMaxMin(Op):
    """Running max (or min) and the index it came from. A later equal value takes over the
    index, and NaN wins from where it appears (each new NaN too) -- torch's rule.
    d/dx: each output's gradient goes to the element its index names (several outputs
    can name the same one: their gradients add)."""

    @staticmethod
    def forward(ctx, x, axis, largest):
        xp = backend.array_module(x)
        n = x.shape[axis]
        pos = xp.broadcast_to(xp.arange(n).reshape((n,) + (1,) * (x.ndim - axis - 1)), x.shape)
        values = inclusive_scan(xp.maximum if largest else xp.minimum, x, axis)
        # x_i is where the running value came from when it equals it (the latest such i;
        # NaN != NaN, so a NaN marks itself); others hold -1 and lose the running max
        hits = (x == values) | (xp.isnan(x) if x.dtype.kind == "f" else False)
        indices = inclusive_scan(xp.maximum, xp.where(hits, pos, -1), axis).astype(xp.int64)
        ctx.save_for_backward(indices)
        ctx.axis = axis
        return values, indices

    @staticmethod
    def backward(ctx, grad, _grad_indices=None):
        (indices,) = ctx.saved_tensors
        return (scatter_along_axis(indices.shape, ctx.axis, indices, grad),)

    @staticmethod
    def backward_graph(ctx, grad, grad_indices, x, axis, largest):
        (indices,) = ctx.saved_tensors
        return (scatter_along_axis_graph(indices.shape, ctx.axis, indices, grad),)


class LogCumSumExp(Op):
    """out_i = log(exp(x_0) + ... + exp(x_i)), accumulated pairwise with logaddexp (no
    overflow, and no underflow of small early terms, as a shared max shift would cause).

    d/dx_j = sum_{i>=j} grad_i exp(x_j - out_i). As torch does, the positive and negative
    parts of grad are summed separately in log space, so no exp can overflow:
    exp(x_j + reverse_logcumsumexp(log|grad| - out)).
    """

    @staticmethod
    def forward(ctx, x, axis):
        xp = backend.array_module(x)
        out = inclusive_scan(xp.logaddexp, x, axis)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        axis = ctx.axis
        lowest = xp.finfo(grad.dtype).min

        def reverse_logcumsumexp(a):
            return xp.flip(inclusive_scan(xp.logaddexp, xp.flip(a, axis), axis), axis)

        with backend.ignore_float_errors(xp):  # log(0) = -inf where grad == 0 is replaced below
            log_abs = xp.log(xp.abs(grad))
            parts = [xp.exp(reverse_logcumsumexp(xp.where(keep, log_abs, lowest) - out) + x)
                     for keep in (grad > 0, grad < 0)]
        return (parts[0] - parts[1],)

    @staticmethod
    def backward_graph(ctx, grad, x, axis):
        # backward's log-space formula on Tensors (torch differentiates the same one)
        out = ctx.output_tensor(ctx.saved_tensors[1])
        axis = ctx.axis
        lowest = float(backend.array_module(out._data).finfo(out._data.dtype).min)
        parts = []
        for keep in (grad > 0, grad < 0):
            # log|grad| only where kept: a log(0) = -inf would make NaN gradients
            log_abs = grad.abs().where(keep, 1.0).log().where(keep, lowest)
            shifted = (log_abs - out).flip((axis,))
            parts.append((LogCumSumExp.apply(shifted, axis).flip((axis,)) + x).exp())
        return (parts[0] - parts[1],)


# ---- tensor-level functions -----------------------------------------------------------------
def _axis(input, dim):
    return normalize_dim(dim, input.dim()) if input.dim() else None


def _scan(op, input, dim, *args):
    """Run a scan along `dim`; a 0-dim tensor runs as one row of length 1."""
    axis = _axis(input, dim)
    if axis is None:
        out = op.apply(input.reshape(1), 0, *args)
        if isinstance(out, tuple):
            return tuple(o.reshape(()) for o in out)
        return out.reshape(())
    return op.apply(input, axis, *args)


@public(method=True)
def cumprod(input, dim, *, dtype=None):
    """out_i = x_0 * x_1 * ... * x_i along `dim`; integers and bools give int64 (as torch)."""
    if dtype is not None:
        input = cast(input, dtype)
    elif not input.dtype.is_floating_point:
        input = cast(input, dtypes.int64)
    return _scan(Cumprod, input, dim)


@public(method=True)
def cummax(input, dim):
    """(values, indices) of the running maximum along `dim`; the dtype is kept."""
    return return_types.cummax(*_scan(CumMaxMin, input, dim, True))


@public(method=True)
def cummin(input, dim):
    return return_types.cummin(*_scan(CumMaxMin, input, dim, False))


@public(method=True)
def logcumsumexp(input, dim):
    """out_i = log(sum_{j<=i} exp(x_j)) along `dim`, computed without overflow."""
    dtypes.require_kernel("logcumsumexp_out_cpu", input, lambda d: d.is_floating_point)
    return _scan(LogCumSumExp, input, dim)
