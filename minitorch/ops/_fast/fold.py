"""The fast unfold / fold of `ops/fold.py`: the flat padded buffer and strided view that
conv2d's fast path uses (`_fast/im2col.py`): one copy for unfold, one strided add per
kernel tap for fold. Selected by `minitorch.backends.reference` (see ops/fold.py)."""
from __future__ import annotations

from ... import backend
from .im2col import col2im, column_view, pad_flat, unpad


def unfold_forward(x, g):
    """x (N, C, H, W) -> (N, C*KH*KW, OH*OW): every window as a column."""
    xp = backend.array_module(x)
    flat = pad_flat(x, g, xp.empty((g.C, g.N, g.F), dtype=x.dtype))
    cols = column_view(flat, g).transpose(3, 0, 1, 2, 4, 5)  # (N, C, KH, KW, OH, OW)
    return xp.ascontiguousarray(cols).reshape(g.N, g.C * g.KH * g.KW, g.OH * g.OW)


def fold_forward(cols, g):
    """cols (N, C*KH*KW, OH*OW) -> (N, C, H, W): each column added back to its window."""
    xp = backend.array_module(cols)
    flat = xp.zeros((g.C, g.N, g.F), dtype=cols.dtype)
    blocks = cols.reshape(g.N, g.C, g.KH, g.KW, g.OH, g.OW).transpose(1, 2, 3, 0, 4, 5)
    col2im(blocks, g, flat)
    return xp.ascontiguousarray(unpad(flat, g).transpose(1, 0, 2, 3))
