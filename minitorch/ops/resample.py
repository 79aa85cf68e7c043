"""Resampling ops: interpolation (nearest / linear / bilinear) and padding.

Interpolation along one axis is a linear map: out = A @ x with A of shape (out, in), one
row per output position holding its interpolation weights (a single 1 for nearest,
two weights for linear). A 2-D resize applies A_h to the rows and A_w to the columns:
  out = A_h @ x @ A_w^T,   so   d/dx = A_h^T @ grad @ A_w.
The matrices are small (out x in per axis) and the products are GEMMs, which beats
gathering four neighbours and scatter-adding them back in the backward.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from .. import tensor as tensor_module
from ..autograd.function import Op
from .indexing import moved_grad_graph, scatter_add_into


def interp_matrix(in_size, out_size, mode, align_corners, scale):
    """The (out_size, in_size) NumPy float64 matrix that resamples one axis like torch.

    Args:
        mode: "nearest" or "linear".
        align_corners: for "linear": map the corner pixels' centres onto each other.
        scale: in_size / out_size, or 1 / scale_factor when the user gave a scale factor.
    """
    dst = np.arange(out_size, dtype=np.float64)
    mat = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    if mode == "nearest":
        # torch's legacy "nearest": src = floor(dst * scale), in single precision
        src = np.floor(dst.astype(np.float32) * np.float32(scale)).astype(np.int64)
        src = np.minimum(src, in_size - 1)
        mat[rows, src] = 1.0
        return mat
    if align_corners:
        src = dst * ((in_size - 1) / (out_size - 1)) if out_size > 1 else dst * 0
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)
    lam = src - i0
    np.add.at(mat, (rows, i0), 1.0 - lam)
    np.add.at(mat, (rows, i1), lam)
    return mat


class Interpolate(Op):
    """out = A_h @ x @ A_w^T over the last two axes (or x @ A_w^T for 1-D signals)."""

    @staticmethod
    def forward(ctx, x, mat_h, mat_w):
        xp = backend.array_module(x)
        ctx.save_for_backward(mat_h, mat_w)
        out = xp.matmul(x, mat_w.T)
        return xp.matmul(mat_h, out) if mat_h is not None else out

    @staticmethod
    def backward(ctx, grad):
        mat_h, mat_w = ctx.saved_tensors
        xp = backend.array_module(grad)
        g = xp.matmul(mat_h.T, grad) if mat_h is not None else grad
        return (xp.matmul(g, mat_w),)

    @staticmethod
    def backward_graph(ctx, grad, x, mat_h, mat_w):
        const = tensor_module.Tensor._wrap  # the matrices are constants
        g = const(mat_h).t().matmul(grad) if mat_h is not None else grad
        return (g.matmul(const(mat_w)),)


class PadConstant(Op):
    """out = x surrounded by `value` (negative pads crop);  d/dx = grad's inner region."""

    @staticmethod
    def forward(ctx, x, pads, value):
        # pads: ((before, after), ...) for every axis
        xp = backend.array_module(x)
        out_shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pads))
        out = xp.full(out_shape, value, dtype=x.dtype)
        src, dst = [], []
        for size, (b, a) in zip(x.shape, pads):
            src.append(slice(max(-b, 0), size - max(-a, 0)))
            dst.append(slice(max(b, 0), max(b, 0) + size - max(-b, 0) - max(-a, 0)))
        out[tuple(dst)] = x[tuple(src)]
        ctx.slices, ctx.in_shape = (tuple(src), tuple(dst)), x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        src, dst = ctx.slices
        xp = backend.array_module(grad)
        grad_x = xp.zeros(ctx.in_shape, dtype=grad.dtype)
        grad_x[src] = grad[dst]
        return (grad_x,)

    @staticmethod
    def backward_graph(ctx, grad, x, pads, value):
        # padded with 0, the element numbers show which outputs were copied from x
        def move(a):
            return PadConstant.forward(PadConstant(), a, pads, 0)
        return (moved_grad_graph(grad, ctx.in_shape, move),)


def pad_index(size, before, after, mode):
    """Source index of every output position along one axis for reflect/replicate/circular."""
    idx = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(idx, 0, size - 1)
    if mode == "circular":
        # torch crops the negative pads first, then wraps the positive ones around what is
        # left: pad([0, 1, 2], (-1, 2)) = [1, 2, 1, 2]
        lo, kept = max(-before, 0), size - max(-before, 0) - max(-after, 0)
        return lo + np.arange(-max(before, 0), kept + max(after, 0)) % max(kept, 1)
    period = 2 * (size - 1)  # reflect without repeating the edge
    idx = np.abs(idx) % period if period else np.zeros_like(idx)
    return np.where(idx >= size, period - idx, idx)


class PadIndex(Op):
    """Padding by copying input values (reflect / replicate / circular): a gather along each
    padded axis;  d/dx scatter-adds the gradient back to the copied positions."""

    @staticmethod
    def forward(ctx, x, indices):
        # indices: {axis: xp int array of source positions}
        xp = backend.array_module(x)
        out = x
        for axis, idx in indices.items():
            out = xp.take(out, idx, axis=axis)
        ctx.indices, ctx.in_shape = indices, x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        g = grad
        for axis, idx in reversed(list(ctx.indices.items())):
            shape = list(g.shape)
            shape[axis] = ctx.in_shape[axis]
            acc = xp.zeros(shape, dtype=g.dtype)
            # moveaxis gives a view, so the scatter-add lands in acc
            scatter_add_into(xp.moveaxis(acc, axis, 0), idx, xp.moveaxis(g, axis, 0))
            g = acc
        return (g,)

    @staticmethod
    def backward_graph(ctx, grad, x, indices):
        return (moved_grad_graph(grad, ctx.in_shape,
                                 lambda a: PadIndex.forward(PadIndex(), a, indices)),)
