"""Pooling ops: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxUnpool2d.

Notation as in `im2col.py`. Max and avg pooling take the same strided window view as
conv2d's im2col, `windows(pad(x))` (N, C, KH, KW, OH, OW), and reduce it over (KH, KW);
the backward adds the gradient back through the same windows with `col2im`. That is
the reference below (`*_reference`); `_fast/pool.py` computes the same numbers faster
(a running max over window slices, a thread split, no window copy), and
`minitorch.backends.reference` picks one.

Torch's rules kept here:
  * max pooling pads with -inf (a padded pixel never wins, even against a real -inf);
  * ceil_mode drops a last window that would start inside the right padding;
  * the gradient of a max goes to the *first* maximum in window scan order (kh, then
    kw), the index torch returns; NaN counts as a maximum (torch's `val > max || isnan`),
    and among NaNs the last one wins.
  * returned indices are flat `h * W + w` positions in each (H, W) input plane.
"""
from __future__ import annotations

from .. import backend
from .. import tensor as tensor_module
from ..autograd.function import Op
from ..backends import reference
from ._fast import pool as fast
from .im2col import col2im, geometry, pad, windows
from .indexing import Gather, GetItemBackward


def _pad_value(dtype, xp):
    if dtype.kind == "f":
        return -float("inf")
    if dtype.kind == "b":
        return False
    return xp.iinfo(dtype).min


def _taps(x_pad, g):
    """The windows as (N, C, KH*KW, OH, OW): tap k = kh*KW + kw of every window."""
    return windows(x_pad, g).reshape(x_pad.shape[0], x_pad.shape[1], g.KH * g.KW, g.OH, g.OW)


def max_pool_reference(x, g):
    """(best, arg): each window's max, and its tap kh*KW + kw torch picks (the first max
    that is a real pixel, or the last NaN)."""
    xp = backend.array_module(x)
    taps = _taps(pad(x, g, _pad_value(x.dtype, xp)), g)
    real = _taps(pad(xp.ones((1, 1, g.H, g.W), dtype=bool), g, False), g)
    best = taps.max(axis=2)
    arg = ((taps == best[:, :, None]) & real).argmax(axis=2)    # argmax of bools: first
    if x.dtype.kind == "f":
        is_nan = xp.isnan(taps)
        last_nan = g.KH * g.KW - 1 - is_nan[:, :, ::-1].argmax(axis=2)
        arg = xp.where(is_nan.any(axis=2), last_nan, arg)
    return best, arg


def max_pool_scatter_reference(grad, arg, g):
    """Max-pool's backward: each output's gradient goes to its window's argmax tap."""
    xp = backend.array_module(grad)
    n, c = grad.shape[:2]
    hit = xp.arange(g.KH * g.KW).reshape(1, 1, -1, 1, 1) == arg[:, :, None]
    cols = xp.where(hit, grad[:, :, None], 0).astype(grad.dtype, copy=False)
    return col2im(cols.reshape(n, c, g.KH, g.KW, g.OH, g.OW), g)


def avg_pool_reference(x, g, divisor):
    """out = sum of the zero-padded window / divisor."""
    return windows(pad(x, g), g).sum(axis=(2, 3)) / divisor


def avg_pool_spread_reference(grad, g, divisor):
    """Avg-pool's backward: grad / divisor to every pixel of the window."""
    xp = backend.array_module(grad)
    share = (grad / divisor)[:, :, None, None]
    return col2im(xp.broadcast_to(share, share.shape[:2] + (g.KH, g.KW, g.OH, g.OW)), g)


# The one place that picks the implementation (minitorch.backends.reference).

def max_pool(x, g, need_arg):
    if reference.enabled:
        return max_pool_reference(x, g)
    return fast.max_pool(x, g, _pad_value(x.dtype, backend.array_module(x)), need_arg)


def max_pool_scatter(grad, arg, g):
    if reference.enabled:
        return max_pool_scatter_reference(grad, arg, g)
    return fast.max_pool_scatter(grad, arg, g)


def avg_pool_sum(x, g, divisor):
    if reference.enabled:
        return avg_pool_reference(x, g, divisor)
    return fast.avg_pool_sum(x, g, divisor)


def avg_pool_spread(grad, g, divisor):
    if reference.enabled:
        return avg_pool_spread_reference(grad, g, divisor)
    return fast.avg_pool_spread(grad, g, divisor)


class MaxPool2d(Op):
    """out[n, c, oh, ow] = max of the window; d/dx: grad goes to the first maximum."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
        xp = backend.array_module(x)
        g = geometry(x.shape, kernel_size, stride, padding, dilation, wide=False,
                     ceil_mode=ceil_mode)
        need_grad = any(ctx.needs_input_grad)
        best, arg = max_pool(x, g, need_grad or return_indices)
        if need_grad:
            ctx.geometry = g
            ctx.save_for_backward(arg)
        if not return_indices:
            return best
        return best, flat_indices(arg, g, xp)

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        (arg,) = ctx.saved_tensors
        return (max_pool_scatter(grad, arg, ctx.geometry),)

    @staticmethod
    def backward_graph(ctx, grad, *indices_grad_and_inputs):
        (arg,) = ctx.saved_tensors
        return (MaxPoolScatter.apply(grad, arg, ctx.geometry),)


def _max_pool_gather(x, arg, g):
    """The adjoint of max_pool_scatter: each output reads x at its window's argmax tap."""
    xp = backend.array_module(x)
    taps = _taps(pad(x, g), g)
    return xp.take_along_axis(taps, arg[:, :, None].astype(xp.int64), axis=2)[:, :, 0]


class MaxPoolScatter(Op):
    """Max-pool's backward as an op (for create_graph=True): out = grad scattered to the
    argmax taps; linear in grad, and its backward is the gather at the same taps."""

    @staticmethod
    def forward(ctx, grad, arg, g):
        ctx.arg, ctx.geometry = arg, g
        return max_pool_scatter(grad, arg, g)

    @staticmethod
    def backward(ctx, gg):
        return _max_pool_gather(gg, ctx.arg, ctx.geometry), None, None

    @staticmethod
    def backward_graph(ctx, gg, grad, arg, g):
        return MaxPoolGather.apply(gg, arg, g), None, None


class MaxPoolGather(Op):
    """The adjoint of MaxPoolScatter: out = x read at the argmax taps."""

    @staticmethod
    def forward(ctx, x, arg, g):
        ctx.arg, ctx.geometry = arg, g
        return _max_pool_gather(x, arg, g)

    @staticmethod
    def backward(ctx, grad):
        return max_pool_scatter(grad, ctx.arg, ctx.geometry), None, None

    @staticmethod
    def backward_graph(ctx, grad, x, arg, g):
        return MaxPoolScatter.apply(grad, arg, g), None, None


def flat_indices(arg, g, xp):
    """torch's max-pool indices from kernel-offset ids: h * W + w in the input plane."""
    kh, kw = arg // g.KW, arg % g.KW
    h = (xp.arange(g.OH) * g.SH - g.PH)[:, None] + kh.astype(xp.int64) * g.DH
    w = (xp.arange(g.OW) * g.SW - g.PW)[None, :] + kw.astype(xp.int64) * g.DW
    return h * g.W + w


def avg_divisor(g, count_include_pad, divisor_override, dtype, xp):
    """(OH, OW) divisors, torch's rule: the window clipped to the padded input (or to
    the real input when not count_include_pad), or divisor_override."""
    if divisor_override:
        return xp.full((g.OH, g.OW), divisor_override, dtype=dtype)

    def axis(out_len, size, k, s, p):
        start = xp.arange(out_len) * s - p
        end = xp.minimum(start + k, size + p)
        if count_include_pad:
            return end - start
        return xp.minimum(end, size) - xp.maximum(start, 0)

    dh = axis(g.OH, g.H, g.KH, g.SH, g.PH)
    dw = axis(g.OW, g.W, g.KW, g.SW, g.PW)
    return (dh[:, None] * dw[None, :]).astype(dtype)


class AvgPool2d(Op):
    """out = (sum of the zero-padded window) / divisor; d/dx: grad / divisor to every
    pixel of the window."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
        xp = backend.array_module(x)
        g = geometry(x.shape, kernel_size, stride, padding, (1, 1), wide=False,
                     ceil_mode=ceil_mode)
        divisor = avg_divisor(g, count_include_pad, divisor_override, x.dtype, xp)
        ctx.geometry, ctx.divisor = g, divisor
        return avg_pool_sum(x, g, divisor)

    @staticmethod
    def backward(ctx, grad):
        return (avg_pool_spread(grad, ctx.geometry, ctx.divisor),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        return (AvgPoolSpread.apply(grad, ctx.geometry, ctx.divisor),)


class AvgPoolSpread(Op):
    """Avg-pool's backward as an op (for create_graph=True); linear in grad: its
    backward is avg-pooling again (AvgPoolSum), and that one's is this."""

    @staticmethod
    def forward(ctx, grad, g, divisor):
        ctx.geometry, ctx.divisor = g, divisor
        return avg_pool_spread(grad, g, divisor)

    @staticmethod
    def backward(ctx, gg):
        return avg_pool_sum(gg, ctx.geometry, ctx.divisor), None, None

    @staticmethod
    def backward_graph(ctx, gg, grad, g, divisor):
        return AvgPoolSum.apply(gg, g, divisor), None, None


class AvgPoolSum(Op):
    """Avg-pooling with a fixed geometry and divisor: the adjoint of AvgPoolSpread."""

    @staticmethod
    def forward(ctx, x, g, divisor):
        ctx.geometry, ctx.divisor = g, divisor
        return avg_pool_sum(x, g, divisor)

    @staticmethod
    def backward(ctx, grad):
        return avg_pool_spread(grad, ctx.geometry, ctx.divisor), None, None

    @staticmethod
    def backward_graph(ctx, grad, x, g, divisor):
        return AvgPoolSpread.apply(grad, g, divisor), None, None


def adaptive_windows(in_len, out_len):
    """torch's adaptive windows along one axis: [floor(i*in/out), ceil((i+1)*in/out))."""
    starts = [(i * in_len) // out_len for i in range(out_len)]
    ends = [-(-((i + 1) * in_len) // out_len) for i in range(out_len)]
    return starts, ends


def _averaging_matrix(in_len, out_len, dtype, xp):
    """(out_len, in_len) matrix whose row i averages the i-th adaptive window."""
    starts, ends = adaptive_windows(in_len, out_len)
    pos = xp.arange(in_len)[None, :]
    lo = xp.asarray(starts)[:, None]
    hi = xp.asarray(ends)[:, None]
    inside = (pos >= lo) & (pos < hi)
    return (inside / (hi - lo)).astype(dtype)


class AdaptiveAvgPool2d(Op):
    """out = A_h @ x @ A_w.T, with A the (separable) window-averaging matrices;
    d/dx = A_h.T @ grad @ A_w."""

    @staticmethod
    def forward(ctx, x, output_size):
        xp = backend.array_module(x)
        (oh, ow), (h, w) = output_size, x.shape[2:]
        a_h = _averaging_matrix(h, oh, x.dtype, xp)
        a_w = _averaging_matrix(w, ow, x.dtype, xp)
        ctx.mats = a_h, a_w
        return xp.matmul(a_h, xp.matmul(x, a_w.T))

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        a_h, a_w = ctx.mats
        return (xp.matmul(a_h.T, xp.matmul(grad, a_w)),)

    @staticmethod
    def backward_graph(ctx, grad, x, output_size):
        a_h, a_w = (tensor_module.Tensor._wrap(a) for a in ctx.mats)  # constants
        return (a_h.t().matmul(grad.matmul(a_w)),)


class AdaptiveMaxPool2d(Op):
    """out = max over torch's adaptive windows; d/dx: grad to the first maximum.

    Windows have at most KH x KW pixels (the longest window); shorter windows repeat
    their last pixel, which never changes a max nor its first index.
    """

    @staticmethod
    def forward(ctx, x, output_size, return_indices):
        xp = backend.array_module(x)
        (oh, ow), (h, w) = output_size, x.shape[2:]
        taps_h, taps_w = _adaptive_taps(h, oh, xp), _adaptive_taps(w, ow, xp)  # (O, K)
        best, pos_h, pos_w = None, None, None
        for i in range(taps_h.shape[1]):
            rows = x[:, :, taps_h[:, i], :]
            for j in range(taps_w.shape[1]):
                v = rows[:, :, :, taps_w[:, j]]
                if best is None:
                    best = v.copy()
                    pos_h = xp.broadcast_to(taps_h[:, i][:, None], best.shape).copy()
                    pos_w = xp.broadcast_to(taps_w[:, j][None, :], best.shape).copy()
                    continue
                take = v > best
                if x.dtype.kind == "f":
                    take |= xp.isnan(v)
                xp.copyto(best, v, where=take)
                xp.copyto(pos_h, taps_h[:, i][:, None], where=take)
                xp.copyto(pos_w, taps_w[:, j][None, :], where=take)
        index = pos_h * w + pos_w
        ctx.save_for_backward(index)
        ctx.in_shape = x.shape
        return (best, index) if return_indices else best

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        (index,) = ctx.saved_tensors
        return (_scatter_add(grad, index, ctx.in_shape),)

    @staticmethod
    def backward_graph(ctx, grad, *indices_grad_and_inputs):
        (index,) = ctx.saved_tensors
        n, c, h, w = ctx.in_shape
        rows = backend.array_module(index).arange(n * c)[:, None]
        grad_x = GetItemBackward.apply(grad.reshape(n * c, -1), (n * c, h * w),
                                       (rows, index.reshape(n * c, -1)), False)
        return (grad_x.reshape(ctx.in_shape),)


def _adaptive_taps(in_len, out_len, xp):
    """(out_len, K) pixel indices of each adaptive window, the last one repeated."""
    starts, ends = adaptive_windows(in_len, out_len)
    k = max((e - s for s, e in zip(starts, ends)), default=1)  # out_len 0: no windows
    lo = xp.asarray(starts, dtype=xp.int64)[:, None]
    hi = xp.asarray(ends, dtype=xp.int64)[:, None]
    return xp.minimum(lo + xp.arange(k)[None, :], hi - 1)


def _scatter_add(values, index, shape):
    """out (N, C, H, W) zeros, then out.flat_plane[index] += values (duplicates add)."""
    xp = backend.array_module(values)
    n, c, h, w = shape
    out = xp.zeros((n * c, h * w), dtype=values.dtype)
    rows = xp.arange(n * c)[:, None]
    backend.scatter_add(out, (rows, index.reshape(n * c, -1)), values.reshape(n * c, -1))
    return out.reshape(shape)


class MaxUnpool2d(Op):
    """out = zeros(N, C, H_out, W_out) with x[n, c, i] placed at flat index indices[n, c, i];
    d/dx = grad gathered at the same indices."""

    @staticmethod
    def forward(ctx, x, indices, output_size):
        xp = backend.array_module(x)
        n, c = x.shape[:2]
        h, w = output_size
        out = xp.zeros((n * c, h * w), dtype=x.dtype)
        rows = xp.arange(n * c)[:, None]
        flat_index = indices.reshape(n * c, -1)
        out[rows, flat_index] = x.reshape(n * c, -1)
        ctx.rows, ctx.flat_index, ctx.in_shape = rows, flat_index, x.shape
        return out.reshape(n, c, h, w)

    @staticmethod
    def backward(ctx, grad):
        n, c = grad.shape[:2]
        gathered = grad.reshape(n * c, -1)[ctx.rows, ctx.flat_index]
        return gathered.reshape(ctx.in_shape), None

    @staticmethod
    def backward_graph(ctx, grad, *inputs):
        n, c = grad.shape[:2]
        gathered = Gather.apply(grad.reshape(n * c, -1), 1, ctx.flat_index)
        return gathered.reshape(ctx.in_shape), None
