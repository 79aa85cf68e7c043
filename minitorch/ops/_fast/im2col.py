"""The fast im2col / col2im of `_fast/conv.py` and `ops/fold.py`: a flat padded buffer
and one strided view of it. (The reference in `ops/conv.py` pads with `xp.pad` and takes
the same view of the padded 4-D input; this layout makes that view cheaper to copy.)

Notation as in `ops/im2col.py`; the buffer sizes HR, WR, OWC, F are `Geometry` fields.

How the columns are laid out: the GEMM decides. Copies cost more than arithmetic in
im2col designs (profiling one NumPy im2col framework on a CIFAR net: a third of the
step went to copies inside `tensordot` reshaping a 6-D column array, only a fifth to
the matrix product), so the columns are built once, directly in the GEMM's layout:

    cols[c, kh, kw, n, oh, ow] = x_padded[n, c, oh*SH + kh*DH, ow*SW + kw*DW]

so `cols.reshape(K, N*OH*OW)` is the right operand of one matrix product
`weight.reshape(OC, K) @ cols`, with no transpose copy of the big array.

The padded input lives in a *flat* buffer `(C, N, F)`: padded row `hp` of a plane
starts at `hp * WR`. Then the right-hand side above is a plain strided view of that
buffer, `column_view(...)` (every index is a fixed step in memory), and im2col is ONE
copy of that view: no Python loop, which matters for the small cache-sized chunks
conv.py works on (2-3x faster than one copy per kernel offset there).

"Wide" rows (stride SW == 1): instead of the OW output columns we compute all WR
columns of each row (OWC = WR) and drop the extra ones after the GEMM. Then each
(c, kh, kw, n) run of the columns is one contiguous run of OH*WR numbers, which NumPy
copies ~2x faster than OH runs of OW numbers; the price is WR/OW more GEMM columns.
With WR = W + PW (the right padding of a row is the left padding of the next one)
that price is small: 16/14 on the 14x14 layer of the MNIST CNN.
"""
from __future__ import annotations

from ... import backend


def pad_flat(x, g, flat, fill=0.0):
    """Copy x (n, C, H, W) into the flat padded buffer `flat` (C, n, F), padding with
    `fill`. Padded pixel (hp, wp) of a plane sits at `hp*WR + wp`; for wide rows the data
    starts at column PW. Returns `flat`."""
    flat.fill(fill)
    unpad(flat, g)[...] = x.transpose(1, 0, 2, 3)
    return flat


def unpad(flat, g):
    """The view of the real pixels inside a flat padded buffer (C, n, F)."""
    a, b = flat.shape[:2]
    rows = flat[:, :, : g.HR * g.WR].reshape(a, b, g.HR, g.WR)
    return rows[:, :, g.PH: g.PH + g.H, g.PW: g.PW + g.W]


def column_view(flat, g, writeable=False):
    """The columns as a view of the flat buffer (C, n, F): (C, KH, KW, n, OH, OWC) with
    view[c, kh, kw, n, oh, ow] = flat[c, n, (oh*SH + kh*DH)*WR + ow*SW + kw*DW].

    Different kernel offsets overlap in memory (one pixel is read by several windows),
    so the whole view is only for reading; one offset `view[:, kh, kw]` never hits a
    pixel twice, so col2im may add through it. The zero tail of F keeps the last
    windows of a wide row inside the buffer.
    """
    step_c, step_n, one = flat.strides
    shape = (g.C, g.KH, g.KW, flat.shape[1], g.OH, g.OWC)
    strides = (step_c, g.DH * g.WR * one, g.DW * one, step_n, g.SH * g.WR * one, g.SW * one)
    return backend.as_strided(flat, shape, strides, writeable=writeable)


def im2col(flat, g, out):
    """Fill `out` (C, KH, KW, n, OH, OWC) with the windows of `flat` (C, n, F): one copy."""
    out[...] = column_view(flat, g)
    return out


def col2im(cols, g, flat):
    """Add the columns `cols` (C, KH, KW, n, OH, OWC) back into `flat` (C, n, F).

    The adjoint of im2col: each pixel receives the sum over every window that read
    it. One strided add per kernel offset (never a loop over pixels or samples).
    """
    view = column_view(flat, g, writeable=True)
    for kh in range(g.KH):
        for kw in range(g.KW):
            view[:, kh, kw] += cols[:, kh, kw]
    return flat

