"""The fast max/avg pooling of `ops/pool.py`: a running max (or sum) over the KH*KW strided
window slices of the padded input (no (N, C, OH, OW, KH*KW) copy), the batch split over
the CPU threads, the argmax counted rather than selected, and a backward that assigns
instead of adding where windows never overlap. Selected by `minitorch.backends.reference`.

Notation as in `ops/im2col.py`. A pooling window is KH*KW strided slices of the padded
input, one per kernel offset (kh, kw):

    window(kh, kw) = x_pad[:, :, kh*DH : ... : SH, kw*DW : ... : SW]      (N, C, OH, OW)
"""
from __future__ import annotations

from ... import _cpu, backend


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


def max_pool(x, g, fill, need_arg):
    """(best, arg): the max of each window and, when `need_arg`, its kernel tap id
    kh*KW + kw (torch's choice, see first_max_tap). A running max over the KH*KW window
    slices, the batch split over the CPU threads."""
    xp = backend.array_module(x)
    x_pad = padded(x, g, fill)
    best = xp.empty(x.shape[:2] + (g.OH, g.OW), dtype=x.dtype)
    arg = xp.empty(best.shape, dtype=xp.int8 if g.KH * g.KW < 128 else xp.int32)

    def work(n0, n1):  # samples n0..n1, on one of the CPU threads
        part, part_x = best[n0:n1], x_pad[n0:n1]
        part[...] = part_x[window(g, 0, 0)]
        for kh in range(g.KH):
            for kw in range(g.KW):
                if kh or kw:   # maximum propagates NaN, like torch's max
                    xp.maximum(part, part_x[window(g, kh, kw)], out=part)
        if need_arg:
            first_max_tap(part_x, part, g, xp, out=arg[n0:n1])

    _cpu.parallel_over_batch(xp, x.shape[0], work, items=x_pad.size)
    return best, arg


def max_pool_scatter(grad, arg, g):
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
    """Into `out`, per output: the kernel tap id kh*KW + kw of torch's argmax, the FIRST tap
    equal to the max in scan order. Padding taps never count (a real -inf beats the -inf padding);
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


def avg_pool_spread(grad, g, divisor):
    """Avg-pool's backward: grad / divisor to every pixel of the window."""
    xp = backend.array_module(grad)
    share = grad / divisor
    n, c = grad.shape[:2]
    grad_pad = xp.zeros((n, c, g.HR, g.WR), dtype=grad.dtype)
    for kh in range(g.KH):
        for kw in range(g.KW):
            grad_pad[window(g, kh, kw)] += share
    return _unpad_grad(grad_pad, g)


def avg_pool_sum(x, g, divisor):
    """Avg-pool's forward for a given geometry and divisor: the adjoint of the spread."""
    x_pad = padded(x, g, 0)
    total = x_pad[window(g, 0, 0)].copy()
    for kh in range(g.KH):
        for kw in range(g.KW):
            if kh or kw:
                total += x_pad[window(g, kh, kw)]
    return total / divisor
