"""Pooling ops: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxUnpool2d.

Notation as in `im2col.py`. A pooling window is KH*KW strided slices of the padded
input, one per kernel offset (kh, kw):

    window(kh, kw) = x_pad[:, :, kh*DH : ... : SH, kw*DW : ... : SW]      (N, C, OH, OW)

so max/avg pooling is a running max/sum over KH*KW slices and the backward adds the
gradient back through the same slices: never a Python loop over samples or pixels.

Torch's rules kept here:
  * max pooling pads with -inf (a padded pixel never wins, even against a real -inf);
  * ceil_mode drops a last window that would start inside the right padding;
  * the gradient of a max goes to the *first* maximum in window scan order (kh, then
    kw), the index torch returns; NaN counts as a maximum (torch's `val > max || isnan`).
  * returned indices are flat `h * W + w` positions in each (H, W) input plane.
"""
from __future__ import annotations

from .. import _cpu, backend
from ..autograd.function import Op
from .im2col import geometry


def padded(x, g, fill):
    """x (N, C, H, W) inside an (N, C, HR, WR) array filled with `fill` (x itself if no
    padding is needed)."""
    if (g.HR, g.WR) == (g.H, g.W) and g.PH == 0 and g.PW == 0:
        return x
    xp = backend.array_module(x)
    out = xp.full((x.shape[0], x.shape[1], g.HR, g.WR), fill, dtype=x.dtype)
    out[:, :, g.PH: g.PH + g.H, g.PW: g.PW + g.W] = x
    return out


def window(g, kh, kw):
    """Index of the (N, C, OH, OW) slice of the padded input at kernel offset (kh, kw)."""
    h0, w0 = kh * g.DH, kw * g.DW
    return (Ellipsis, slice(h0, h0 + (g.OH - 1) * g.SH + 1, g.SH),
            slice(w0, w0 + (g.OW - 1) * g.SW + 1, g.SW))


def _disjoint(g):
    """Windows never share a pixel, so backward may assign instead of add (NOTE: a
    multiply by the hit mask, ~3x faster than a masked copy; an inf/NaN upstream
    gradient would also reach the window's other pixels as NaN, torch gives 0)."""
    return g.DH == 1 and g.DW == 1 and g.SH >= g.KH and g.SW >= g.KW


def _unpad_grad(grad_pad, g):
    if grad_pad.shape[2:] == (g.H, g.W):
        return grad_pad
    xp = backend.array_module(grad_pad)
    return xp.ascontiguousarray(grad_pad[:, :, g.PH: g.PH + g.H, g.PW: g.PW + g.W])


def _pad_value(dtype, xp):
    if dtype.kind == "f":
        return -float("inf")
    if dtype.kind == "b":
        return False
    return xp.iinfo(dtype).min


class MaxPool2d(Op):
    """out[n, c, oh, ow] = max of the window; d/dx: grad goes to the first maximum."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
        xp = backend.array_module(x)
        g = geometry(x.shape, kernel_size, stride, padding, dilation, wide=False,
                     ceil_mode=ceil_mode)
        x_pad = padded(x, g, _pad_value(x.dtype, xp))
        need_grad = any(ctx.needs_input_grad)
        best = xp.empty(x.shape[:2] + (g.OH, g.OW), dtype=x.dtype)
        arg = xp.empty(best.shape, dtype=xp.int8 if g.KH * g.KW < 128 else xp.int32)

        def work(n0, n1):  # samples n0..n1, on one of the CPU threads
            part, part_x = best[n0:n1], x_pad[n0:n1]
            part[...] = part_x[window(g, 0, 0)]
            for kh in range(g.KH):
                for kw in range(g.KW):
                    if kh or kw:   # maximum propagates NaN, like torch's max
                        xp.maximum(part, part_x[window(g, kh, kw)], out=part)
            if need_grad or return_indices:
                first_max_tap(part_x, part, g, xp, out=arg[n0:n1])

        _cpu.parallel_over_batch(xp, x.shape[0], work, items=x_pad.size)
        if need_grad:
            ctx.geometry = g
            ctx.save_for_backward(arg)
        if not return_indices:
            return best
        return best, flat_indices(arg, g, xp)

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        (arg,) = ctx.saved_tensors
        return (_max_pool_scatter(grad, arg, ctx.geometry),)

    @staticmethod
    def backward_graph(ctx, grad, *indices_grad_and_inputs):
        (arg,) = ctx.saved_tensors
        return (MaxPoolScatter.apply(grad, arg, ctx.geometry),)


def _max_pool_scatter(grad, arg, g):
    """Max-pool's backward: each output's gradient goes to its window's argmax tap."""
    xp = backend.array_module(grad)
    n, c = grad.shape[:2]
    if _tiles(g):
        grad_x = xp.empty((n, c, g.H, g.W), dtype=grad.dtype)
        _cpu.parallel_over_batch(xp, n, lambda n0, n1: _tile_grad(
            grad[n0:n1], arg[n0:n1], g, grad_x[n0:n1]), items=grad_x.size)
        return grad_x
    grad_pad = xp.zeros((n, c, g.HR, g.WR), dtype=grad.dtype)
    for kh in range(g.KH):
        for kw in range(g.KW):
            hit = arg == kh * g.KW + kw
            if _disjoint(g):
                xp.multiply(grad, hit, out=grad_pad[window(g, kh, kw)])
            else:
                grad_pad[window(g, kh, kw)] += xp.where(hit, grad, 0)
    return _unpad_grad(grad_pad, g)


def _max_pool_gather(x, arg, g):
    """The adjoint of _max_pool_scatter: each output reads x at its window's argmax tap."""
    xp = backend.array_module(x)
    x_pad = padded(x, g, 0)
    out = xp.zeros(x.shape[:2] + (g.OH, g.OW), dtype=x.dtype)
    for kh in range(g.KH):
        for kw in range(g.KW):
            out += xp.where(arg == kh * g.KW + kw, x_pad[window(g, kh, kw)], 0)
    return out


class MaxPoolScatter(Op):
    """Max-pool's backward as an op (for create_graph=True): out = grad scattered to the
    argmax taps; linear in grad, and its backward is the gather at the same taps."""

    @staticmethod
    def forward(ctx, grad, arg, g):
        ctx.arg, ctx.geometry = arg, g
        return _max_pool_scatter(grad, arg, g)

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
        return _max_pool_scatter(grad, ctx.arg, ctx.geometry), None, None

    @staticmethod
    def backward_graph(ctx, grad, x, arg, g):
        return MaxPoolScatter.apply(grad, arg, g), None, None


def _tiles(g):
    """The windows tile the input exactly (MaxPool2d(2) on an even size, the common
    case): no padding, no dilation, stride == kernel, and H, W multiples of it."""
    return (g.SH, g.SW) == (g.KH, g.KW) and g.DH == g.DW == 1 and g.PH == g.PW == 0 and (
        (g.H, g.W) == (g.OH * g.KH, g.OW * g.KW))


def _tile_grad(grad, arg, g, grad_x):
    """Max-pool backward when the windows tile the input: each pixel of grad_x belongs to
    exactly one window, so one multiply per kernel tap writes it (grad where that tap is
    the argmax, else 0), with no zero-filled buffer and no adds.

    (One broadcast multiply over grad_x seen as (n, C, OH, KH, OW, KW) is 3x slower:
    NumPy's inner loop would run over KW = 2 numbers.) NOTE: an inf/NaN upstream gradient
    would also reach the window's other pixels as NaN (torch: 0).
    """
    xp = backend.array_module(grad)
    for kh in range(g.KH):
        for kw in range(g.KW):
            hit = arg == kh * g.KW + kw
            xp.multiply(grad, hit, out=grad_x[window(g, kh, kw)])


def first_max_tap(x_pad, best, g, xp, out):
    """Into `out`, per output: the kernel tap id kh*KW + kw of torch's argmax, the FIRST tap equal to
    the max in scan order. Padding taps never count (a real -inf beats the -inf padding);
    where the max is NaN, torch keeps the LAST NaN tap.

    Counted, not selected: arg = number of leading taps that miss the max, i.e.
    sum_k prod_{j<=k} (tap_j != max). Boolean and/add are ~4x cheaper than xp.where.
    """
    taps = [(kh, kw) for kh in range(g.KH) for kw in range(g.KW)]
    real = _real_taps(g, xp) if x_pad.shape[2:] != (g.H, g.W) or g.PH or g.PW else None
    arg = out
    arg.fill(0)
    missed_all = None
    for k in range(len(taps) - 1):
        miss = x_pad[window(g, *taps[k])] != best
        if real is not None:
            miss |= ~real[k]
        if missed_all is None:
            missed_all = miss
        else:
            missed_all &= miss
        arg += missed_all
    if best.dtype.kind == "f":
        is_nan = xp.isnan(best)
        if backend.may_be_true(is_nan):
            for k, tap in enumerate(taps):
                arg[...] = xp.where(is_nan & xp.isnan(x_pad[window(g, *tap)]), k, arg)
    return arg


def _real_taps(g, xp):
    """(KH*KW, OH, OW) bool: tap k of output (oh, ow) lands on a real pixel, not padding."""
    h = xp.arange(g.OH)[:, None] * g.SH - g.PH + xp.arange(g.KH)[None, :] * g.DH  # (OH, KH)
    w = xp.arange(g.OW)[:, None] * g.SW - g.PW + xp.arange(g.KW)[None, :] * g.DW  # (OW, KW)
    h_ok, w_ok = (h >= 0) & (h < g.H), (w >= 0) & (w < g.W)
    real = h_ok.T[:, None, :, None] & w_ok.T[None, :, None, :]          # (KH, KW, OH, OW)
    return real.reshape(g.KH * g.KW, g.OH, g.OW)


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
        x_pad = padded(x, g, 0)
        total = x_pad[window(g, 0, 0)].copy()
        for kh in range(g.KH):
            for kw in range(g.KW):
                if kh or kw:
                    total += x_pad[window(g, kh, kw)]
        divisor = avg_divisor(g, count_include_pad, divisor_override, x.dtype, xp)
        ctx.geometry, ctx.divisor = g, divisor
        return total / divisor

    @staticmethod
    def backward(ctx, grad):
        return (_avg_pool_spread(grad, ctx.geometry, ctx.divisor),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        return (AvgPoolSpread.apply(grad, ctx.geometry, ctx.divisor),)


def _avg_pool_spread(grad, g, divisor):
    """Avg-pool's backward: grad / divisor to every pixel of the window."""
    xp = backend.array_module(grad)
    share = grad / divisor
    n, c = grad.shape[:2]
    grad_pad = xp.zeros((n, c, g.HR, g.WR), dtype=grad.dtype)
    for kh in range(g.KH):
        for kw in range(g.KW):
            grad_pad[window(g, kh, kw)] += share
    return _unpad_grad(grad_pad, g)


def _avg_pool_sum(x, g, divisor):
    """Avg-pool's forward for a given geometry and divisor: the adjoint of the spread."""
    x_pad = padded(x, g, 0)
    total = x_pad[window(g, 0, 0)].copy()
    for kh in range(g.KH):
        for kw in range(g.KW):
            if kh or kw:
                total += x_pad[window(g, kh, kw)]
    return total / divisor


class AvgPoolSpread(Op):
    """Avg-pool's backward as an op (for create_graph=True); linear in grad: its
    backward is avg-pooling again (AvgPoolSum), and that one's is this."""

    @staticmethod
    def forward(ctx, grad, g, divisor):
        ctx.geometry, ctx.divisor = g, divisor
        return _avg_pool_spread(grad, g, divisor)

    @staticmethod
    def backward(ctx, gg):
        return _avg_pool_sum(gg, ctx.geometry, ctx.divisor), None, None

    @staticmethod
    def backward_graph(ctx, gg, grad, g, divisor):
        return AvgPoolSum.apply(gg, g, divisor), None, None


class AvgPoolSum(Op):
    """Avg-pooling with a fixed geometry and divisor: the adjoint of AvgPoolSpread."""

    @staticmethod
    def forward(ctx, x, g, divisor):
        ctx.geometry, ctx.divisor = g, divisor
        return _avg_pool_sum(x, g, divisor)

    @staticmethod
    def backward(ctx, grad):
        return _avg_pool_spread(grad, ctx.geometry, ctx.divisor), None, None

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
