"""Looking values up and counting them: searchsorted, bucketize, unique, bincount, take.

Only take is differentiable (its backward scatter-adds the gradient back to the flat
positions read). unique and bincount keep torch's graph behaviour: the output of a
float input that requires grad requires grad too, and backward raises torch's error.
"""
from __future__ import annotations

import builtins
import math

from .. import backend, dtypes
from ..autograd.function import Op
from .indexing import moved_grad_graph, scatter_add_into
from .registry import public
from .shape import normalize_dim
from .sorting import stable_argsort


def _tensor(value, like):
    """A Python number as a 0-dim tensor on `like`'s device (searchsorted(s, 3.))."""
    from ..creation import tensor
    from ..tensor import Tensor

    return value if isinstance(value, Tensor) else tensor(value, device=like.device)


def _wrap(array):
    from ..tensor import Tensor

    return Tensor._wrap(array)


# ---- searchsorted / bucketize -----------------------------------------------------------------
def _nan_last_less(a, b, xp):
    """a < b in the order where NaN is larger than every number (torch's and NumPy's)."""
    if a.dtype.kind != "f" and b.dtype.kind != "f":
        return a < b
    return (a < b) | (xp.isnan(b) & ~xp.isnan(a))


def _search(boundaries, values, right, xp):
    """For each value, how many boundaries come before it: those < it (left) or <= it
    (right). 1-D boundaries use a binary search; N-D ones (one sorted row per row of
    values) count the comparisons of each value with its row, O(rows * M * K)."""
    common = xp.result_type(boundaries, values)
    boundaries, values = boundaries.astype(common, copy=False), values.astype(common, copy=False)
    if boundaries.ndim == 1:
        return xp.searchsorted(boundaries, values, side="right" if right else "left")
    b, v = boundaries[..., None, :], values[..., :, None]
    before = ~_nan_last_less(v, b, xp) if right else _nan_last_less(b, v, xp)
    return before.sum(axis=-1)


@public
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """Where each value of `input` would be inserted into `sorted_sequence` (along its last
    dim) to keep it sorted: the first such place (right=False), or the last (right=True
    or side='right'). N-D sequences search row by row.

    >>> searchsorted(tensor([1., 3., 3., 5.]), tensor([3., 4.]))  # tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    input = _tensor(input, sorted_sequence)
    seq = sorted_sequence
    if seq.device != input.device:
        raise RuntimeError(
            "torch.searchsorted(): boundaries and input value tensors should have same device "
            f"type, but got boundaries tensor device type {seq.device} and input value tensor "
            f"device type {input.device}")
    if sorter is not None and sorter.device != seq.device:
        raise RuntimeError(
            "torch.searchsorted(): sorter and boundary tensors should have same device type, "
            f"but got sorter tensor device type {sorter.device} and input value tensor device "
            f"type {seq.device}")
    if seq.dim() == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    if seq.dim() > 1:
        if input.dim() == 0:
            raise RuntimeError(
                "torch.searchsorted(): input value can be a scalar only when boundaries "
                f"tensor dimension is 1, but we got boundaries tensor dim({seq.dim()}) and "
                f"input value's dim(0) numel(1)")
        if tuple(seq.shape[:-1]) != tuple(input.shape[:-1]):
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                "N-1 dimensions of boundaries tensor and input value tensor must match, but "
                f"we got boundaries tensor {list(seq.shape)} and input value tensor "
                f"{list(input.shape)}")
    xp = backend.array_module(seq._data)
    boundaries = seq._data
    if sorter is not None:
        if sorter.dtype != dtypes.int64:
            raise RuntimeError("torch.searchsorted(): sorter must be a tensor of long dtype "
                               f"but got dtype {dtypes.scalar_type_name(sorter.dtype)}")
        if tuple(sorter.shape) != tuple(seq.shape):
            raise RuntimeError(
                "torch.searchsorted(): boundary and sorter must have the same size, but got "
                f"boundary tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        if sorter.numel() and bool(((sorter._data < 0) | (sorter._data >= seq.shape[-1])).any()):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        boundaries = xp.take_along_axis(boundaries, sorter._data, axis=-1)
    out = _search(boundaries, input._data, right, xp)
    return _wrap(xp.asarray(out, dtype=xp.int32 if out_int32 else xp.int64))


@public
def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value: i with boundaries[i-1] < x <= boundaries[i] (right=False),
    or boundaries[i-1] <= x < boundaries[i] (right=True)."""
    if boundaries.dim() != 1:
        raise RuntimeError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ---- unique / bincount ---------------------------------------------------------------------------
class NoDerivative(Op):
    """Returns `compute(x, other)`; its backward raises `error`, the one torch raises for an
    op without a derivative (as in torch, the output of a float input that requires grad
    still requires grad: the error comes at backward time)."""

    @staticmethod
    def forward(ctx, x, other, compute, error):
        ctx.error = error
        return compute(x, other)

    @staticmethod
    def backward(ctx, *grads):
        raise ctx.error

    @staticmethod
    def backward_graph(ctx, *grads_and_inputs):
        raise ctx.error


def _unique_flat(x, xp):
    """Sorted distinct values (each NaN counts as distinct, NaN != NaN), the group of each
    element, and the size of each group."""
    flat = x.reshape(-1)
    order = stable_argsort(flat, 0)
    ordered = flat[order]
    starts = xp.ones(ordered.shape, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    return ordered, order, starts


def _unique_rows(x, xp):
    """The same for the rows of a 2-D array, in lexicographic order."""
    # lexsort sorts by its last key first: give it the columns from last to first
    order = xp.lexsort(x.T[::-1]) if x.shape[1] else xp.arange(x.shape[0])
    ordered = x[order]
    starts = xp.ones(ordered.shape[0], dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    return ordered, order, starts


@public(method=True)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of `input` (or its distinct slices along `dim`), always sorted
    (torch's CPU unique sorts also when sorted=False); NaNs are not merged.
    Returns the values, or a tuple with `inverse` (the position of each element's value,
    shaped like input -- along `dim`: one per slice) and `counts` when asked for.
    """
    xp = backend.array_module(input._data)
    x = input._data
    if dim is None:
        ordered, order, starts = _unique_flat(x, xp)
        values = ordered[starts]
        inverse_shape, torch_name = x.shape, "_unique2"
    else:
        axis = normalize_dim(dim, input.dim())
        if builtins.any(s == 0 for i, s in enumerate(x.shape) if i != axis):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                               "unique cannot be applied")
        rows = xp.moveaxis(x, axis, 0)  # the slices along dim, as rows
        flat_rows = rows.reshape(rows.shape[0], math.prod(rows.shape[1:]))
        ordered, order, starts = _unique_rows(flat_rows, xp)
        values = xp.moveaxis(ordered[starts].reshape((-1,) + rows.shape[1:]), 0, axis)
        inverse_shape, torch_name = (x.shape[axis],), "unique_dim"
    group = xp.cumsum(starts) - 1  # the group of each element, in sorted order
    inverse = xp.empty(group.shape, dtype=xp.int64)
    inverse[order] = group
    counts = xp.diff(xp.append(xp.flatnonzero(starts), starts.shape[0])).astype(xp.int64)
    no_derivative = NotImplementedError(f"the derivative for '{torch_name}' is not implemented.")
    out = (NoDerivative.apply(input, None, lambda *_: values, no_derivative),)
    if return_inverse:
        out += (_wrap(inverse.reshape(inverse_shape)),)
    if return_counts:
        out += (_wrap(counts),)
    return out if len(out) > 1 else out[0]


@public(method=True)
def bincount(input, weights=None, minlength=0):
    """How often each of 0, 1, ..., max(input) occurs in the 1-D non-negative int tensor
    `input` (the sum of `weights` at its positions, if given); at least `minlength` bins."""
    dtypes.require_kernel("bincount_cpu", input,
                          lambda d: not d.is_floating_point and d != dtypes.bool)
    if input.dim() != 1 or (input.numel() and int(input._data.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is not None and (weights.dim() != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    xp = backend.array_module(input._data)
    if weights is None or input.numel() == 0:  # no counts: torch's int64 zeros, even weighted
        return _wrap(xp.bincount(input._data, minlength=minlength).astype(xp.int64))
    # float weights keep their dtype; integer and bool ones count in float64 (torch)
    out_dtype = weights._data.dtype if weights.dtype.is_floating_point else xp.float64
    return NoDerivative.apply(
        weights, input, lambda w, i: xp.bincount(i, w, minlength=minlength).astype(out_dtype),
        RuntimeError("derivative for aten::bincount is not implemented"))


# ---- take ----------------------------------------------------------------------------------------
class Take(Op):
    """out = x.flatten()[index];  d/dx: the gradient scatter-added back to the positions
    read (an index read twice gets both contributions)."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, grad, _grad_index=None):
        xp = backend.array_module(grad)
        flat = xp.zeros(math.prod(ctx.shape), dtype=grad.dtype)
        return scatter_add_into(flat, ctx.index, grad).reshape(ctx.shape), None

    @staticmethod
    def backward_graph(ctx, grad, x, index):
        return moved_grad_graph(grad, ctx.shape, lambda a: a.reshape(-1)[ctx.index]), None


@public(method=True)
def take(input, index):
    """input.flatten()[index], shaped like index (negative indices count from the end)."""
    if index.dtype != dtypes.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{dtypes.scalar_type_name(index.dtype)}")
    n = input.numel()
    if index.numel():
        if n == 0:
            raise IndexError("take(): tried to take from an empty tensor")
        bad = index._data[(index._data < -n) | (index._data >= n)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor "
                             f"of {n} elements.")
    return Take.apply(input, index)
