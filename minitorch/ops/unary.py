"""Unary math x -> f(x): exp, log, sqrt, trig, rounding, and the activations relu,
sigmoid and tanh (the other activations are in nn_ops.py)."""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import cast


class Unary(Op):
    """Base for x -> f(x): subclasses give `fn(xp, x)`, `grad_fn(xp, saved, grad)` and
    `saves`, what backward needs: "x" (the input), "out" or None (nothing).

    Ops whose derivative is a function of the output (exp, sqrt, tanh, sigmoid, relu)
    save only the output, as torch does: changing the input in place afterwards is then
    no error, and `x.relu_()` etc. can be differentiated (the input's values are gone).
    """

    saves = "x"

    @classmethod
    def forward(cls, ctx, x):
        out = cls.fn(backend.array_module(x), x)
        if cls.saves is not None:
            ctx.save_for_backward(x if cls.saves == "x" else out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        saved = ctx.saved_tensors[0] if cls.saves is not None else None
        return (cls.grad_fn(backend.array_module(grad), saved, grad),)


def _unary(name, fn, grad_fn, doc, saves, base=Unary, graph=None):
    """`graph(x, g)`, when given, is grad_fn again on Tensors: the formula create_graph=True
    records (it may recompute the output from x; it runs only for higher derivatives)."""
    body = {"fn": staticmethod(fn), "grad_fn": staticmethod(grad_fn), "saves": saves,
            "__doc__": doc}
    if graph is not None:
        body["backward_graph"] = staticmethod(lambda ctx, grad, x: (graph(x, grad),))
    return type(name, (base,), body)


def _zero_grad(xp, saved, g):
    return xp.zeros_like(g)  # piecewise constant: torch's gradient is 0 everywhere


def _zero_graph(x, g):
    return g * 0


# grad_fn(xp, saved, g): `saved` is x for saves="x", out for saves="out"
Neg = _unary("Neg", lambda xp, x: -x, lambda xp, _, g: -g, "out = -x", None,
             graph=lambda x, g: -g)
Exp = _unary("Exp", lambda xp, x: xp.exp(x), lambda xp, y, g: g * y,
             "out = e**x;  d/dx = out (the saved output is reused)", "out",
             graph=lambda x, g: g * x.exp())
Log = _unary("Log", lambda xp, x: xp.log(x), lambda xp, x, g: g / x,
             "out = ln x;  d/dx = 1/x", "x",
             graph=lambda x, g: g / x)
Log2 = _unary("Log2", lambda xp, x: xp.log2(x), lambda xp, x, g: g / (x * 0.6931471805599453),
              "out = log2 x;  d/dx = 1/(x ln 2)", "x",
              graph=lambda x, g: g / (x * 0.6931471805599453))
Log1p = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda xp, x, g: g / (1 + x),
               "out = ln(1 + x), accurate for small x;  d/dx = 1/(1+x)", "x",
               graph=lambda x, g: g / (1 + x))
Sqrt = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda xp, y, g: g / (2 * y),
              "out = sqrt(x);  d/dx = 1/(2 out)", "out",
              graph=lambda x, g: g / (2 * x.sqrt()))
Rsqrt = _unary("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda xp, y, g: -0.5 * g * y * y * y,
               "out = 1/sqrt(x);  d/dx = -out**3 / 2", "out",
               graph=lambda x, g: -0.5 * g * x.rsqrt() ** 3)
Square = _unary("Square", lambda xp, x: x * x, lambda xp, x, g: 2 * g * x, "out = x*x", "x",
                graph=lambda x, g: 2 * g * x)
Reciprocal = _unary("Reciprocal", lambda xp, x: 1 / x, lambda xp, y, g: -g * y * y,
                    "out = 1/x;  d/dx = -out**2", "out",
                    graph=lambda x, g: -g / (x * x))
# NOTE: torch defines abs'(0) = 0 (the sign function), so the gradient at 0 vanishes.
Abs = _unary("Abs", lambda xp, x: xp.abs(x), lambda xp, x, g: g * xp.sign(x),
             "out = |x|;  d/dx = sign(x), 0 at 0", "x",
             graph=lambda x, g: g * x.sign())
Sign = _unary("Sign", lambda xp, x: xp.sign(x), _zero_grad,
              "out = sign(x);  gradient 0 everywhere", None,
              graph=_zero_graph)
Floor = _unary("Floor", lambda xp, x: xp.floor(x), _zero_grad, "out = floor(x)", None,
               graph=_zero_graph)
Ceil = _unary("Ceil", lambda xp, x: xp.ceil(x), _zero_grad, "out = ceil(x)", None,
              graph=_zero_graph)
# torch rounds half to even, like NumPy
Round = _unary("Round", lambda xp, x: xp.round(x), _zero_grad, "out = round(x)", None,
               graph=_zero_graph)
Sin = _unary("Sin", lambda xp, x: xp.sin(x), lambda xp, x, g: g * xp.cos(x), "out = sin x", "x",
             graph=lambda x, g: g * x.cos())
Cos = _unary("Cos", lambda xp, x: xp.cos(x), lambda xp, x, g: -g * xp.sin(x), "out = cos x", "x",
             graph=lambda x, g: -g * x.sin())
Tanh = _unary("Tanh", lambda xp, x: xp.tanh(x), lambda xp, y, g: g * (1 - y * y),
              "out = tanh x;  d/dx = 1 - out**2", "out",
              graph=lambda x, g: g * (1 - x.tanh() ** 2))


def _sigmoid(xp, x):
    # exp(-|x|) never overflows; both branches are exact (no 1 - tiny cancellation)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


Sigmoid = _unary("Sigmoid", _sigmoid, lambda xp, y, g: g * y * (1 - y),
                 "out = 1/(1+e**-x), computed stably;  d/dx = out (1 - out)", "out",
                 graph=lambda x, g: g * x.sigmoid() * (1 - x.sigmoid()))
# NOTE: relu'(0) = 0, as in torch; out > 0 exactly where x > 0, so the output suffices.
Relu = _unary("Relu", lambda xp, x: xp.maximum(x, 0), lambda xp, y, g: g * (y > 0),
              "out = max(x, 0);  d/dx = 1 where out > 0, else 0 (also at 0)", "out",
              graph=lambda x, g: g * (x > 0))


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
