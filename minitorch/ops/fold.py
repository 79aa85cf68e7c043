"""Unfold (im2col) and Fold (col2im) as ops: each is the other's gradient.

Notation as in `im2col.py`. For an input (N, C, H, W) and a (KH, KW) window,

    unfold:  cols[n, (c, kh, kw), (oh, ow)] = x_pad[n, c, oh*SH + kh*DH, ow*SW + kw*DW]
    fold:    out[n, c, h, w] = sum of every cols entry that unfold would read from (h, w)

Unfold copies, fold adds back (overlapping windows sum), so fold is unfold's adjoint:
d unfold / dx = fold(grad), d fold / dcols = unfold(grad). Both run on the same strided
view of a flat padded buffer that conv2d uses (`column_view`): one copy for unfold, one
strided add per kernel tap for fold.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .im2col import col2im, column_view, geometry, pad_flat, unpad


def fold_geometry(image_shape, kernel, stride, padding, dilation):
    """The Geometry of windows over an (N, C, H, W) image (no wide rows: OWC = OW)."""
    return geometry(image_shape, kernel, stride, padding, dilation, wide=False)


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


class Unfold(Op):
    """out = unfold(x);  d/dx = fold(grad) (each pixel sums the grads of its copies)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation):
        ctx.geometry = fold_geometry(x.shape, kernel, stride, padding, dilation)
        return unfold_forward(x, ctx.geometry)

    @staticmethod
    def backward(ctx, grad):
        return (fold_forward(grad, ctx.geometry),)


class Fold(Op):
    """out = fold(cols) into an (H, W) = output_size image;  d/dcols = unfold(grad)."""

    @staticmethod
    def forward(ctx, cols, output_size, kernel, stride, padding, dilation):
        n, k = cols.shape[:2]
        image = (n, k // (kernel[0] * kernel[1]), *output_size)
        ctx.geometry = fold_geometry(image, kernel, stride, padding, dilation)
        return fold_forward(cols, ctx.geometry)

    @staticmethod
    def backward(ctx, grad):
        return (unfold_forward(grad, ctx.geometry),)
