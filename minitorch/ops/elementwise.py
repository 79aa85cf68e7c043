"""Elementwise ops: arithmetic, unary math, comparisons, casts and device moves.

Binary ops follow torch's type promotion (`dtypes.result_type`); the operands are cast
to the result dtype *before* the Op runs, so each Op sees arrays of one dtype and
Python scalars (which NumPy/CuPy treat as "weak", exactly like torch).
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op


# ---- promotion helpers --------------------------------------------------------------------
def _is_tensor(x):
    return hasattr(x, "_data")


def promote(*operands, to_float=False, broadcast=True):
    """Cast Tensor operands to their common dtype; Python scalars stay scalars.
    With `broadcast` (elementwise ops), shapes that don't broadcast raise torch's error."""
    if broadcast:
        _check_broadcast(operands)
    fast = _fast_common_dtype(operands)
    if fast is not None and (fast.kind == "f" or not to_float):
        return list(operands), dtypes.from_numpy_dtype(fast)
    dt = dtypes.result_type(*operands)
    if to_float and not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    out = []
    for x in operands:
        if _is_tensor(x):
            out.append(x if x._data.dtype == dt.np else cast(x, dt))
        elif isinstance(x, (int, float, bool)) or x is None:
            out.append(x)
        else:
            raise TypeError(f"unsupported operand type {type(x).__name__}; expected a Tensor "
                            "or a Python number")
    return out, dt


def _check_broadcast(operands):
    """Raise torch's error (not NumPy's ValueError) when tensor shapes don't broadcast."""
    shapes = [x._data.shape for x in operands if _is_tensor(x)]
    if len(shapes) < 2 or all(s == shapes[0] for s in shapes):
        return
    ndim = max(len(s) for s in shapes)
    for back in range(1, ndim + 1):
        sizes = [s[-back] for s in shapes if len(s) >= back and s[-back] != 1]
        if any(n != sizes[0] for n in sizes):
            other = next(n for n in sizes if n != sizes[0])
            raise RuntimeError(
                f"The size of tensor a ({sizes[0]}) must match the size of tensor b ({other}) "
                f"at non-singleton dimension {ndim - back}")


def _fast_common_dtype(operands):
    """The common NumPy dtype when promotion is trivially a no-op, else None.

    The hot path of training: tensors of one dtype, maybe with Python scalars of the same
    or a lower category (a float tensor with a Python int or float, an int tensor with an
    int). Anything else goes through the full `dtypes.result_type` rules.
    """
    common = None
    for x in operands:
        if _is_tensor(x):
            d = x._data.dtype
            if common is None:
                common = d
            elif d != common:
                return None
    if common is None:
        return None
    for x in operands:
        if _is_tensor(x) or x is None or isinstance(x, bool):
            continue  # a bool scalar never raises a tensor's category
        if isinstance(x, int) and common.kind in "iuf":
            continue
        if isinstance(x, float) and common.kind == "f":
            continue
        return None
    return common


def _scalar_as_array(x, like):
    """A Python scalar, as a 0-d array of `like`'s dtype (for ops that need an array)."""
    if _is_tensor(x):
        return x
    from ..tensor import Tensor

    xp = backend.array_module(like._data)
    return Tensor._wrap(xp.asarray(x, dtype=like._data.dtype))


# ---- casts and moves -------------------------------------------------------------------------
class Cast(Op):
    """out = x.astype(dtype); the gradient is cast back (done by the engine)."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return (grad,)


def cast(x, dtype):
    return Cast.apply(x, dtypes.to_dtype(dtype))


class ToDevice(Op):
    """Copy to another device; the gradient travels back to where the input was."""

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = backend.device_of(x)
        return backend.move(x, device)

    @staticmethod
    def backward(ctx, grad):
        return (backend.move(grad, ctx.source),)


def to_device(x, device):
    return ToDevice.apply(x, device)


# ---- arithmetic ------------------------------------------------------------------------------
class Add(Op):
    """out = a + alpha * b;  d/da = grad,  d/db = alpha * grad."""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha)


class Sub(Op):
    """out = a - alpha * b;  d/da = grad,  d/db = -alpha * grad."""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad if ctx.alpha == 1 else grad * -ctx.alpha


class Mul(Op):
    """out = a * b;  d/da = grad * b,  d/db = grad * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """out = a / b;  d/da = grad / b,  d/db = -grad * a / b**2."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad / b if need_a else None
        grad_b = -grad * a / (b * b) if need_b else None
        return grad_a, grad_b


class RoundedDiv(Op):
    """Division with rounding ('trunc' or 'floor'): piecewise constant, so the gradient is 0."""

    @staticmethod
    def forward(ctx, a, b, mode):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        ctx.shapes = (getattr(a, "shape", ()), getattr(b, "shape", ()))
        if mode == "floor":
            return xp.floor_divide(a, b)
        q = xp.trunc(xp.true_divide(a, b))
        return q if q.dtype == xp.result_type(a, b) else q.astype(xp.result_type(a, b))

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        return xp.zeros_like(grad), xp.zeros_like(grad)


class Remainder(Op):
    """Python-style modulo (sign of the divisor); d/da = grad, d/db = -floor(a/b) * grad."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        ctx.save_for_backward(a, b)
        return xp.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        return grad, -grad * xp.floor_divide(a, b)


class Pow(Op):
    """out = a ** b;  d/da = b * a**(b-1),  d/db = out * log(a) (0 where a == 0 and b >= 0,
    the limit torch uses, so x**2 at x=0 gives no NaN)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        out = xp.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        with _quiet(xp):  # 0 ** negative = inf and log(0) are expected (torch gives them too)
            if need_a:
                if isinstance(b, (int, float)):
                    grad_a = grad * b * a ** (b - 1) if b != 0 else grad * 0
                else:
                    grad_a = grad * xp.where(b == 0, 0, b * xp.power(a, b - 1))
            if need_b:
                grad_b = grad * xp.where((a == 0) & (b >= 0), 0, out * xp.log(a))
        return grad_a, grad_b


def _quiet(xp):
    """Silence NumPy's divide/invalid warnings where inf/NaN are expected and masked."""
    import contextlib

    return xp.errstate(divide="ignore", invalid="ignore") if hasattr(xp, "errstate") \
        else contextlib.nullcontext()


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
        x, lo, hi = ctx.saved_tensors
        inside = True
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = inside & (x <= hi)
        need_lo, need_hi = ctx.needs_input_grad[1:3]
        grad_lo = grad_hi = None
        if need_lo:
            lo_wins = (x < lo) & (lo < hi) if hi is not None else x < lo
            grad_lo = grad * lo_wins
        if need_hi:
            hi_wins = (x > hi) | (hi < lo) if lo is not None else x > hi
            grad_hi = grad * hi_wins
        return grad * inside, grad_lo, grad_hi


class Lerp(Op):
    """out = a + w * (b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        return grad * (1 - w), grad * w, grad * (b - a)


# ---- unary math --------------------------------------------------------------------------------
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


# ---- the tensor-level functions (minitorch.add, Tensor.add, ...) --------------------------------
def add(input, other, *, alpha=1):
    (a, b), _ = promote(input, other)
    return Add.apply(a, b, alpha=alpha)


def _is_bool(x):
    return isinstance(x, bool) or (_is_tensor(x) and x.dtype is dtypes.bool)


def sub(input, other, *, alpha=1):
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    (a, b), dt = promote(input, other)
    return Sub.apply(a, b, alpha=alpha)


def _check_integer_division(b, dt, name):
    """torch raises for an integer division by zero (NumPy would warn and give 0)."""
    if dt is dtypes.bool:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    if dt.is_floating_point:
        return
    zero = (b == 0) if not _is_tensor(b) else bool((b._data == 0).any())
    if zero:
        raise RuntimeError("ZeroDivisionError")


def mul(input, other):
    (a, b), _ = promote(input, other)
    return Mul.apply(a, b)


def div(input, other, rounding_mode=None):
    if rounding_mode is None:
        (a, b), _ = promote(input, other, to_float=True)
        return Div.apply(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found '{rounding_mode}'")
    (a, b), dt = promote(input, other)
    _check_integer_division(b, dt, "div_" + rounding_mode)
    return RoundedDiv.apply(a, b, rounding_mode)


true_divide = divide = div


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


def remainder(input, other):
    (a, b), dt = promote(input, other)
    _check_integer_division(b, dt, "remainder")
    return Remainder.apply(a, b)


def pow(input, exponent):
    if not _is_tensor(input):  # scalar ** tensor
        input = _scalar_as_array(input, promote(exponent, input)[0][0])
    (a, b), dt = promote(input, exponent)
    if dt is dtypes.bool:
        if _is_tensor(b):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return cast(Pow.apply(cast(a, dtypes.int64), int(b)), dtypes.bool)  # x ** True
    return Pow.apply(a, b)


def maximum(input, other):
    (a, b), _ = promote(input, other)
    return Maximum.apply(a, b)


def minimum(input, other):
    (a, b), _ = promote(input, other)
    return Minimum.apply(a, b)


def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero_tuple(condition)
    if condition.dtype is not dtypes.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a "
                           f"tensor with dtype {condition.dtype.name}")
    (a, b), _ = promote(input, other)
    if not _is_tensor(a) and not _is_tensor(b):
        a = _scalar_as_array(a, cast(condition, dtypes.result_type(input, other)))
    return Where.apply(condition, a, b)


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [v for v in (min, max) if v is not None]
    (x, *bounds), _ = promote(input, *bounds)
    lo = bounds.pop(0) if min is not None else None
    hi = bounds.pop(0) if max is not None else None
    return Clamp.apply(x, lo, hi)


clip = clamp


def lerp(input, end, weight):
    (a, b, w), _ = promote(input, end, weight)
    return Lerp.apply(a, b, w)


def addcmul(input, tensor1, tensor2, *, value=1):
    return add(input, mul(tensor1, tensor2), alpha=value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    return add(input, div(tensor1, tensor2), alpha=value)


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


def _comparison(fn_name):
    def fn(input, other):
        (a, b), _ = promote(input, other)
        return Compare.apply(a, b, fn_name)

    fn.__name__ = fn_name
    return fn


eq, ne = _comparison("equal"), _comparison("not_equal")
lt, le = _comparison("less"), _comparison("less_equal")
gt, ge = _comparison("greater"), _comparison("greater_equal")
eq.__name__, ne.__name__, lt.__name__, le.__name__, gt.__name__, ge.__name__ = (
    "eq", "ne", "lt", "le", "gt", "ge")
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def _logical(fn_name):
    def fn(input, other):
        return Compare.apply(input, other, fn_name)

    fn.__name__ = fn_name
    return fn


logical_and, logical_or = _logical("logical_and"), _logical("logical_or")
logical_xor = _logical("logical_xor")


def logical_not(input):
    return Predicate.apply(input, "logical_not")


def isnan(input):
    return Predicate.apply(input, "isnan")


def isinf(input):
    return Predicate.apply(input, "isinf")


def isfinite(input):
    return Predicate.apply(input, "isfinite")


def equal(input, other) -> bool:
    """True if both tensors have the same shape and values."""
    return input.shape == other.shape and bool(eq(input, other).all())


def allclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False) -> bool:
    xp = backend.array_module(input._data)
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def isclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False):
    xp = backend.array_module(input._data)
    from ..tensor import Tensor

    return Tensor._wrap(
        xp.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


class Overwrite(Op):
    """out = `value` (a number or an array) broadcast to x's shape: what fill_/copy_ write.
    d/dx = 0 (x's old values are gone, torch also gives zeros), d/dvalue = grad (summed
    back over the broadcast by the engine)."""

    @staticmethod
    def forward(ctx, x, value):
        xp = backend.array_module(x)
        out = xp.empty_like(x)
        out[...] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        return xp.zeros_like(grad), grad


def copy_from(input, src):
    """The value `input.copy_(src)` writes: src broadcast to input's shape and dtype."""
    if not _is_tensor(src):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src.device != input.device:
        src = to_device(src, input.device)
    if src.dtype != input.dtype:
        src = cast(src, input.dtype)
    from .shape import expand

    expand(src, input.shape)  # raises torch's error if src does not broadcast
    return Overwrite.apply(input, src)


def full_like_of(input, value):
    """The value `input.fill_(value)` writes."""
    if _is_tensor(value):
        if value.dim() != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        value = value.item()
    return Overwrite.apply(input, value)


def nonzero_tuple(input):
    from .indexing import nonzero

    return nonzero(input, as_tuple=True)
