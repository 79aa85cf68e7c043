"""Comparisons and selection: maximum/minimum, where, clamp, eq/lt/..., logical ops,
isnan/isinf, allclose."""
from __future__ import annotations

from .. import backend, dtypes
from .. import tensor as tensor_module
from ..autograd.function import Op, same_device
from .indexing import nonzero
from .promotion import (
    _is_tensor,
    _scalar_as_array,
    cast,
    check_broadcast,
    promote,
    require_tensor,
    type_name,
)
from .registry import public


def _constant(array):
    """An array (or NumPy scalar) as a Tensor outside the graph: a mask in a formula."""
    return tensor_module.Tensor._wrap(backend.np.asarray(array) if not hasattr(array, "ndim")
                                      else array)


class Maximum(Op):
    """out = max(a, b); at a tie torch gives half the gradient to each input."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b)
        return xp.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = (a > b) + 0.5 * (a == b)
        return grad * share.astype(grad.dtype), grad * (1 - share).astype(grad.dtype)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        share = Maximum.backward(ctx, grad._data.dtype.type(1))  # constant masks
        return tuple(grad * _constant(s) for s in share)


class Minimum(Op):
    """out = min(a, b); at a tie torch gives half the gradient to each input."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b)
        return xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share = (a < b) + 0.5 * (a == b)
        return grad * share.astype(grad.dtype), grad * (1 - share).astype(grad.dtype)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        share = Minimum.backward(ctx, grad._data.dtype.type(1))  # constant masks
        return tuple(grad * _constant(s) for s in share)


class Where(Op):
    """out = cond ? a : b;  the gradient goes to the branch that was taken."""

    @staticmethod
    def forward(ctx, cond, a, b):
        xp = backend.array_module(cond)
        ctx.save_for_backward(cond)
        return xp.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        zero = xp.zeros((), dtype=grad.dtype)
        return None, xp.where(cond, grad, zero), xp.where(cond, zero, grad)

    @staticmethod
    def backward_graph(ctx, grad, cond, a, b):
        return None, grad.where(cond, 0.0), grad.where(~cond, 0.0)


class Clamp(Op):
    """out = min(max(x, lo), hi); lo/hi are None, Python numbers or arrays.

    d/dx = grad where lo <= x <= hi (boundary included, as in torch). A tensor bound gets
    the gradient where it is the output: d/dlo where x < lo (and lo < hi), d/dhi where
    x > hi (or hi < lo). That is torch's rule; at lo == hi it gives x < lo to neither.
    """

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = backend.array_module(x)
        ctx.save_for_backward(x, lo, hi)
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out if out is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        # selected, not multiplied by the masks: an inf/NaN upstream gradient where an input
        # lost must give 0 there, as torch's (inf * 0 would be NaN)
        return tuple(None if m is None else xp.where(m, grad, 0) for m in _clamp_masks(ctx))

    @staticmethod
    def backward_graph(ctx, grad, x, lo, hi):
        return tuple(None if m is None else grad.where(_constant(m), 0.0)
                     for m in _clamp_masks(ctx))


def _clamp_masks(ctx):
    """Where each of clamp's inputs (x, min, max) wins, as bool arrays (None for a bound
    that needs no gradient): x strictly inside or on a bound, min where x < min (and
    min < max), max where x > max or max < min."""
    x, lo, hi = ctx.saved_tensors
    inside = True
    if lo is not None:
        inside = x >= lo
    if hi is not None:
        inside = inside & (x <= hi)
    need_lo, need_hi = ctx.needs_input_grad[1:3]
    lo_wins = hi_wins = None
    if need_lo:
        lo_wins = (x < lo) & (lo < hi) if hi is not None else x < lo
    if need_hi:
        hi_wins = (x > hi) | (hi < lo) if lo is not None else x > hi
    return inside, lo_wins, hi_wins


# ---- comparisons and logic (no gradient) ---------------------------------------------------------
class Compare(Op):
    """Elementwise comparison -> bool; not differentiable."""

    @staticmethod
    def forward(ctx, a, b, fn):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        return getattr(xp, fn)(a, b)


class Predicate(Op):
    """Elementwise test -> bool (isnan, logical_not, ...); not differentiable."""

    @staticmethod
    def forward(ctx, x, fn):
        return getattr(backend.array_module(x), fn)(x)


# ---- the tensor-level functions (minitorch.where, Tensor.clamp, ...) ---------------------------
def _require_tensors(fn_name, input, other):
    require_tensor(fn_name, input, "input", 1)
    require_tensor(fn_name, other, "other", 2)


@public  # Tensor.maximum is in tensor_methods.py: torch names its operand position 1
def maximum(input, other):
    _require_tensors("maximum", input, other)  # torch has no scalar overload here
    (a, b), _ = promote(input, other)
    return Maximum.apply(a, b)


@public  # Tensor.minimum is in tensor_methods.py: torch names its operand position 1
def minimum(input, other):
    _require_tensors("minimum", input, other)
    (a, b), _ = promote(input, other)
    return Minimum.apply(a, b)


@public  # Tensor.where is in tensor_methods.py: x.where(condition, y)
def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition.dtype is not dtypes.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {condition.dtype.name}")
    check_broadcast((condition, input, other))  # torch's words, not NumPy's ValueError
    (a, b), _ = promote(input, other)
    if not _is_tensor(a) and not _is_tensor(b):
        a = _scalar_as_array(a, cast(condition, dtypes.result_type(input, other)))
    return Where.apply(condition, a, b)


@public(method=True, aliases=("clip",))  # clamp_ is in tensor_methods.py
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [v for v in (min, max) if v is not None]
    (x, *bounds), _ = promote(input, *bounds)
    lo = bounds.pop(0) if min is not None else None
    hi = bounds.pop(0) if max is not None else None
    return Clamp.apply(x, lo, hi)


@public(method=True)
def clamp_min(input, min):
    """clamp(input, min=min): the gradient passes where input >= min (also at the boundary)
    and goes to a tensor `min` where input < min."""
    if min is None:
        raise TypeError("clamp_min() received an invalid combination of arguments - got "
                        "(Tensor, NoneType)")
    return clamp(input, min=min)


@public(method=True)
def clamp_max(input, max):
    """clamp(input, max=max): the gradient passes where input <= max (also at the boundary)
    and goes to a tensor `max` where input > max."""
    if max is None:
        raise TypeError("clamp_max() received an invalid combination of arguments - got "
                        "(Tensor, NoneType)")
    return clamp(input, max=max)


def _comparison(name, fn_name):
    def fn(input, other):
        # torch's overloads take (Tensor, Tensor) or (Tensor, Number): None is neither
        if not _is_tensor(input) or other is None:
            raise TypeError(
                f"{fn.__name__}() received an invalid combination of arguments - got "
                f"({type_name(input)}, {type_name(other)}), but expected one of:\n"
                " * (Tensor input, Tensor other, *, Tensor out = None)\n"
                " * (Tensor input, Number other, *, Tensor out = None)\n")
        (a, b), _ = promote(input, other)
        return Compare.apply(a, b, fn_name)

    fn.__name__ = fn.__qualname__ = name
    return fn


eq = public(method=True)(_comparison("eq", "equal"))
ne = public(method=True)(_comparison("ne", "not_equal"))
lt = public(method=True)(_comparison("lt", "less"))
le = public(method=True)(_comparison("le", "less_equal"))
gt = public(method=True)(_comparison("gt", "greater"))
ge = public(method=True)(_comparison("ge", "greater_equal"))
# the aliases are functions of their own (torch's errors name the function called)
greater = public(method=True)(_comparison("greater", "greater"))
less = public(method=True)(_comparison("less", "less"))
greater_equal = public(method=True)(_comparison("greater_equal", "greater_equal"))
less_equal = public(method=True)(_comparison("less_equal", "less_equal"))
not_equal = public(method=True)(_comparison("not_equal", "not_equal"))


class CompareInto(Op):
    """What `x.gt_(other)` writes: the comparison as 0/1 in x's dtype. Unlike the bool
    result of gt(), torch records it, with d/dx = d/dother = 0 (its formula for the
    in-place comparisons)."""

    @staticmethod
    def forward(ctx, a, b, fn, dtype):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        return getattr(xp, fn)(a, b).astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        zero = backend.array_module(grad).zeros_like(grad)
        return zero, zero

    @staticmethod
    def backward_graph(ctx, grad, *inputs):
        return grad * 0, grad * 0


def compare_into(input, other, fn_name):
    """The value `input.<fn_name>_(other)` (eq_, lt_, greater_, ...) writes into input."""
    dtype = input._data.dtype
    (a, b), _ = promote(input, other)
    return CompareInto.apply(a, b, fn_name, dtype)


def _logical(fn_name):
    def fn(input, other):
        _require_tensors(fn_name, input, other)
        check_broadcast((input, other))
        return Compare.apply(input, other, fn_name)

    fn.__name__ = fn.__qualname__ = fn_name
    return fn


# Tensor.logical_and, ... are in tensor_methods.py: torch names their operand position 1
logical_and, logical_or = public(_logical("logical_and")), public(_logical("logical_or"))
logical_xor = public(_logical("logical_xor"))


@public(method=True)
def logical_not(input):
    return Predicate.apply(input, "logical_not")


@public(method=True)
def isnan(input):
    return Predicate.apply(input, "isnan")


@public(method=True)
def isinf(input):
    return Predicate.apply(input, "isinf")


@public(method=True)
def isfinite(input):
    return Predicate.apply(input, "isfinite")


@public  # Tensor.equal is in tensor_methods.py: torch names its operand position 1
def equal(input, other) -> bool:
    """True if both tensors have the same shape and values."""
    _require_tensors("equal", input, other)
    return input.shape == other.shape and bool(eq(input, other).all())


def _require_same_dtype(input, other):
    if input.dtype is not other.dtype:  # torch compares in one dtype and promotes nothing
        raise RuntimeError(f"{dtypes.scalar_type_name(input.dtype)} did not match "
                           f"{dtypes.scalar_type_name(other.dtype)}")


@public  # Tensor.allclose is in tensor_methods.py: torch names its operand position 1
def allclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False) -> bool:
    _require_tensors("allclose", input, other)
    _require_same_dtype(input, other)
    same_device(input, other)
    xp = backend.array_module(input._data)
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


@public  # Tensor.isclose is in tensor_methods.py: torch names its operand position 1
def isclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False):
    _require_tensors("isclose", input, other)
    _require_same_dtype(input, other)
    same_device(input, other)
    xp = backend.array_module(input._data)
    from ..tensor import Tensor

    return Tensor._wrap(
        xp.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

