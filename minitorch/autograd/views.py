"""Views, and in-place ops on tensors that share memory.

A view (`x[0]`, `x.t()`, `x.view(6)`, `x.expand(...)`, ...) reads and writes the memory of
its *base*. Three records keep in-place ops on either one right under autograd, as in torch:

    v._base      the root tensor that owns the memory (never itself a view)
    v._view_fn   replays the view from the base: v == v._view_fn(v._base)
    _version     one counter shared by the base and all its views

An in-place op always writes into the shared memory, so every alias sees the new values.
Writing through a view `v` changes the *base*, so the base gets a new graph node:

    CopySlices  forward:  base_new = base_old with v's region replaced by result
                backward: d/dbase_old = grad with v's region zeroed
                          d/dresult   = v's region of grad

Then every live view of the base (`v` included) gets a fresh grad_fn: its view replayed
on the base's new node. An in-place op on the base itself refreshes its views the same way.
(torch refreshes a view lazily, when it is next used; refreshing at once gives the same
graph.)
"""
from __future__ import annotations

import weakref

from .. import backend
from .. import tensor as tensor_module
from . import grad_mode
from .function import Op

_NO_GRAD_HINT = (
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace "
    "to be tracked).")
_MULTI_HINT = (
    "This view is the output of a function that returns multiple views. Such functions do "
    "not allow the output views to be modified inplace. You should replace the inplace "
    "operation by an out-of-place one.")


class ViewOp(Op):
    """An op whose output may share the input's memory (reshape, x[0], permute, expand).

    When it does, the output is recorded as a view of the input's base (see module doc).
    """

    @classmethod
    def apply(cls, x, *args, **kwargs):
        out = super().apply(x, *args, **kwargs)
        mark_view(x, out, lambda base: cls.apply(base, *args, **kwargs), cls.__name__)
        return out


def mark_view(source, out, replay, op_name):
    """Record `out = replay(source)` as a view of source's base, if it is one: a reshape
    may copy, and an empty result shares no memory (then out is a tensor of its own)."""
    if not backend.array_module(source._data).may_share_memory(out._data, source._data):
        return
    if source._base is None:
        base, view_fn = source, replay
    else:
        base, parent_fn = source._base, source._view_fn
        view_fn = lambda b: replay(parent_fn(b))  # noqa: E731
        if source._view_meta is not None:  # a view of a split output is one too
            out._view_meta = (source._view_meta[0], op_name, 0, True)
    if not grad_mode._enabled:
        out._view_meta = ("no_grad", op_name, 0, source._base is not None)
    out._base, out._view_fn, out._version = base, view_fn, base._version
    if base._views is None:
        base._views = weakref.WeakSet()
    base._views.add(out)


def mark_multi_output(source, outs, op_name):
    """split/chunk/unbind: torch forbids modifying their outputs in place under autograd."""
    if not grad_mode._enabled:
        return  # already marked as made in no_grad mode
    kind = "multi" if source.requires_grad else "multi_no_grad"
    for i, t in enumerate(outs):
        t._view_meta = (kind, op_name, i, False)


def _view_error(meta, base_modified=False):
    kind, op_name, nr, derived = meta
    if kind == "no_grad":
        what = f"Output {nr} of {op_name} is a view of a view which was" if derived \
            else "A view was"
        return (f"{what} created in no_grad mode and is being modified inplace with grad "
                f"mode enabled. {_NO_GRAD_HINT}")
    if kind == "multi_no_grad":
        return ("A view was created in no_grad mode and is being modified inplace with grad "
                f"mode enabled. {_MULTI_HINT}")
    change = ("its base or another view of its base has been modified inplace"
              if base_modified else "is being modified inplace")
    return f"Output {nr} of {op_name} is a view and {change}. {_MULTI_HINT}"


def check_inplace(t):
    """The errors torch raises before an in-place op that autograd would record."""
    if t._base is None:
        if t.grad_fn is None and t.requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation.")
        return
    if t._view_meta is not None:
        raise RuntimeError(_view_error(t._view_meta))
    if t._base.grad_fn is None and t._base.requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in "
                           "an in-place operation.")


def private_copy(t):
    """A copy of t's values at t's place in the graph: the "original self" that an
    in-place op differentiates from, which later writes to t cannot change."""
    copy = tensor_module.Tensor._wrap(t._data.copy())
    copy.requires_grad, copy.grad_fn, copy._output_nr = t.requires_grad, t.grad_fn, t._output_nr
    return copy


def rebase(t, result):
    """After `t`'s memory was overwritten with `result`: give t (or, for a view, its base)
    the result's graph node, then refresh every view of the base."""
    if t._base is None:
        t.grad_fn, t._output_nr = result.grad_fn, result._output_nr
        t._requires_grad = True  # not the property: it refuses non-leaves
        refresh_views(t)
        return
    base = t._base
    out = CopySlices.apply(base, result, t._view_fn)
    if out.requires_grad:
        base.grad_fn, base._output_nr, base._requires_grad = out.grad_fn, 0, True
    refresh_views(base)


def refresh_views(base):
    """Rebuild each live view's grad_fn from the base's current node."""
    if base._views is None:
        return
    for v in list(base._views):
        if v._view_meta is not None and v._view_meta[0] == "multi":
            # torch raises when such a view is used again; here, when backward reaches it
            v.grad_fn, v._output_nr = _InvalidView(_view_error(v._view_meta, True)), 0
            continue
        if v._view_meta is not None:
            continue  # made in no_grad mode: not part of the graph
        with grad_mode.enable_grad():
            fresh = v._view_fn(base)
        v.grad_fn, v._output_nr, v._requires_grad = (
            fresh.grad_fn, fresh._output_nr, fresh.requires_grad)


class CopySlices(Op):
    """base_new = base_old with view_fn(base_new) = result (already written in memory).
    d/dbase_old = grad with the view's region zeroed;  d/dresult = the view's region of grad."""

    @classmethod
    def name(cls):
        return "CopySlices"  # torch's name has no Backward0

    @staticmethod
    def forward(ctx, base, result, view_fn):
        ctx.view_fn, ctx.base = view_fn, base  # the base's layout, to replay the view on grad
        return base

    @staticmethod
    def backward(ctx, grad):
        grad_base = backend.array_module(grad).empty_like(ctx.base)
        grad_base[...] = grad
        region = ctx.view_fn(tensor_module.Tensor._wrap(grad_base))._data  # a view into it
        grad_result = region.copy()
        region[...] = 0
        return grad_base, grad_result, None

    @staticmethod
    def backward_graph(ctx, grad, base, result, view_fn):
        keep = backend.array_module(ctx.base).ones(ctx.base.shape, dtype=bool)
        ctx.view_fn(tensor_module.Tensor._wrap(keep))._data[...] = False  # the region
        keep = tensor_module.Tensor._wrap(keep)
        return grad.where(keep, 0.0), ctx.view_fn(grad), None


class _InvalidView(Op):
    """The grad_fn of a split/chunk/unbind output whose base was modified in place."""

    def __init__(self, message):
        self.message = message

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(ctx.message)

    @staticmethod
    def backward_graph(ctx, grad, *inputs):
        raise RuntimeError(ctx.message)
