"""im2col / col2im: turn a convolution (or a pooling window) into array slices.

Notation (used by every conv/pool function in minitorch):
    N        batch size                 C        input channels
    H, W     input height, width        OC       output channels
    KH, KW   kernel height, width       SH, SW   stride
    PH, PW   zero (or -inf) padding     DH, DW   dilation
    OH, OW   output height, width       G        groups
    K        C*KH*KW, rows of the column matrix (K/G per group)

    OH = (H + 2*PH - DH*(KH-1) - 1) // SH + 1      (and the same for OW)

How the columns are laid out (the GEMM decides, see TRAPS.md "copies cost more"):

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

from typing import NamedTuple

from .. import backend


class Geometry(NamedTuple):
    """Sizes of one conv/pool problem (see the Notation above) and its flat buffer.

    Build it with `geometry(...)`. `WR` is the row length of the flat padded buffer,
    `HR` its number of rows, `F` the length per (n, c) (rows plus a zero tail that
    the last windows may run into), `OWC` the columns computed per output row.
    """

    N: int
    C: int
    H: int
    W: int
    KH: int
    KW: int
    SH: int
    SW: int
    PH: int
    PW: int
    DH: int
    DW: int
    OH: int
    OW: int
    HR: int
    WR: int
    OWC: int
    F: int


def out_size(size, kernel, stride, pad, dilation, ceil_mode=False):
    """Output length along one axis: floor (or ceil) of the window count.

    With ceil_mode, torch drops a last window that would start inside the right
    padding (pytorch issue #46929), e.g. kernel 10 on 32 gives 4, not 5.
    """
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return span // stride + 1
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + pad:
        out -= 1
    return out


def geometry(x_shape, kernel, stride, padding, dilation, out_hw=None, wide=True,
             ceil_mode=False):
    """The Geometry of sliding a (KH, KW) window over an (N, C, H, W) input.

    Args:
        x_shape: (N, C, H, W).
        kernel, stride, padding, dilation: (h, w) pairs.
        out_hw: (OH, OW) to use instead of the formula (conv_transpose2d's
            output_padding can ask for one row more than the formula gives).
        wide: allow wide rows when SW == 1 (convolutions); pooling passes False.
        ceil_mode: pooling's ceil_mode.
    """
    N, C, H, W = x_shape
    (KH, KW), (SH, SW), (PH, PW), (DH, DW) = kernel, stride, padding, dilation
    if out_hw is None:
        OH = out_size(H, KH, SH, PH, DH, ceil_mode)
        OW = out_size(W, KW, SW, PW, DW, ceil_mode)
    else:
        OH, OW = out_hw
    # rows/cols the windows reach (ceil_mode may reach past the padding)
    HR = max(H + 2 * PH, (OH - 1) * SH + (KH - 1) * DH + 1)
    reach_w = max(W + 2 * PW, (OW - 1) * SW + (KW - 1) * DW + 1)
    if wide and SW == 1:
        WR = max(W + PW, OW)   # row r's right padding = row r+1's left padding
        OWC = WR
    else:
        WR, OWC = reach_w, OW
    # zero tail: the last windows run past the last row (a wide row, or a view of SH rows)
    tail = SH * WR + (KW - 1) * DW + PW
    return Geometry(N, C, H, W, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW,
                    HR, WR, OWC, HR * WR + tail)


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

