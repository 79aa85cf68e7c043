"""Unary math x -> f(x): exp, log, sqrt, sin, cos, rounding, abs, and the activations relu,
sigmoid and tanh (the other activations are in nn_ops.py; more math in trig.py, special.py
and rounding.py).

Each op is a class named as torch's graph node (`Exp` shows as `ExpBackward0`) holding its
forward `fn`, its derivative `grad_fn` and, for higher derivatives, `backward_graph`; the
public function under it carries `@public`, which makes it minitorch.exp and Tensor.exp
(ops/registry.py; docs/adding_an_op.md walks through adding one).
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import cast
from .registry import public


class Unary(Op):
    """Base for x -> f(x). A subclass gives

    - `fn(xp, x)`: the forward on an array (xp is numpy or cupy);
    - `saves`: what backward needs, "x" (the input), "out" (the output) or None;
    - `grad_fn(xp, saved, grad)`: grad * f'(x), from the saved array;
    - `backward_graph(ctx, grad, x)`: the same derivative with Tensor ops on the input x,
      which the engine records under create_graph=True (a second derivative).

    Ops whose derivative is a function of the output (exp, sqrt, tanh, sigmoid, relu)
    save only the output, as torch does: changing the input in place afterwards is then
    no error, and `x.relu_()` etc. can be differentiated (the input's values are gone).
    Their `backward_graph(ctx, grad)` is written on the output too, `result(ctx)`, so the
    graph does not keep their input alive either.
    """

    saves = "x"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.graph_uses_inputs = cls.saves != "out"

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


def result(ctx):
    """The op's saved output as a Tensor wired to its node, for a double-backward formula
    (torch's `result`): its own derivative then flows back through this node."""
    return ctx.output_tensor(ctx.saved_tensors[0])


class PiecewiseConstant(Unary):
    """Base for sign and the rounding ops: steps, so torch's gradient is 0 everywhere."""

    saves = None
    grad_fn = staticmethod(lambda xp, _, g: xp.zeros_like(g))
    backward_graph = staticmethod(lambda ctx, g, x: g * 0)


class Neg(Unary):
    """out = -x;  d/dx = -1."""
    saves = None
    fn = staticmethod(lambda xp, x: -x)
    grad_fn = staticmethod(lambda xp, _, g: -g)
    backward_graph = staticmethod(lambda ctx, g, x: -g)


class Exp(Unary):
    """out = e**x;  d/dx = out (the saved output is reused)."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.exp(x))
    grad_fn = staticmethod(lambda xp, out, g: g * out)
    backward_graph = staticmethod(lambda ctx, g: g * result(ctx))


class Log(Unary):
    """out = ln x;  d/dx = 1/x."""
    fn = staticmethod(lambda xp, x: xp.log(x))
    grad_fn = staticmethod(lambda xp, x, g: g / x)
    backward_graph = staticmethod(lambda ctx, g, x: g / x)


_LN2 = 0.6931471805599453


class Log2(Unary):
    """out = log2 x;  d/dx = 1/(x ln 2)."""
    fn = staticmethod(lambda xp, x: xp.log2(x))
    grad_fn = staticmethod(lambda xp, x, g: g / (x * _LN2))
    backward_graph = staticmethod(lambda ctx, g, x: g / (x * _LN2))


class Log1P(Unary):  # torch's node is Log1PBackward0
    """out = ln(1 + x), accurate for small x;  d/dx = 1/(1+x)."""
    fn = staticmethod(lambda xp, x: xp.log1p(x))
    grad_fn = staticmethod(lambda xp, x, g: g / (1 + x))
    backward_graph = staticmethod(lambda ctx, g, x: g / (1 + x))


class Sqrt(Unary):
    """out = sqrt(x);  d/dx = 1/(2 out)."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.sqrt(x))
    grad_fn = staticmethod(lambda xp, out, g: g / (2 * out))
    backward_graph = staticmethod(lambda ctx, g: g / (2 * result(ctx)))


class Rsqrt(Unary):
    """out = 1/sqrt(x);  d/dx = -out**3 / 2."""
    saves = "out"
    fn = staticmethod(lambda xp, x: 1 / xp.sqrt(x))
    grad_fn = staticmethod(lambda xp, out, g: -0.5 * g * out * out * out)
    backward_graph = staticmethod(lambda ctx, g: -0.5 * g * result(ctx) ** 3)


class Square(Unary):
    """out = x*x;  d/dx = 2x."""
    fn = staticmethod(lambda xp, x: x * x)
    grad_fn = staticmethod(lambda xp, x, g: 2 * g * x)
    backward_graph = staticmethod(lambda ctx, g, x: 2 * g * x)

    @classmethod
    def name(cls):
        return "PowBackward0"  # torch computes square as pow(x, 2)


class Reciprocal(Unary):
    """out = 1/x;  d/dx = -out**2."""
    saves = "out"
    fn = staticmethod(lambda xp, x: 1 / x)
    grad_fn = staticmethod(lambda xp, out, g: -g * out * out)
    backward_graph = staticmethod(lambda ctx, g: -g * result(ctx) ** 2)


class Abs(Unary):
    """out = |x|;  d/dx = sign(x), 0 at 0."""
    # NOTE: torch defines abs'(0) = 0 (the sign function), so the gradient at 0 vanishes.
    fn = staticmethod(lambda xp, x: xp.abs(x))
    grad_fn = staticmethod(lambda xp, x, g: g * xp.sign(x))
    backward_graph = staticmethod(lambda ctx, g, x: g * x.sign())


class Sign(PiecewiseConstant):
    """out = sign(x) (-1, 0 or 1);  gradient 0 everywhere."""
    fn = staticmethod(lambda xp, x: xp.sign(x))


class Floor(PiecewiseConstant):
    """out = floor(x);  gradient 0 everywhere."""
    fn = staticmethod(lambda xp, x: xp.floor(x))


class Ceil(PiecewiseConstant):
    """out = ceil(x);  gradient 0 everywhere."""
    fn = staticmethod(lambda xp, x: xp.ceil(x))


class Round(PiecewiseConstant):
    """out = round(x), halves to even (torch and NumPy agree);  gradient 0 everywhere."""
    fn = staticmethod(lambda xp, x: xp.round(x))


class Sin(Unary):
    """out = sin x;  d/dx = cos x."""
    fn = staticmethod(lambda xp, x: xp.sin(x))
    grad_fn = staticmethod(lambda xp, x, g: g * xp.cos(x))
    backward_graph = staticmethod(lambda ctx, g, x: g * x.cos())


class Cos(Unary):
    """out = cos x;  d/dx = -sin x."""
    fn = staticmethod(lambda xp, x: xp.cos(x))
    grad_fn = staticmethod(lambda xp, x, g: -g * xp.sin(x))
    backward_graph = staticmethod(lambda ctx, g, x: -g * x.sin())


class Tanh(Unary):
    """out = tanh x;  d/dx = 1 - out**2."""
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.tanh(x))
    grad_fn = staticmethod(lambda xp, out, g: g * (1 - out * out))
    backward_graph = staticmethod(lambda ctx, g: g * (1 - result(ctx) ** 2))


def _sigmoid(xp, x):
    # exp(-|x|) never overflows; both branches are exact (no 1 - tiny cancellation)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Sigmoid(Unary):
    """out = 1/(1+e**-x), computed stably;  d/dx = out (1 - out)."""
    saves = "out"
    fn = staticmethod(_sigmoid)
    grad_fn = staticmethod(lambda xp, out, g: g * out * (1 - out))
    backward_graph = staticmethod(lambda ctx, g: g * result(ctx) * (1 - result(ctx)))


def _passes(out):
    """Where ReLU's gradient passes: not out <= 0 (torch's threshold_backward), so 0 at 0
    and the full gradient where x is NaN (`out > 0` would block NaN)."""
    return ~(out <= 0)


class Relu(Unary):
    """out = max(x, 0);  d/dx = 1 where out > 0, else 0 (also at 0; 1 at NaN, as torch)."""
    # NOTE: out > 0 exactly where x > 0, so the output suffices.
    saves = "out"
    fn = staticmethod(lambda xp, x: xp.maximum(x, 0))
    grad_fn = staticmethod(lambda xp, out, g: g * _passes(out))
    backward_graph = staticmethod(lambda ctx, g: ThresholdBackward.apply(g, result(ctx)))


class ThresholdBackward(Op):
    """ReLU's backward as an op of its own, for create_graph=True (torch records it as
    `ThresholdBackwardBackward0`): grad * mask(out);  d/dgrad = mask,  d/dout = 0 (a step
    function). Recording the zero derivative with respect to out keeps torch's rule that
    the gradient requires grad whenever the output does."""

    @staticmethod
    def forward(ctx, grad, out):
        ctx.mask = _passes(out)
        return grad * ctx.mask

    @staticmethod
    def backward(ctx, g):
        xp = backend.array_module(g)
        return g * ctx.mask, xp.zeros(ctx.mask.shape, dtype=g.dtype)

    @staticmethod
    def backward_graph(ctx, g, grad, out):
        return ThresholdBackward.apply(g, out), out.new_zeros(out.shape)


# ---- the public functions (minitorch.exp, Tensor.exp, Tensor.exp_ via @public) --------------
def _float(input):
    """Float math on integers: torch first casts them to the default float dtype."""
    if not input.dtype.is_floating_point:
        return cast(input, dtypes.get_default_dtype())
    return input


@public(method=True, inplace=True)
def exp(input):
    """e**x, elementwise (integers are first cast to the default float dtype)."""
    return Exp.apply(_float(input))


@public(method=True)
def log(input):
    """Natural logarithm, elementwise (integers are first cast to the default float)."""
    return Log.apply(_float(input))


@public(method=True)
def log2(input):
    """Base-2 logarithm, elementwise (integers are first cast to the default float)."""
    return Log2.apply(_float(input))


@public(method=True)
def log1p(input):
    """ln(1 + x), accurate for small x (integers are first cast to the default float)."""
    return Log1P.apply(_float(input))


@public(method=True, inplace=True)
def sqrt(input):
    """Square root, elementwise (integers are first cast to the default float)."""
    return Sqrt.apply(_float(input))


@public(method=True)
def rsqrt(input):
    """1/sqrt(x), elementwise (integers are first cast to the default float)."""
    return Rsqrt.apply(_float(input))


@public(method=True)
def reciprocal(input):
    """1/x, elementwise (integers are first cast to the default float)."""
    return Reciprocal.apply(_float(input))


@public(method=True)
def sin(input):
    """Sine, elementwise (integers are first cast to the default float)."""
    return Sin.apply(_float(input))


@public(method=True)
def cos(input):
    """Cosine, elementwise (integers are first cast to the default float)."""
    return Cos.apply(_float(input))


@public(method=True, inplace=True)
def tanh(input):
    """Hyperbolic tangent, elementwise (integers are first cast to the default float)."""
    return Tanh.apply(_float(input))


@public(method=True, inplace=True)
def sigmoid(input):
    """1/(1 + e**-x), elementwise (integers are first cast to the default float)."""
    return Sigmoid.apply(_float(input))


# the ops below keep the input's dtype: integers stay integers, as in torch
@public(method=True, inplace=True, aliases=("negative",))
def neg(input):
    """-x, elementwise."""
    return Neg.apply(input)


@public(method=True, inplace=True)
def abs(input):
    """|x|, elementwise (not defined for bool, as in torch)."""
    if input.dtype is dtypes.bool:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return Abs.apply(input)


@public(method=True)
def sign(input):
    """-1, 0 or 1 by the sign of x."""
    return Sign.apply(input)


@public(method=True, inplace=True)
def square(input):
    """x * x, elementwise."""
    return Square.apply(input)


@public(method=True)
def floor(input):
    """The largest whole number <= x."""
    return Floor.apply(input)


@public(method=True)
def ceil(input):
    """The smallest whole number >= x."""
    return Ceil.apply(input)


@public(method=True)
def round(input):
    """x rounded to the nearest whole number, halves to even."""
    return Round.apply(input)


@public(method=True, inplace=True)
def relu(input):
    """max(x, 0), elementwise."""
    return Relu.apply(input)


negative = neg
