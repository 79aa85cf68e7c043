"""Unfold (im2col) and Fold (col2im) as ops: each is the other's gradient.

Notation as in `im2col.py`. For an input (N, C, H, W) and a (KH, KW) window,

    unfold:  cols[n, (c, kh, kw), (oh, ow)] = x_pad[n, c, oh*SH + kh*DH, ow*SW + kw*DW]
    fold:    out[n, c, h, w] = sum of every cols entry that unfold would read from (h, w)

Unfold copies, fold adds back (overlapping windows sum), so fold is unfold's adjoint:
d unfold / dx = fold(grad), d fold / dcols = unfold(grad). Both are linear, so each
one's double backward is the other op again.

The reference versions below are `im2col.windows` and `im2col.col2im`; the fast ones
(`_fast/fold.py`) use conv2d's flat padded buffer. `minitorch.backends.reference`
picks one.
"""
from __future__ import annotations

from ..autograd.function import Op
from ..backends import reference
from ._fast import fold as fast
from .im2col import col2im, geometry, pad, windows


def fold_geometry(image_shape, kernel, stride, padding, dilation):
    """The Geometry of windows over an (N, C, H, W) image (no wide rows: OWC = OW)."""
    return geometry(image_shape, kernel, stride, padding, dilation, wide=False)


def unfold_reference(x, g):
    """x (N, C, H, W) -> (N, C*KH*KW, OH*OW): every window as a column."""
    return windows(pad(x, g), g).reshape(g.N, g.C * g.KH * g.KW, g.OH * g.OW)


def fold_reference(cols, g):
    """cols (N, C*KH*KW, OH*OW) -> (N, C, H, W): each column added back to its window."""
    return col2im(cols.reshape(g.N, g.C, g.KH, g.KW, g.OH, g.OW), g)


def unfold_forward(x, g):
    return unfold_reference(x, g) if reference.enabled else fast.unfold_forward(x, g)


def fold_forward(cols, g):
    return fold_reference(cols, g) if reference.enabled else fast.fold_forward(cols, g)


class Unfold(Op):
    """out = unfold(x);  d/dx = fold(grad) (each pixel sums the grads of its copies)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation):
        ctx.geometry = fold_geometry(x.shape, kernel, stride, padding, dilation)
        return unfold_forward(x, ctx.geometry)

    @staticmethod
    def backward(ctx, grad):
        return (fold_forward(grad, ctx.geometry),)

    @staticmethod
    def backward_graph(ctx, grad, *inputs):
        g = ctx.geometry
        return (Fold.apply(grad, (g.H, g.W), (g.KH, g.KW), (g.SH, g.SW), (g.PH, g.PW),
                           (g.DH, g.DW)),)


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

    @staticmethod
    def backward_graph(ctx, grad, *inputs):
        g = ctx.geometry
        return (Unfold.apply(grad, (g.KH, g.KW), (g.SH, g.SW), (g.PH, g.PW), (g.DH, g.DW)),)
