"""Rounding toward zero and the sign family: trunc/fix, frac, fmod, sgn, copysign,
heaviside, nan_to_num. (floor, ceil, round and sign are in unary.py.)"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .arithmetic import _check_integer_division
from .promotion import _is_tensor, promote
from .registry import public
from .unary import PiecewiseConstant, Unary
from .unary import sign as _sign


def _constant(array):
    """An array as a Tensor outside the graph (a mask or ratio, for a `backward_graph`)."""
    from ..tensor import Tensor

    return Tensor._wrap(array)


class Trunc(PiecewiseConstant):
    """out = x rounded toward zero;  gradient 0 everywhere."""
    fn = staticmethod(lambda xp, x: xp.trunc(x))


class Frac(Unary):
    """out = x - trunc(x), with the sign of x;  d/dx = 1."""
    saves = None
    fn = staticmethod(lambda xp, x: x - xp.trunc(x))
    grad_fn = staticmethod(lambda xp, _, g: g)
    backward_graph = staticmethod(lambda ctx, g, x: g)


@public(method=True, inplace=True, aliases=("fix",))
def trunc(input):
    """x rounded toward zero."""
    dtypes.require_kernel("trunc_vml_cpu", input, lambda d: d is not dtypes.bool)
    if not input.dtype.is_floating_point:  # integers are already whole: a copy, as in torch
        return input.clone()
    return Trunc.apply(input)


fix = trunc


@public(method=True, inplace=True)
def frac(input):
    """The fractional part x - trunc(x), with the sign of x."""
    dtypes.require_kernel("frac_cpu", input, lambda d: d.is_floating_point)
    return Frac.apply(input)


@public(method=True, inplace=True)
def sgn(input):
    """sign(x) for real tensors (torch's sgn differs from sign only for complex ones)."""
    return input.clone() if input.dtype is dtypes.bool else _sign(input)


class Fmod(Op):
    """C's fmod: a - trunc(a/b) b, with the sign of the dividend a (remainder takes the
    divisor's);  d/da = 1,  d/db = -trunc(a/b) (inf where b == 0, as in torch)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b)
        with backend.ignore_float_errors(xp):  # x fmod 0 is NaN, as in torch
            return xp.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        if not ctx.needs_input_grad[1]:
            return grad, None
        with backend.ignore_float_errors(xp):
            return grad, -grad * xp.trunc(a / b)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        if not ctx.needs_input_grad[1]:
            return grad, None
        a_, b_ = ctx.saved_tensors
        xp = backend.array_module(a_)
        with backend.ignore_float_errors(xp):  # trunc(a/b) is piecewise constant: no graph
            quotient = xp.trunc(a_ / b_)
        return grad, -grad * _constant(quotient)


@public(method=True, inplace=True)
def fmod(input, other):
    """C's fmod: the remainder of input / other with the sign of input."""
    if not _is_tensor(input):
        raise TypeError("fmod() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    (a, b), dt = promote(input, other)
    _check_integer_division(b, dt, "fmod_cpu")  # and bool: not implemented
    return Fmod.apply(a, b)


class Copysign(Op):
    """out = |a| with the sign of b (also of -0.0);  d/da = out/a (+-1), 0 where a == 0;
    d/db = 0."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a)
        out = xp.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        with backend.ignore_float_errors(xp):
            ratio = xp.where(a == 0, 0, out / a).astype(grad.dtype, copy=False)
        return grad * ratio, xp.zeros_like(grad)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        # torch's formula, result / a (0 where a == 0), differentiated as written: its
        # derivative is 0, and NaN at a == 0 (0/0), as in torch
        out = ctx.output_tensor(ctx.saved_tensors[1])
        return grad * (out / a).where(a != 0, 0.0), grad * 0


@public(method=True, inplace=True)
def copysign(input, other):
    """|input| with the sign of other."""
    if not _is_tensor(input):
        raise TypeError("copysign() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    (a, b), _ = promote(input, other, to_float=True)
    return Copysign.apply(a, b)


class Heaviside(Op):
    """out = 0 for x < 0, values for x == 0, 1 for x > 0 (NaN counts as < 0, as in
    torch); torch defines no derivative, so backward raises."""

    @staticmethod
    def forward(ctx, x, values):
        xp = backend.array_module(x)
        return xp.where(x == 0, values, x > 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")

    @staticmethod
    def backward_graph(ctx, grad, x, values):
        Heaviside.backward(ctx, grad)


@public(method=True, inplace=True)
def heaviside(input, values):
    """The step function: 0 below 0, values at 0, 1 above 0."""
    if not _is_tensor(values):
        raise TypeError("heaviside(): argument 'values' (position 2) must be Tensor, not "
                        f"{type(values).__name__}")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    promote(input, values)  # only torch's shape check
    return Heaviside.apply(input, values)


class NanToNum(Op):
    """NaN, +inf and -inf replaced by nan, posinf, neginf (default: 0 and the dtype's
    largest finite values);  d/dx = 1 where x is finite, else 0."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        xp = backend.array_module(x)
        ctx.save_for_backward(x)
        with backend.ignore_float_errors(xp):  # posinf=1e300 in float32 is inf, as in torch
            return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * backend.array_module(x).isfinite(x),)

    @staticmethod
    def backward_graph(ctx, grad, x, nan, posinf, neginf):
        return (grad.where(x.isfinite(), 0.0),)


@public(method=True, inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf, -inf replaced by nan, posinf, neginf (default: the dtype's extremes)."""
    if not input.dtype.is_floating_point:
        return input.clone()  # integers have no NaN or inf
    return NanToNum.apply(input, nan, posinf, neginf)
