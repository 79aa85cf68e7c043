"""Sorting and selection along a dim: sort, argsort, msort, topk, kthvalue, median.

All of them read positions of one *stable* sort of each row, in which NaN counts as
larger than every number (torch's order: NaN last ascending, first descending):
sort keeps every position, topk the first k, kthvalue position k-1, median the middle
one. So there is one Op (`SortedSelect`), and its backward is the same for all: each
output's gradient goes back to the input element its index names.

Ties: sort is stable, like torch's CPU sort (equal values keep their order, also when
descending). topk/kthvalue/median return one of the tied indices; torch picks it with
its quickselect, whose choice among equal values is unspecified ("not necessarily the
first occurrence", its docs say); here it is the first in stable order.
"""
from __future__ import annotations

from .. import backend, dtypes, return_types
from ..autograd.function import Op
from .indexing import scatter_add_into
from .registry import public
from .shape import normalize_dim


def stable_argsort(x, axis, descending=False):
    """argsort that keeps tied elements in their order, with NaN as the largest value."""
    xp = backend.array_module(x)
    kind = {"kind": "stable"} if xp.__name__ == "numpy" else {}  # CuPy's sort is stable
    if not descending:
        return xp.argsort(x, axis=axis, **kind)
    # sort the reversed row ascending and reverse the result: ties come out in their
    # original order, and NaN (last ascending) first
    n = x.shape[axis]
    return n - 1 - xp.flip(xp.argsort(xp.flip(x, axis), axis=axis, **kind), axis)


def scatter_along_axis_graph(shape, axis, index, grad):
    """scatter_along_axis on a Tensor `grad`, recorded (for a `backward_graph`): the same
    scatter-add as GetItemBackward, whose own derivative gathers at `index` again."""
    from .indexing import GetItemBackward

    xp = backend.array_module(index)
    nd = index.ndim
    coords = [xp.arange(n).reshape((n,) + (1,) * (nd - d - 1)) for d, n in enumerate(index.shape)]
    coords[axis] = index
    return GetItemBackward.apply(grad, shape, tuple(coords), False)


def scatter_along_axis(shape, axis, index, values):
    """A zero array of `shape` with values[..., i, ...] added at [..., index[..., i, ...], ...]
    along `axis` (torch's zeros.scatter_add_(dim, index, values)); repeated indices add."""
    xp = backend.array_module(values)
    out = xp.zeros(shape, dtype=values.dtype)
    nd = index.ndim
    coords = [xp.arange(n).reshape((n,) + (1,) * (nd - d - 1)) for d, n in enumerate(index.shape)]
    coords[axis] = index
    return scatter_add_into(out, tuple(coords), values)


def _as_rows(ctx, x, axis):
    """Note x's shape and axis on ctx; a 0-dim x becomes one row of length 1. Returns
    (x, whether it was 0-dim), for the ops that select from x's sort along `axis`."""
    ctx.shape, ctx.axis = x.shape, axis
    scalar = x.ndim == 0
    return (x.reshape(1) if scalar else x), scalar


def empty_median(xp, dtype):
    """median() of no elements: torch's NaN; for integers the lowest value (NaN cast to an
    int)."""
    empty = float("nan") if dtype.kind == "f" else xp.iinfo(dtype).min
    return xp.asarray(empty, dtype=dtype)


class SortedSelect(Op):
    """(values, indices) at `positions` of x's stable sort along `axis`.

    positions: a slice (sort: all of them; topk: the first k), an int (kthvalue: k-1,
    keeping one element), or "median" (the lower middle one; a row holding NaN gives
    its first NaN, as torch's median does).
    d/dx: the gradient of each output goes to the input element at its index.
    """

    @staticmethod
    def forward(ctx, x, axis, descending, positions, keepdim):
        xp = backend.array_module(x)
        x, scalar = _as_rows(ctx, x, axis)
        if scalar:  # its one row has length 1 (torch's topk(k=0) too gives it)
            positions = slice(None) if isinstance(positions, slice) else 0
        order = stable_argsort(x, axis, descending)
        if isinstance(positions, slice):
            idx = order[(slice(None),) * axis + (positions,)]
        else:
            if positions == "median":
                n = x.shape[axis]
                nans = xp.isnan(x).sum(axis=axis, keepdims=True) if x.dtype.kind == "f" else 0
                positions = xp.where(nans > 0, n - nans, (n - 1) // 2)
            pos = xp.broadcast_to(xp.asarray(positions),
                                  x.shape[:axis] + (1,) + x.shape[axis + 1:])
            idx = xp.take_along_axis(order, pos, axis=axis)
        values = xp.take_along_axis(x, idx, axis=axis)
        idx = idx.astype(xp.int64, copy=False)
        ctx.save_for_backward(idx)
        if scalar:
            return values.reshape(()), idx.reshape(())
        if not keepdim and not isinstance(positions, slice):
            values, idx = values.squeeze(axis), idx.squeeze(axis)
        return values, idx

    @staticmethod
    def backward(ctx, grad, _grad_indices=None):
        (idx,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        if not ctx.shape:
            return (grad,)
        g = grad if grad.ndim == idx.ndim else xp.expand_dims(grad, ctx.axis)  # keepdim=False
        return (scatter_along_axis(ctx.shape, ctx.axis, idx, g),)

    @staticmethod
    def backward_graph(ctx, grad, grad_indices, x, *args):
        (idx,) = ctx.saved_tensors
        if not ctx.shape:
            return (grad,)
        g = grad if grad.dim() == idx.ndim else grad.unsqueeze(ctx.axis)
        return (scatter_along_axis_graph(ctx.shape, ctx.axis, idx, g),)


class MedianAll(Op):
    """The lower median of all elements;  d/dx: split evenly over the elements equal to it
    (over the NaNs when it is NaN) -- torch's rule for median() without a dim."""

    @staticmethod
    def forward(ctx, x):
        xp = backend.array_module(x)
        flat = x.reshape(-1)
        n = flat.shape[0]
        if n == 0:
            out = empty_median(xp, x.dtype)
        else:
            nans = int(xp.isnan(flat).sum()) if x.dtype.kind == "f" else 0
            out = flat[stable_argsort(flat, 0)[n - nans if nans else (n - 1) // 2]]
        ctx.save_for_backward(x, out)
        return xp.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        mask = xp.isnan(x) if xp.isnan(out) else x == out
        if x.size == 0:
            return (xp.zeros_like(x),)
        return (mask * grad / int(mask.sum()),)  # int: a NumPy int64 would promote float32

    @staticmethod
    def backward_graph(ctx, grad, x):
        x_, out = ctx.saved_tensors
        xp = backend.array_module(x_)
        mask = xp.isnan(x_) if xp.isnan(out) else x_ == out
        # torch's zeros.masked_fill_(mask, grad / count): for an empty x, count = 0 and
        # the derivative with respect to grad is 0/0 = NaN, as in torch
        return ((grad / int(mask.sum())).where(type(grad)._wrap(mask), 0.0),)


# ---- tensor-level functions -----------------------------------------------------------------
def _axis(input, dim):
    axis = normalize_dim(dim, input.dim())  # a scalar takes dim 0 or -1, as in torch
    return axis if input.dim() else 0


@public(method=True)
def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values along `dim` and where they came from; stable (ties keep their order)
    and NaN last (first when descending), as torch's CPU sort.

    >>> sort(tensor([2., 1., 2.]))  # values=[1., 2., 2.], indices=[1, 0, 2]
    """
    values, indices = SortedSelect.apply(input, _axis(input, dim), descending,
                                         slice(None), True)
    return return_types.sort(values, indices)


@public(method=True)
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort `input` along `dim` (sort(...).indices, without a graph)."""
    from ..tensor import Tensor

    order = stable_argsort(input._data.reshape(input.shape or (1,)), _axis(input, dim),
                           descending)
    xp = backend.array_module(order)
    return Tensor._wrap(order.astype(xp.int64, copy=False).reshape(input.shape))


@public(method=True)
def msort(input):
    """sort(input, dim=0).values."""
    return sort(input, 0).values


@public(method=True)
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) values along `dim`, with their indices. They always come
    sorted; torch's sorted=False leaves them in an unspecified order."""
    if input.dtype == dtypes.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    axis = _axis(input, dim)
    n = input.shape[axis] if input.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    values, indices = SortedSelect.apply(input, axis, largest, slice(0, k), True)
    return return_types.topk(values, indices)


@public(method=True)
def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest value along `dim` (k counts from 1) and its index."""
    dtypes.require_kernel("kthvalue_cpu", input, lambda d: d != dtypes.bool)
    axis = _axis(input, dim)
    n = input.shape[axis] if input.dim() else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {axis} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    values, indices = SortedSelect.apply(input, axis, False, k - 1, keepdim)
    return return_types.kthvalue(values, indices)


@public(method=True)
def median(input, dim=None, keepdim=False):
    """median(x): the lower of the two middle values (not their mean), NaN if x has one.
    median(x, dim): (values, indices) along `dim`."""
    dtypes.require_kernel("median_cpu", input, lambda d: d != dtypes.bool)
    if dim is None:
        return MedianAll.apply(input)
    axis = _axis(input, dim)
    if input.dim() and input.shape[axis] == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    values, indices = SortedSelect.apply(input, axis, False, "median", keepdim)
    return return_types.median(values, indices)
