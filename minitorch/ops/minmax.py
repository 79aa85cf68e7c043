"""max/min (with indices, along one dim), amax/amin (over dims), argmax/argmin.

The tie rules differ, as in torch: max(dim) sends the gradient to the one index it
returns; amax/amin and a full max() split it evenly over the tied elements.
"""
from __future__ import annotations

import operator

from .. import backend, return_types
from .. import tensor as tensor_module
from ..autograd.function import Op
from .comparison import maximum, minimum
from .reduce import _axes, _broadcast_back, _expand_back
from .registry import public
from .shape import normalize_dims

_MaxResult, _MinResult = return_types.max, return_types.min


class MaxMinDim(Op):
    """(values, indices) of max/min along one axis; the gradient goes only to the index
    returned (the first extreme element, like torch), never split between ties."""

    @staticmethod
    def forward(ctx, x, axis, keepdim, largest):
        xp = backend.array_module(x)
        idx = (xp.argmax if largest else xp.argmin)(x, axis=axis, keepdims=True)
        values = xp.take_along_axis(x, idx, axis=axis)
        ctx.axis, ctx.shape = axis, x.shape
        ctx.save_for_backward(idx)
        if not keepdim:
            values, idx = values.squeeze(axis), idx.squeeze(axis)
        ctx.keepdim = keepdim
        return values, idx.astype(xp.int64)

    @staticmethod
    def backward(ctx, grad, _grad_idx=None):
        (idx,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        g = grad if ctx.keepdim else xp.expand_dims(grad, ctx.axis)
        n = ctx.shape[ctx.axis]
        positions = xp.arange(n).reshape((n,) + (1,) * (len(ctx.shape) - ctx.axis - 1))
        return ((positions == idx) * g,)

    @staticmethod
    def backward_graph(ctx, grad, grad_idx, x, *args):
        (idx,) = ctx.saved_tensors
        xp = backend.array_module(idx)
        g = grad if ctx.keepdim else grad.unsqueeze(ctx.axis)
        n = ctx.shape[ctx.axis]
        positions = xp.arange(n).reshape((n,) + (1,) * (len(ctx.shape) - ctx.axis - 1))
        return (g * tensor_module.Tensor._wrap(positions == idx),)


class AmaxAmin(Op):
    """max/min over axes without indices; ties share the gradient evenly (torch's amax)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim, largest):
        out = (x.max if largest else x.min)(axis=axes, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else out.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        mask = (x == out).astype(grad.dtype)
        count = mask.sum(axis=ctx.axes, keepdims=True)
        return (_expand_back(grad, ctx.axes, ctx.keepdim) * mask / count,)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        x_, out = ctx.saved_tensors
        mask = (x_ == out).astype(x_.dtype)
        share = tensor_module.Tensor._wrap(mask / mask.sum(axis=ctx.axes, keepdims=True))
        return (_broadcast_back(grad, ctx.axes, ctx.keepdim, x.shape) * share,)


def _is_int(value):
    """An int dim as torch accepts it: int or numpy integer, never bool (nor a tuple)."""
    if isinstance(value, bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def _max_min(input, dim, keepdim, largest, name):
    if dim is not None and not _is_int(dim) and not hasattr(dim, "_data"):
        # torch's max/min take one int dim; amax/amin are the ones that take a tuple
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"(Tensor, dim={type(dim).__name__}), but expected one of: "
                        f"(Tensor input, int dim, bool keepdim = False); "
                        f"use {'amax' if largest else 'amin'} to reduce over several dims")
    if dim is not None and _is_int(dim):
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        result = _MaxResult if largest else _MinResult
        axis = normalize_dims(dim, input.dim())[0] if input.dim() else None
        if axis is None:
            return result(input.clone(), input.new_zeros(()).long())
        values, idx = MaxMinDim.apply(input, axis, keepdim, largest)
        return result(values, idx)
    if hasattr(dim, "_data"):  # max(a, b): elementwise
        return (maximum if largest else minimum)(input, dim)
    if input.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                           "input.numel() == 0. Specify the reduction dim with the 'dim' "
                           "argument.")
    return AmaxAmin.apply(input, _axes(input, None), False, largest)


@public(method=True)
def max(input, dim=None, keepdim=False):
    """max(x) -> the largest value; max(x, dim) -> (values, indices); max(a, b) elementwise."""
    return _max_min(input, dim, keepdim, True, "max")


@public(method=True)
def min(input, dim=None, keepdim=False):
    return _max_min(input, dim, keepdim, False, "min")


def _check_dims(dim, name):
    if not _is_int(dim) and not isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be tuple of ints, "
                        f"not {type(dim).__name__}")


@public(method=True)
def amax(input, dim=(), keepdim=False):
    _check_dims(dim, "amax")
    return AmaxAmin.apply(input, _nonempty_axes(input, dim, "amax"), keepdim, True)


@public(method=True)
def amin(input, dim=(), keepdim=False):
    _check_dims(dim, "amin")
    return AmaxAmin.apply(input, _nonempty_axes(input, dim, "amin"), keepdim, False)


def _nonempty_axes(input, dim, fn):
    """The axes to reduce, after torch's checks for empty ones (NumPy's error would be a
    ValueError: "zero-size array to reduction operation maximum")."""
    axes = _axes(input, dim)
    if input.numel() == 0:
        if dim == () or dim == []:
            raise RuntimeError(f"{fn}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for axis in (axes if isinstance(axes, tuple) else (axes,)):
            if input.dim() and input.shape[axis] == 0:
                raise IndexError(f"{fn}(): Expected reduction dim {axis} to have non-zero "
                                 "size.")
    return axes


@public(method=True)
def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmax")


@public(method=True)
def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, "argmin")


def _arg(input, dim, keepdim, fn):
    from ..tensor import Tensor

    if dim is not None and not _is_int(dim):
        raise TypeError(f"{fn}(): argument 'dim' must be int, not {type(dim).__name__}")
    xp = backend.array_module(input._data)
    if dim is None:
        if input.numel() == 0:  # NumPy would raise a ValueError
            raise IndexError(f"{fn}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        out = getattr(xp, fn)(input._data.reshape(-1))
        if keepdim:
            out = out.reshape((1,) * input.dim())
    else:
        axis = normalize_dims(dim, input.dim())[0]
        if input.dim() and input.shape[axis] == 0:
            raise IndexError(f"{fn}(): Expected reduction dim {axis} to have non-zero size.")
        out = getattr(xp, fn)(input._data, axis=axis, keepdims=keepdim)
    return Tensor._wrap(xp.asarray(out, dtype=xp.int64))
