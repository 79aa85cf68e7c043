"""Special and exp/log-family functions: erf erfc erfinv, expm1 exp2 log10, xlogy,
logaddexp logaddexp2 and float_power.

The error functions themselves (Cody's approximations, on xp arrays) are in
error_function.py; this module wraps them as differentiable ops. All functions here are
float-valued: integer and bool inputs are computed in the default float dtype.
"""
from __future__ import annotations

import math

from .. import backend, dtypes
from ..autograd.function import Op
from . import error_function
from .arithmetic import pow
from .promotion import _is_tensor, _scalar_as_array, cast, promote, require_tensor
from .registry import public
from .unary import Unary, _float, result

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_LN2, _LN10 = math.log(2), math.log(10)


class Erf(Unary):
    """out = erf x;  d/dx = 2/sqrt(pi) exp(-x**2)."""
    fn = staticmethod(error_function.erf)
    grad_fn = staticmethod(lambda xp, x, g: g * (_TWO_OVER_SQRT_PI * xp.exp(-x * x)))
    backward_graph = staticmethod(lambda ctx, g, x: g * (_TWO_OVER_SQRT_PI * (-x * x).exp()))


class Erfc(Unary):
    """out = erfc x = 1 - erf x, accurate in the tail;  d/dx = -2/sqrt(pi) exp(-x**2)."""
    fn = staticmethod(error_function.erfc)
    grad_fn = staticmethod(lambda xp, x, g: g * (-_TWO_OVER_SQRT_PI * xp.exp(-x * x)))
    backward_graph = staticmethod(
        lambda ctx, g, x: g * (-_TWO_OVER_SQRT_PI * (-x * x).exp()))


class Erfinv(Unary):
    """out = erfinv x (erf(out) = x);  d/dx = sqrt(pi)/2 exp(out**2)."""
    saves = "out"
    fn = staticmethod(error_function.erfinv)
    grad_fn = staticmethod(lambda xp, out, g: g * (0.5 * math.sqrt(math.pi)) * xp.exp(out * out))
    backward_graph = staticmethod(
        lambda ctx, g: g * (0.5 * math.sqrt(math.pi)) * (result(ctx) ** 2).exp())


class Expm1(Unary):
    """out = e**x - 1, accurate for small x;  d/dx = out + 1."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.expm1(x))
    grad_fn = staticmethod(lambda xp, out, g: g * (out + 1))
    backward_graph = staticmethod(lambda ctx, g: g * (result(ctx) + 1))


class Exp2(Unary):
    """out = 2**x;  d/dx = out ln 2."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.exp2(x))
    grad_fn = staticmethod(lambda xp, out, g: g * out * _LN2)
    backward_graph = staticmethod(lambda ctx, g: g * result(ctx) * _LN2)


class Log10(Unary):
    """out = log10 x;  d/dx = 1/(x ln 10)."""
    fn = staticmethod(lambda xp, x: xp.log10(x))
    grad_fn = staticmethod(lambda xp, x, g: g / (x * _LN10))
    backward_graph = staticmethod(lambda ctx, g, x: g / (x * _LN10))


# the public functions: integers are first cast to the default float dtype, as in torch
@public(method=True, inplace=True)
def erf(input):
    """The error function, elementwise."""
    return Erf.apply(_float(input))


@public(method=True, inplace=True)
def erfc(input):
    """1 - erf(x), accurate where erf(x) is near 1."""
    return Erfc.apply(_float(input))


@public(method=True, inplace=True)
def erfinv(input):
    """The inverse of erf, elementwise (inf at +-1, NaN outside [-1, 1])."""
    return Erfinv.apply(_float(input))


@public(method=True, inplace=True)
def expm1(input):
    """e**x - 1, accurate for small x."""
    return Expm1.apply(_float(input))


@public(method=True, inplace=True)
def exp2(input):
    """2**x, elementwise."""
    return Exp2.apply(_float(input))


@public(method=True, inplace=True)
def log10(input):
    """Base-10 logarithm, elementwise."""
    return Log10.apply(_float(input))


def _xlogy(xp, x, y):
    """x log y, 0 where x == 0 (even for y = 0), NaN where y is NaN (torch's rule)."""
    with backend.ignore_float_errors(xp):
        out = x * xp.log(y)
    return xp.where(xp.isnan(y), y, xp.where(x == 0, 0, out)).astype(out.dtype, copy=False)


class Xlogy(Op):
    """out = x log y (0 where x == 0);  d/dy = x / y.
    d/dx = log y, written xlogy(grad, y) as in torch, and 0 where x == 0 and y <= 0 (so
    the undefined log of 0 and of negatives gives no NaN/inf at the x == 0 branch)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlogy(backend.array_module(x if hasattr(x, "shape") else y), x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_x = xp.where((x == 0) & (y <= 0), 0, _xlogy(xp, grad, y))
        with backend.ignore_float_errors(xp):
            grad_y = grad * x / y
        return grad_x.astype(grad.dtype, copy=False), grad_y

    @staticmethod
    def backward_graph(ctx, grad, x, y):
        Tensor = type(grad)
        x, y = (v if isinstance(v, Tensor) else Tensor._wrap(v) for v in (x, y))
        grad_x = Xlogy.apply(grad, y).where(~((x == 0) & (y <= 0)), 0.0)
        return grad_x, grad * x / y


@public(method=True, inplace=True)
def xlogy(input, other):
    """x * log(y), 0 where x == 0 (even where y is 0)."""
    (x, y), _ = promote(input, other, to_float=True)
    # a Python number becomes a 0-d array of the tensor's dtype: xp.log(2) would be a
    # float64 NumPy scalar and make a float32 result float64
    tensor = x if _is_tensor(x) else y
    return Xlogy.apply(_scalar_as_array(x, tensor), _scalar_as_array(y, tensor))


class LogAddExp(Op):
    """out = log_base(base**a + base**b), base e or 2, computed as max + log1p(base**-|a-b|)
    so it never overflows;  d/da = 1 / (1 + base**(b - a)),  d/db = 1 / (1 + base**(a - b)).
    Where a == b is +-inf the result is that inf and the gradients are NaN (inf - inf),
    as in torch."""

    @staticmethod
    def forward(ctx, a, b, base):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b)
        ctx.base = base
        big = xp.maximum(a, b)
        with backend.ignore_float_errors(xp):
            gap = -xp.abs(a - b)
            if base == 2:
                out = big + xp.log1p(xp.exp2(gap)) / _LN2
            else:
                out = big + xp.log1p(xp.exp(gap))
        return xp.where(xp.isinf(big) & (a == b), big, out)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        power = xp.exp2 if ctx.base == 2 else xp.exp
        with backend.ignore_float_errors(xp):
            return grad / (1 + power(b - a)), grad / (1 + power(a - b))

    @staticmethod
    def backward_graph(ctx, grad, a, b, base):
        if base == 2:
            return grad / (1 + 2 ** (b - a)), grad / (1 + 2 ** (a - b))
        return grad / (1 + (b - a).exp()), grad / (1 + (a - b).exp())


def _logaddexp(name, input, other, base):
    require_tensor(name, input, "input", 1)
    require_tensor(name, other, "other", 2)
    (a, b), _ = promote(input, other)
    dtypes.require_kernel(name + "_cpu", a, lambda d: d.is_floating_point)
    return LogAddExp.apply(a, b, base)


@public(method=True)
def logaddexp(input, other):
    """log(e**input + e**other), without overflow."""
    return _logaddexp("logaddexp", input, other, math.e)


@public(method=True)
def logaddexp2(input, other):
    """log2(2**input + 2**other), without overflow."""
    return _logaddexp("logaddexp2", input, other, 2)


@public(method=True)  # float_power_ is in tensor_methods.py: it checks self's dtype first
def float_power(input, exponent):
    """input ** exponent computed in float64 (always: torch's float_power never rounds to
    the inputs' dtype); the gradients are cast back to each input's dtype."""
    if not _is_tensor(input) and not _is_tensor(exponent):
        raise TypeError("float_power() received an invalid combination of arguments")
    base = cast(input, dtypes.float64) if _is_tensor(input) else float(input)
    power = cast(exponent, dtypes.float64) if _is_tensor(exponent) else float(exponent)
    return pow(base, power)
