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
from .unary import Unary, _float_unary, _unary


class NoInplaceGrad(Unary):
    """A unary op whose in-place form torch can't differentiate (asinh_, acosh_, atanh_:
    their derivative needs x, which the in-place write destroyed): backward raises."""

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
        return (cls.graph(x, grad),)


# grad_fn(xp, saved, g): `saved` is x for saves="x", out for saves="out"
Tan = _unary("Tan", lambda xp, x: xp.tan(x), lambda xp, y, g: g * (1 + y * y),
             "out = tan x;  d/dx = 1 + out**2", "out",
             graph=lambda x, g: g * (1 + x.tan() ** 2))
Asin = _unary("Asin", lambda xp, x: xp.arcsin(x), lambda xp, x, g: g / xp.sqrt(1 - x * x),
              "out = asin x;  d/dx = 1/sqrt(1 - x**2) (inf at +-1)", "x",
              graph=lambda x, g: g / (1 - x * x).sqrt())
Acos = _unary("Acos", lambda xp, x: xp.arccos(x), lambda xp, x, g: -g / xp.sqrt(1 - x * x),
              "out = acos x;  d/dx = -1/sqrt(1 - x**2)", "x",
              graph=lambda x, g: -g / (1 - x * x).sqrt())
Atan = _unary("Atan", lambda xp, x: xp.arctan(x), lambda xp, x, g: g / (x * x + 1),
              "out = atan x;  d/dx = 1/(1 + x**2)", "x",
              graph=lambda x, g: g / (x * x + 1))
Sinh = _unary("Sinh", lambda xp, x: xp.sinh(x), lambda xp, x, g: g * xp.cosh(x),
              "out = sinh x;  d/dx = cosh x", "x",
              graph=lambda x, g: g * x.cosh())
Cosh = _unary("Cosh", lambda xp, x: xp.cosh(x), lambda xp, x, g: g * xp.sinh(x),
              "out = cosh x;  d/dx = sinh x", "x",
              graph=lambda x, g: g * x.sinh())
Asinh = _unary("Asinh", lambda xp, x: xp.arcsinh(x), lambda xp, x, g: g / xp.sqrt(x * x + 1),
               "out = asinh x;  d/dx = 1/sqrt(x**2 + 1)", "x", NoInplaceGrad)
Asinh.graph = staticmethod(lambda x, g: g * (x * x + 1).rsqrt())
# torch writes (x**2 - 1).rsqrt(), not ((x-1)(x+1)).rsqrt(): the same rounding near 1
Acosh = _unary("Acosh", lambda xp, x: xp.arccosh(x), lambda xp, x, g: g / xp.sqrt(x * x - 1),
               "out = acosh x;  d/dx = 1/sqrt(x**2 - 1)", "x", NoInplaceGrad)
Acosh.graph = staticmethod(lambda x, g: g * (x * x - 1).rsqrt())
Atanh = _unary("Atanh", lambda xp, x: xp.arctanh(x), lambda xp, x, g: g / (1 - x * x),
               "out = atanh x;  d/dx = 1/(1 - x**2)", "x", NoInplaceGrad)
Atanh.graph = staticmethod(lambda x, g: g / (1 - x * x))
_DEG = math.pi / 180
Deg2rad = _unary("Deg2rad", lambda xp, x: x * _DEG, lambda xp, _, g: g * _DEG,
                 "out = x * pi/180", None,
                 graph=lambda x, g: g * _DEG)
Rad2deg = _unary("Rad2deg", lambda xp, x: x * (1 / _DEG), lambda xp, _, g: g * (1 / _DEG),
                 "out = x * 180/pi", None,
                 graph=lambda x, g: g * (1 / _DEG))

tan, asin, acos, atan = (_float_unary(o) for o in (Tan, Asin, Acos, Atan))
sinh, cosh, asinh, acosh, atanh = (_float_unary(o) for o in (Sinh, Cosh, Asinh, Acosh, Atanh))
deg2rad, rad2deg = _float_unary(Deg2rad), _float_unary(Rad2deg)
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


def atan2(input, other):
    require_tensor("atan2", input, "input", 1)
    require_tensor("atan2", other, "other", 2)
    (a, b), _ = promote(input, other, to_float=True)
    return Atan2.apply(a, b)


arctan2 = atan2


def hypot(input, other):
    require_tensor("hypot", input, "input", 1)
    require_tensor("hypot", other, "other", 2)
    (a, b), dt = promote(input, other)
    dtypes.require_kernel("hypot_cpu", a, lambda d: d.is_floating_point)
    return Hypot.apply(a, b)
