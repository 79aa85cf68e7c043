"""Arithmetic: add, sub, mul, div (and its rounding modes), remainder, pow, lerp."""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import _is_tensor, _scalar_as_array, _wrap_int, cast, promote, type_name
from .registry import public


class Add(Op):
    """out = a + alpha * b;  d/da = grad,  d/db = alpha * grad."""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
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

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        return grad, -grad if ctx.alpha == 1 else grad * -ctx.alpha


class Mul(Op):
    """out = a * b;  d/da = grad * b,  d/db = grad * a."""

    @staticmethod
    def forward(ctx, a, b):
        # save only what a needed gradient uses (torch too): x * 2 keeps nothing, so
        # changing x in place afterwards is no error
        if ctx.needs_input_grad:
            need_a, need_b = ctx.needs_input_grad[:2]
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        return (grad * b if need_a else None), (grad * a if need_b else None)

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        need_a, need_b = ctx.needs_input_grad[:2]
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """out = a / b;  d/da = grad / b,  d/db = -grad * a / b**2."""

    @staticmethod
    def forward(ctx, a, b):
        if ctx.needs_input_grad:  # a is needed only for b's gradient (as in Mul)
            ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad / b if need_a else None
        grad_b = -grad * a / (b * b) if need_b else None
        return grad_a, grad_b

    @staticmethod
    def backward_graph(ctx, grad, a, b):
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

    @staticmethod
    def backward_graph(ctx, grad, a, b, mode):
        return grad * 0, grad * 0


class FloorDivide(RoundedDiv):
    """torch.floor_divide (and `//`): div(rounding_mode='floor') whose backward raises, as
    torch's does ("derivative for aten::floor_divide is not implemented")."""

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")

    @staticmethod
    def backward_graph(ctx, grad, a, b, mode):
        FloorDivide.backward(ctx, grad)


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

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        # floor division is piecewise constant: its derivative (0) is what gets recorded
        if not ctx.needs_input_grad[1]:
            return grad, None
        a_, b_ = ctx.saved_tensors
        xp = backend.array_module(a_ if hasattr(a_, "shape") else b_)
        with backend.ignore_float_errors(xp):  # piecewise constant: no graph needed
            quotient = xp.floor_divide(a_, b_)
        return grad, -grad * type(grad)._wrap(xp.asarray(quotient))


class Pow(Op):
    """out = a ** b;  d/da = b * a**(b-1),  d/db = out * log(a) (0 where a == 0 and b >= 0,
    the limit torch uses, so x**2 at x=0 gives no NaN)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a if hasattr(a, "shape") else b)
        out = _int_power(xp, a, b) if _is_int_array(xp, b) else xp.power(a, b)
        if ctx.needs_input_grad:  # out only for b's gradient: x.pow_(2).mul_(2) is fine
            ctx.save_for_backward(a, b, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        # 0 ** negative = inf and log(0) are expected (torch gives them too)
        with backend.ignore_float_errors(xp):
            if need_a:
                if isinstance(b, (int, float)):
                    grad_a = grad * b * a ** (b - 1) if b != 0 else grad * 0
                else:
                    grad_a = grad * xp.where(b == 0, 0, b * xp.power(a, b - 1))
            if need_b:
                grad_b = grad * xp.where((a == 0) & (b >= 0), 0, out * xp.log(a))
        return grad_a, grad_b

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        with backend.ignore_float_errors(backend.array_module(grad._data)):
            return Pow._graph(ctx, grad, a, b)

    @staticmethod
    def _graph(ctx, grad, a, b):
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        if need_a:
            if isinstance(b, (int, float)):
                grad_a = grad * b * a ** (b - 1) if b != 0 else grad * 0
            else:
                # grad inside the where, as in torch's formula: d/dgrad is then NaN
                # where a == 0 == b (0 * 0**-1 leaks through where's backward), as torch's
                grad_a = (grad * (b * a ** (b - 1))).where(b != 0, 0.0)
        if need_b:
            grad_b = grad * (a ** b * a.log()).where((a != 0) | (b < 0), 0.0)
        return grad_a, grad_b


def _is_int_array(xp, x):
    return hasattr(x, "dtype") and xp.issubdtype(x.dtype, xp.integer)


def _int_power(xp, a, b):
    """Integer a ** b for an exponent array with negative entries, where NumPy raises:
    torch truncates 1 / a**|b| toward zero, so 1 for a == 1, +-1 for a == -1, else 0."""
    negative = b < 0
    out = xp.power(a, xp.where(negative, 0, b))
    sign_of_minus_one = xp.where(b % 2 == 0, 1, -1)
    small = xp.where(a == 1, 1, xp.where(a == -1, sign_of_minus_one, 0))
    return xp.where(negative, small, out).astype(out.dtype)


class Lerp(Op):
    """out = a + w * (b - a), computed as torch does: from a for |w| < 0.5, else from b
    as b - (b - a) * (1 - w) (exact at w = 1, and lerp(-inf, 3, 0.5) = -inf, not NaN)."""

    @staticmethod
    def forward(ctx, a, b, w):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b, w)
        diff = b - a
        return xp.where(abs(w) < 0.5, a + w * diff, b - diff * (1 - w))

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        return grad * (1 - w), grad * w, grad * (b - a)

    @staticmethod
    def backward_graph(ctx, grad, a, b, w):
        return grad * (1 - w), grad * w, grad * (b - a)



# ---- the tensor-level functions (minitorch.add, Tensor.add, ...) --------------------------------
def _alpha(alpha, b, dt):
    """torch's checks on add/sub's alpha against the result dtype `dt`, and alpha made as
    "weak" as a Python number: it never changes the result dtype (np.float64(0.5) leaves
    float32 float32), and in integer math it wraps like torch's casts (uint8: -1 is 255).
    A Python-number `b` takes alpha in here, so `alpha * b` wraps too. -> (alpha, b)"""
    if type(alpha) is int and alpha == 1:  # the default: nothing to check (every add)
        return alpha, b
    if isinstance(alpha, bool) and dt is not dtypes.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    alpha = dtypes.as_python_scalar(alpha)  # np.bool_ is read as a float, as torch does
    if not dt.is_floating_point and not isinstance(alpha, int):
        raise RuntimeError("For integral input tensors, argument alpha must not be a "
                           "floating point number.")
    if dt is dtypes.bool:
        return bool(alpha), b  # bool math: any nonzero alpha is True
    if alpha == 1:
        return alpha, b
    if not _is_tensor(b):
        b, alpha = alpha * b, 1
    if dt.np.kind in "iu":
        return (_wrap_int(alpha, dt.np), b if _is_tensor(b) else _wrap_int(b, dt.np))
    return alpha, b


@public  # Tensor.add stays in tensor_methods.py: torch's method takes alpha positionally
def add(input, other, *, alpha=1):
    (a, b), dt = promote(input, other)
    alpha, b = _alpha(alpha, b, dt)
    return Add.apply(a, b, alpha=alpha)


def _is_bool(x):
    return isinstance(x, bool) or (_is_tensor(x) and x.dtype is dtypes.bool)


def check_sub_operands(input, other):
    """torch's refusal of bool subtraction (checked first, in-place too). Returns other."""
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    return other


@public(aliases=("subtract",))  # Tensor.sub is in tensor_methods.py: alpha positional
def sub(input, other, *, alpha=1):
    check_sub_operands(input, other)
    (a, b), dt = promote(input, other)
    alpha, b = _alpha(alpha, b, dt)
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


@public(method=True, inplace=True, aliases=("multiply",))
def mul(input, other):
    (a, b), _ = promote(input, other)
    return Mul.apply(a, b)


@public(method=True, inplace=True, aliases=("divide", "true_divide"))
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


@public(method=True)
def floor_divide(input, other):
    (a, b), dt = promote(input, other)
    _check_integer_division(b, dt, "floor_divide")
    return FloorDivide.apply(a, b, "floor")


@public(method=True, inplace=True)
def remainder(input, other):
    (a, b), dt = promote(input, other)
    _check_integer_division(b, dt, "remainder")
    return Remainder.apply(a, b)


@public(method=True)
def pow(input, exponent):
    if not _is_tensor(input):  # scalar ** tensor
        input = _scalar_as_array(input, promote(exponent, input)[0][0])
    (a, b), dt = promote(input, exponent)
    if dt is dtypes.bool:
        if _is_tensor(b):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return cast(Pow.apply(cast(a, dtypes.int64), int(b)), dtypes.bool)  # x ** True
    if not dt.is_floating_point and not _is_tensor(b) and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return Pow.apply(a, b)


@public(method=True)  # lerp_ is in tensor_methods.py
def lerp(input, end, weight):
    if not (_is_tensor(input) and _is_tensor(end)):  # only weight may be a number
        raise TypeError(
            "lerp() received an invalid combination of arguments - got ("
            + ", ".join(type_name(v) for v in (input, end, weight)) + "), but expected one "
            "of:\n * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n")
    (a, b, w), _ = promote(input, end, weight)
    return Lerp.apply(a, b, w)


def _value_as_alpha(value, input, product):
    """addcmul/addcdiv's value is cast to the result dtype (an int tensor truncates 0.5 to
    0, True is 1), not refused like add's alpha."""
    value = dtypes.as_python_scalar(value)
    dt = dtypes.result_type(input, product)
    return float(value) if dt.is_floating_point else int(value)


@public(method=True)  # addcmul_ is in tensor_methods.py
def addcmul(input, tensor1, tensor2, *, value=1):
    product = mul(tensor1, tensor2)
    return add(input, product, alpha=_value_as_alpha(value, input, product))


@public(method=True)  # addcdiv_ is in tensor_methods.py
def addcdiv(input, tensor1, tensor2, *, value=1):
    if not (tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
            "for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    quotient = div(tensor1, tensor2)
    return add(input, quotient, alpha=_value_as_alpha(value, input, quotient))

