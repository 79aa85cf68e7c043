"""Unary math x -> f(x): exp, log, sqrt, trig, rounding, and the activations relu,
sigmoid and tanh (the other activations are in nn_ops.py)."""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import cast


class Unary(Op):
    """Base for x -> f(x): subclasses give `fn(xp, x)` and `grad_fn(xp, x, out, grad)`."""

    save_input = True

    @classmethod
    def forward(cls, ctx, x):
        xp = backend.array_module(x)
        out = cls.fn(xp, x)
        ctx.save_for_backward(x, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        x, out = ctx.saved_tensors
        return (cls.grad_fn(backend.array_module(grad), x, out, grad),)


def _unary(name, fn, grad_fn, doc):
    return type(name, (Unary,), {"fn": staticmethod(fn), "grad_fn": staticmethod(grad_fn),
                                 "__doc__": doc})


Neg = _unary("Neg", lambda xp, x: -x, lambda xp, x, y, g: -g, "out = -x")
Exp = _unary("Exp", lambda xp, x: xp.exp(x), lambda xp, x, y, g: g * y,
             "out = e**x;  d/dx = out (the saved output is reused)")
Log = _unary("Log", lambda xp, x: xp.log(x), lambda xp, x, y, g: g / x, "out = ln x;  d/dx = 1/x")
Log2 = _unary("Log2", lambda xp, x: xp.log2(x),
              lambda xp, x, y, g: g / (x * 0.6931471805599453), "out = log2 x")
Log1p = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda xp, x, y, g: g / (1 + x),
               "out = ln(1 + x), accurate for small x;  d/dx = 1/(1+x)")
Sqrt = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda xp, x, y, g: g / (2 * y),
              "out = sqrt(x);  d/dx = 1/(2 out)")
Rsqrt = _unary("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda xp, x, y, g: -0.5 * g * y * y * y,
               "out = 1/sqrt(x);  d/dx = -out**3 / 2")
Square = _unary("Square", lambda xp, x: x * x, lambda xp, x, y, g: 2 * g * x, "out = x*x")
Reciprocal = _unary("Reciprocal", lambda xp, x: 1 / x, lambda xp, x, y, g: -g * y * y,
                    "out = 1/x;  d/dx = -out**2")
# NOTE: torch defines abs'(0) = 0 (the sign function), so the gradient at 0 vanishes.
Abs = _unary("Abs", lambda xp, x: xp.abs(x), lambda xp, x, y, g: g * xp.sign(x),
             "out = |x|;  d/dx = sign(x), 0 at 0")
Sign = _unary("Sign", lambda xp, x: xp.sign(x), lambda xp, x, y, g: g * 0,
              "out = sign(x);  gradient 0 everywhere")
Floor = _unary("Floor", lambda xp, x: xp.floor(x), lambda xp, x, y, g: g * 0, "out = floor(x)")
Ceil = _unary("Ceil", lambda xp, x: xp.ceil(x), lambda xp, x, y, g: g * 0, "out = ceil(x)")
# torch rounds half to even, like NumPy
Round = _unary("Round", lambda xp, x: xp.round(x), lambda xp, x, y, g: g * 0, "out = round(x)")
Sin = _unary("Sin", lambda xp, x: xp.sin(x), lambda xp, x, y, g: g * xp.cos(x), "out = sin x")
Cos = _unary("Cos", lambda xp, x: xp.cos(x), lambda xp, x, y, g: -g * xp.sin(x), "out = cos x")
Tanh = _unary("Tanh", lambda xp, x: xp.tanh(x), lambda xp, x, y, g: g * (1 - y * y),
              "out = tanh x;  d/dx = 1 - out**2")


def _sigmoid(xp, x):
    # exp(-|x|) never overflows; both branches are exact (no 1 - tiny cancellation)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


Sigmoid = _unary("Sigmoid", _sigmoid, lambda xp, x, y, g: g * y * (1 - y),
                 "out = 1/(1+e**-x), computed stably;  d/dx = out (1 - out)")
# NOTE: relu'(0) = 0, as in torch.
Relu = _unary("Relu", lambda xp, x: xp.maximum(x, 0), lambda xp, x, y, g: g * (y > 0),
              "out = max(x, 0);  d/dx = 1 where out > 0, else 0 (also at 0)")


# ---- the tensor-level functions (minitorch.exp, Tensor.exp, ...) ------------------------------
def _float_unary(op):
    """Unary float math: integer inputs are first cast to the default float (torch)."""

    def fn(input):
        if not input.dtype.is_floating_point:
            input = cast(input, dtypes.get_default_dtype())
        return op.apply(input)

    fn.__name__ = op.__name__.lower()
    fn.__doc__ = op.__doc__
    return fn


exp, log, log2, log1p = (_float_unary(o) for o in (Exp, Log, Log2, Log1p))
sqrt, rsqrt, reciprocal = (_float_unary(o) for o in (Sqrt, Rsqrt, Reciprocal))
sin, cos, tanh, sigmoid = (_float_unary(o) for o in (Sin, Cos, Tanh, Sigmoid))


def _same_dtype_unary(op):
    def fn(input):
        return op.apply(input)

    fn.__name__ = op.__name__.lower()
    fn.__doc__ = op.__doc__
    return fn


neg, abs, sign, square = (_same_dtype_unary(o) for o in (Neg, Abs, Sign, Square))
floor, ceil, round, relu = (_same_dtype_unary(o) for o in (Floor, Ceil, Round, Relu))
negative = neg
