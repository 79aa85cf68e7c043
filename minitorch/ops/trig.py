"""Trigonometric and hyperbolic functions and their inverses, atan2, hypot, and the
degree/radian conversions. (sin, cos and tanh live in unary.py with the other basics.)

All are float-valued: integer and bool inputs are computed in the default float dtype,
as torch does. The derivatives are written the way torch's derivatives.yaml writes them,
so the values at the edges (inf at asin(1), 0 for atan2 at the origin) match.
"""
from __future__ import annotations

import math

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import promote, require_tensor
from .registry import public
from .unary import Unary, _float, result


class NoInplaceGrad(Unary):
    """A unary op whose in-place form torch can't differentiate (asinh_, acosh_, atanh_:
    their derivative needs x, which the in-place write destroyed): backward raises.
    A subclass writes its Tensor formula as `graph(x, g)`."""

    def became_inplace(self, out):
        self.in_place = True
        return False

    @classmethod
    def backward(cls, ctx, grad):
        if getattr(ctx, "in_place", False):
            raise NotImplementedError(f"the derivative for 'inplace version of "
                                      f"{cls.__name__.lower()}' is not implemented.")
        return super().backward(ctx, grad)

    @classmethod
    def backward_graph(cls, ctx, grad, x):
        if getattr(ctx, "in_place", False):
            cls.backward(ctx, grad._data)  # raises torch's in-place error
        return cls.graph(x, grad)


class Tan(Unary):
    """out = tan x;  d/dx = 1 + out**2."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.tan(x))
    grad_fn = staticmethod(lambda xp, out, g: g * (1 + out * out))
    backward_graph = staticmethod(lambda ctx, g: g * (1 + result(ctx) ** 2))


class Asin(Unary):
    """out = asin x;  d/dx = 1/sqrt(1 - x**2) (inf at +-1)."""
    fn = staticmethod(lambda xp, x: xp.arcsin(x))
    grad_fn = staticmethod(lambda xp, x, g: g / xp.sqrt(1 - x * x))
    backward_graph = staticmethod(lambda ctx, g, x: g / (1 - x * x).sqrt())


class Acos(Unary):
    """out = acos x;  d/dx = -1/sqrt(1 - x**2)."""
    fn = staticmethod(lambda xp, x: xp.arccos(x))
    grad_fn = staticmethod(lambda xp, x, g: -g / xp.sqrt(1 - x * x))
    backward_graph = staticmethod(lambda ctx, g, x: -g / (1 - x * x).sqrt())


class Atan(Unary):
    """out = atan x;  d/dx = 1/(1 + x**2)."""
    fn = staticmethod(lambda xp, x: xp.arctan(x))
    grad_fn = staticmethod(lambda xp, x, g: g / (x * x + 1))
    backward_graph = staticmethod(lambda ctx, g, x: g / (x * x + 1))


class Sinh(Unary):
    """out = sinh x;  d/dx = cosh x."""
    fn = staticmethod(lambda xp, x: xp.sinh(x))
    grad_fn = staticmethod(lambda xp, x, g: g * xp.cosh(x))
    backward_graph = staticmethod(lambda ctx, g, x: g * x.cosh())


class Cosh(Unary):
    """out = cosh x;  d/dx = sinh x."""
    fn = staticmethod(lambda xp, x: xp.cosh(x))
    grad_fn = staticmethod(lambda xp, x, g: g * xp.sinh(x))
    backward_graph = staticmethod(lambda ctx, g, x: g * x.sinh())


class Asinh(NoInplaceGrad):
    """out = asinh x;  d/dx = 1/sqrt(x**2 + 1)."""
    fn = staticmethod(lambda xp, x: xp.arcsinh(x))
    grad_fn = staticmethod(lambda xp, x, g: g / xp.sqrt(x * x + 1))
    graph = staticmethod(lambda x, g: g * (x * x + 1).rsqrt())


class Acosh(NoInplaceGrad):
    """out = acosh x;  d/dx = 1/sqrt(x**2 - 1)."""
    fn = staticmethod(lambda xp, x: xp.arccosh(x))
    grad_fn = staticmethod(lambda xp, x, g: g / xp.sqrt(x * x - 1))
    # torch writes (x**2 - 1).rsqrt(), not ((x-1)(x+1)).rsqrt(): the same rounding near 1
    graph = staticmethod(lambda x, g: g * (x * x - 1).rsqrt())


class Atanh(NoInplaceGrad):
    """out = atanh x;  d/dx = 1/(1 - x**2)."""
    fn = staticmethod(lambda xp, x: xp.arctanh(x))
    grad_fn = staticmethod(lambda xp, x, g: g / (1 - x * x))
    graph = staticmethod(lambda x, g: g / (1 - x * x))


_DEG = math.pi / 180


class Deg2Rad(Unary):
    """out = x * pi/180."""
    saves = None
    fn = staticmethod(lambda xp, x: x * _DEG)
    grad_fn = staticmethod(lambda xp, _, g: g * _DEG)
    backward_graph = staticmethod(lambda ctx, g, x: g * _DEG)


class Rad2Deg(Unary):
    """out = x * 180/pi."""
    saves = None
    fn = staticmethod(lambda xp, x: x * (1 / _DEG))
    grad_fn = staticmethod(lambda xp, _, g: g * (1 / _DEG))
    backward_graph = staticmethod(lambda ctx, g, x: g * (1 / _DEG))


# the public functions: integers are first cast to the default float dtype, as in torch
@public(method=True, inplace=True)
def tan(input):
    """Tangent, elementwise."""
    return Tan.apply(_float(input))


@public(method=True, inplace=True, aliases=("arcsin",))
def asin(input):
    """Arcsine, elementwise."""
    return Asin.apply(_float(input))


@public(method=True, inplace=True, aliases=("arccos",))
def acos(input):
    """Arccosine, elementwise."""
    return Acos.apply(_float(input))


@public(method=True, inplace=True, aliases=("arctan",))
def atan(input):
    """Arctangent, elementwise."""
    return Atan.apply(_float(input))


@public(method=True, inplace=True)
def sinh(input):
    """Hyperbolic sine, elementwise."""
    return Sinh.apply(_float(input))


@public(method=True, inplace=True)
def cosh(input):
    """Hyperbolic cosine, elementwise."""
    return Cosh.apply(_float(input))


@public(method=True, inplace=True, aliases=("arcsinh",))
def asinh(input):
    """Inverse hyperbolic sine, elementwise."""
    return Asinh.apply(_float(input))


@public(method=True, inplace=True, aliases=("arccosh",))
def acosh(input):
    """Inverse hyperbolic cosine, elementwise."""
    return Acosh.apply(_float(input))


@public(method=True, inplace=True, aliases=("arctanh",))
def atanh(input):
    """Inverse hyperbolic tangent, elementwise."""
    return Atanh.apply(_float(input))


@public(method=True, inplace=True)
def deg2rad(input):
    """Degrees to radians, elementwise."""
    return Deg2Rad.apply(_float(input))


@public(method=True, inplace=True)
def rad2deg(input):
    """Radians to degrees, elementwise."""
    return Rad2Deg.apply(_float(input))


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


class Atan2(Op):
    """out = atan2(a, b), the angle of the point (b, a);
    d/da = b / (a**2 + b**2),  d/db = -a / (a**2 + b**2).
    NOTE: at the origin the gradient is 0, not NaN: torch zeroes 1/(a**2 + b**2) where it
    is infinite."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return backend.array_module(a).arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        with backend.ignore_float_errors(xp):
            scale = 1 / (a * a + b * b)
        scale = xp.where(xp.isinf(scale), 0, scale).astype(scale.dtype, copy=False)
        return grad * b * scale, grad * -a * scale

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        squares = a * a + b * b
        scale = squares.reciprocal().where(squares != 0, 0.0)  # 0 at the origin, as above
        return grad * b * scale, grad * -a * scale


class Hypot(Op):
    """out = sqrt(a**2 + b**2) without overflow;  d/da = a / out,  d/db = b / out
    (NaN at the origin, 0/0, as in torch)."""

    @staticmethod
    def forward(ctx, a, b):
        out = backend.array_module(a).hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        with backend.ignore_float_errors(backend.array_module(grad)):
            return grad * a / out, grad * b / out

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        out = ctx.output_tensor(ctx.saved_tensors[2])  # torch's formula uses `result` too
        return grad * a / out, grad * b / out


@public(method=True, inplace=True, aliases=("arctan2",))
def atan2(input, other):
    """The angle of the point (other, input), elementwise."""
    require_tensor("atan2", input, "input", 1)
    require_tensor("atan2", other, "other", 2)
    (a, b), _ = promote(input, other, to_float=True)
    return Atan2.apply(a, b)


arctan2 = atan2


@public(method=True, inplace=True)
def hypot(input, other):
    """sqrt(input**2 + other**2) without overflow, elementwise."""
    require_tensor("hypot", input, "input", 1)
    require_tensor("hypot", other, "other", 2)
    (a, b), dt = promote(input, other)
    dtypes.require_kernel("hypot_cpu", a, lambda d: d.is_floating_point)
    return Hypot.apply(a, b)
