"""Sliding windows (convolution, pooling, fold) the textbook way: the sizes, the padding,
im2col as one strided view of the padded input, and col2im, its adjoint.

Notation (used by every conv/pool function in minitorch):
    N        batch size                 C        input channels
    H, W     input height, width        OC       output channels
    KH, KW   kernel height, width       SH, SW   stride
    PH, PW   zero (or -inf) padding     DH, DW   dilation
    OH, OW   output height, width       G        groups
    K        C*KH*KW, rows of the column matrix (K/G per group)

    OH = (H + 2*PH - DH*(KH-1) - 1) // SH + 1      (and the same for OW)

The reference ops (conv.py, pool.py, fold.py) use `pad`, `windows` and `col2im` below:

    windows(pad(x))[n, c, kh, kw, oh, ow] = x_pad[n, c, oh*SH + kh*DH, ow*SW + kw*DW]

a view (no copy; every index is a fixed step in memory), so a convolution is this view
reshaped to a (K, OH*OW) column matrix per sample and one matrix product with the weight.

The fast path keeps its padded input in a flat buffer with wide rows (the `HR`, `WR`,
`OWC`, `F` fields of `Geometry`); its im2col and col2im are in `_fast/im2col.py`.
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


def padded_size(g):
    """(rows, cols) of the padded input: PH/PW on each side, and on the bottom/right as
    far as the last window reaches (ceil_mode's last window may run past the padding)."""
    rows = max(g.H + 2 * g.PH, (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1)
    cols = max(g.W + 2 * g.PW, (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1)
    return rows, cols


def pad(x, g, value=0.0):
    """x (N, C, H, W) padded with `value` (0 for conv, -inf for max-pool) to padded_size."""
    xp = backend.array_module(x)
    rows, cols = padded_size(g)
    pads = ((0, 0), (0, 0), (g.PH, rows - g.H - g.PH), (g.PW, cols - g.W - g.PW))
    return xp.pad(x, pads, constant_values=value)


def _window_strides(x_pad, g):
    step_n, step_c, step_h, step_w = x_pad.strides
    shape = x_pad.shape[:2] + (g.KH, g.KW, g.OH, g.OW)
    return shape, (step_n, step_c, g.DH * step_h, g.DW * step_w, g.SH * step_h, g.SW * step_w)


def windows(x_pad, g):
    """im2col as a view: (N, C, KH, KW, OH, OW) with
    view[n, c, kh, kw, oh, ow] = x_pad[n, c, oh*SH + kh*DH, ow*SW + kw*DW].

    Read-only: neighbouring windows share pixels, so the view overlaps itself in memory.
    """
    shape, strides = _window_strides(x_pad, g)
    return backend.as_strided(x_pad, shape, strides, writeable=False)


def col2im(cols, g):
    """The adjoint of `windows`: cols (N, C, KH, KW, OH, OW) added back into a zero input,
    each pixel summing every window entry that read it. Returns (N, C, H, W).

    One add per kernel offset (kh, kw): within one offset no two windows hit the same
    pixel, so a strided add is safe there (across offsets it is not).
    """
    xp = backend.array_module(cols)
    out = xp.zeros(cols.shape[:2] + padded_size(g), dtype=cols.dtype)
    shape, strides = _window_strides(out, g)
    view = backend.as_strided(out, shape, strides, writeable=True)
    for kh in range(g.KH):
        for kw in range(g.KW):
            view[:, :, kh, kw] += cols[:, :, kh, kw]
    return out[:, :, g.PH: g.PH + g.H, g.PW: g.PW + g.W]
