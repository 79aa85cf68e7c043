"""The op registry: one OpSpec per public op (or per distinct way of calling it).

The single source of truth for which ops exist. Each spec names the op, how to call it
(function, method, operator or a small lambda), its torch twin (the same call with
`lib=torch`, or `ref`), a hypothesis strategy for valid inputs, whether gradients are
checked, tolerances, and error inputs. `test_op_parity.py` runs every spec against torch
on every device; `test_op_registry.py` fails when a public op has no spec.

A caller is
  "name"     -> lib.name(*args, **kwargs)
  ".name"    -> args[0].name(*args[1:], **kwargs)        (a Tensor method)
  a callable -> caller(lib, *args, **kwargs)              (operators, in-place ops, ...)
Callables made with `named(...)` carry the public names they exercise, for the meta-test.
Array inputs are `Arr`s (tests/strategies.py); floating ones become leaves with
requires_grad=True in the dtype under test, integer/bool ones keep their dtype.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import strategies as st
from strategies import (
    Arr,
    Sample,
    arrays,
    binary,
    broadcast_shapes,
    dim_of,
    maybe_empty_shapes,
    reduction,
    seeds,
    shapes,
    unary,
)


@dataclass(frozen=True)
class DT:
    """A dtype placeholder: becomes `lib.<name>` (minitorch.float64 / torch.float64)."""

    name: str


@dataclass
class ErrorCase:
    """Inputs torch rejects: both libraries must raise `exc`; `match` must be in both
    messages (so the fragment documents torch's wording)."""

    sample: Sample
    exc: type
    match: str = ""
    call: object = None  # defaults to the spec's first caller


@dataclass
class OpSpec:
    name: str
    sample: st.SearchStrategy
    calls: tuple = ()           # default: ("name", ".name")
    grad: bool = True           # check gradients of every floating input
    dtypes: tuple = ("float64", "float32")
    tol64: tuple = (1e-10, 1e-12)  # (rtol, atol)
    tol32: tuple = (1e-5, 1e-5)
    errors: tuple = ()
    may_raise: bool = False     # drawn samples may be invalid; then both must raise alike
    variant: str = ""

    def __post_init__(self):
        if not self.calls:
            self.calls = (self.name, "." + self.name)

    @property
    def id(self):
        return self.name + (f"-{self.variant}" if self.variant else "")

    def tolerance(self, dtype):
        return self.tol64 if dtype == "float64" else self.tol32

    def covered_names(self):
        """Public names this spec exercises: 'add' (function) and 'Tensor.add' (method)."""
        out = set()
        for c in self.calls:
            if isinstance(c, str):
                out.add("Tensor." + c[1:] if c.startswith(".") else c)
            else:
                out.update(getattr(c, "covers", ()))
        return out


def named(*covers):
    """Decorator for lambda callers: records the public names they exercise."""

    def mark(fn):
        fn.covers = covers
        fn.__qualname__ = fn.__name__ = "call:" + "/".join(covers)
        return fn

    return mark


def call_spec(spec, caller, lib, args, kwargs):
    if callable(caller):
        return caller(lib, *args, **kwargs)
    if caller.startswith("."):
        return getattr(args[0], caller[1:])(*args[1:], **kwargs)
    return getattr(lib, caller)(*args, **kwargs)


def fn(covers, f):
    return named(*covers)(f)


def S(*args, **kwargs):
    return Sample(args, kwargs)


def A(values, dtype=None, layout=None, requires_grad=True):
    return Arr(np.asarray(values, dtype=dtype), layout, requires_grad)


SPECS: list[OpSpec] = []


def spec(*args, **kwargs):
    SPECS.append(OpSpec(*args, **kwargs))


# ==== arithmetic =================================================================================
add_op = fn(["Tensor.__add__"], lambda L, a, b, **k: a + b)
sub_op = fn(["Tensor.__sub__"], lambda L, a, b, **k: a - b)
mul_op = fn(["Tensor.__mul__"], lambda L, a, b: a * b)
div_op = fn(["Tensor.__truediv__"], lambda L, a, b: a / b)
alpha = st.one_of(st.just({}), st.builds(lambda a: {"alpha": a}, st.sampled_from([2, -0.5])))

spec("add", binary(kwargs=alpha), calls=("add", ".add"))
spec("add", binary(), calls=(add_op,), variant="operator")
spec("sub", binary(kwargs=alpha), calls=("sub", ".sub", "subtract", ".subtract"))
spec("sub", binary(), calls=(sub_op,), variant="operator")
spec("mul", binary("int", "int"), calls=("mul", ".mul", "multiply", ".multiply", mul_op))
spec("div", binary("normal", "nonzero"),
     calls=("div", ".div", "divide", ".divide", "true_divide", ".true_divide", div_op),
     tol32=(1e-5, 1e-4))
spec("div", binary("normal", "nonzero",
                   kwargs=st.sampled_from([{"rounding_mode": "floor"},
                                           {"rounding_mode": "trunc"}])),
     calls=("div", ".div"), variant="rounding",
     errors=[ErrorCase(S(A([1.0]), 2.0, rounding_mode="round"), RuntimeError,
                       "div expected rounding_mode to be one of None, 'trunc', or 'floor'")])
spec("floor_divide", binary("int", "nonzero"),
     calls=("floor_divide", ".floor_divide",
            fn(["Tensor.__floordiv__", "Tensor.__rfloordiv__"], lambda L, a, b: (a // b, 3 // a))),
     grad=False, errors=[  # torch's floor_divide has no derivative; div(rounding_mode) gives 0
         ErrorCase(S(A([3.5, -2.5]), A([2.0, 1.5])), RuntimeError,
                   "derivative for aten::floor_divide is not implemented",
                   call=fn(["floor_divide"],
                           lambda L, a, b: L.floor_divide(a, b).sum().backward())),
         ErrorCase(S(A([3.5, -2.5]), A([2.0, 1.5])), RuntimeError,
                   "derivative for aten::floor_divide is not implemented",
                   call=fn(["Tensor.__floordiv__"], lambda L, a, b: (a // b).sum().backward()))])
spec("remainder", binary("normal", "nonzero"),
     calls=("remainder", ".remainder", fn(["Tensor.__mod__"], lambda L, a, b: a % b)),
     tol64=(1e-9, 1e-11), tol32=(1e-4, 1e-4))
reflected = fn(["Tensor.__radd__", "Tensor.__rsub__", "Tensor.__rmul__", "Tensor.__rtruediv__",
                "Tensor.__rpow__"],
               lambda L, s, x: [s + x, s - x, s * x, s / x, abs(s) ** x])
spec("reflected", st.builds(lambda x, s: S(s, x), arrays(st.just((2, 3)), "nonzero"),
                            st.sampled_from([2, -1.5, 0.5])), calls=(reflected,))
spec("neg", unary(), calls=("neg", ".neg", "negative", ".negative",
                            fn(["Tensor.__neg__"], lambda L, x: -x)))
spec("pos_abs_operators", unary("int"),
     calls=(fn(["Tensor.__pos__", "Tensor.__abs__"], lambda L, x: (+x, abs(x))),))

# ---- pow: tensor**tensor, tensor**scalar (with zeros), scalar**tensor ----------------------------
spec("pow", binary("positive", "normal", scalar=False),
     calls=("pow", ".pow", fn(["Tensor.__pow__"], lambda L, a, b: a ** b)), tol32=(1e-4, 1e-5))
spec("pow", st.builds(lambda a, e: S(a, e), arrays(maybe_empty_shapes(), "int"),
                      st.sampled_from([0, 1, 2, 3, 2.0, -1.0 + 0.0])),
     variant="scalar_exponent", may_raise=False, errors=[
         ErrorCase(S(A([1, 2], dtype=np.int64), -1), RuntimeError,
                   "Integers to negative integer powers are not allowed.")])
spec("pow", st.builds(lambda a, e: S(a, e), arrays(shapes(), "nonzero"),
                      st.sampled_from([-2, -1, -0.5 + 0.0, 0.5, 1.5])),
     calls=(fn(["pow"], lambda L, a, e: L.pow(L.abs(a), e)),), variant="fractional_exponent",
     tol32=(1e-4, 1e-5))
spec("pow", st.builds(lambda a, b: S(a, b), arrays(st.just((3, 4)), "small_int"),
                      arrays(st.just((3, 4)), "small_int")),
     calls=(fn(["pow"], lambda L, a, b: L.pow(L.abs(a), L.abs(b))),), variant="zero_base")
# integer base and negative integer exponents: torch gives trunc(1 / a**|b|), NumPy raises
spec("pow", st.builds(lambda a, b: S(a, b), arrays(st.just((3, 4)), "int64"),
                      arrays(st.just((3, 4)), "int64")),
     calls=("pow", fn(["Tensor.__pow__"], lambda L, a, b: a ** b),
            fn(["Tensor.__rpow__"], lambda L, a, b: (-1) ** b + 2 ** b + 1 ** b)),
     variant="int_negative_exponent", grad=False, dtypes=("float64",))
spec("pow", st.builds(lambda s, x: S(s, x), st.sampled_from([2.0, 0.5, 3]),
                      arrays(shapes(), "normal")),
     calls=("pow", fn(["Tensor.__rpow__"], lambda L, s, x: s ** x)), variant="scalar_base",
     tol32=(1e-4, 1e-5))

# ---- unary math ----------------------------------------------------------------------------------
for name, kind, tol32 in [
        ("exp", "normal", None), ("log", "positive", None), ("log1p", "unit", None),
        ("log2", "positive", None), ("sqrt", "positive", None), ("rsqrt", "positive", None),
        ("abs", "int", None), ("sign", "int", None), ("sin", "normal", None),
        ("cos", "normal", None), ("tanh", "normal", None), ("sigmoid", "wide", None),
        ("relu", "int", None), ("square", "normal", None), ("reciprocal", "nonzero", None),
        ("floor", "normal", None), ("ceil", "normal", None), ("round", "halves", None)]:
    spec(name, unary(kind), tol32=tol32 or (1e-5, 1e-5))
spec("exp", unary("int64"), variant="int_input", grad=False,
     calls=("exp", "sqrt", "sigmoid", fn(["log"], lambda L, x: L.log(L.abs(x) + 1))))
spec("abs", unary("int64"), variant="int_input", grad=False,
     calls=("abs", "neg", "sign", ".square", "relu"))
spec("isnan", unary("special"), grad=False,
     calls=("isnan", ".isnan", "isinf", ".isinf", "isfinite", ".isfinite"))
spec("logical_not", unary("bool"), grad=False,
     calls=("logical_not", ".logical_not", fn(["Tensor.__invert__"], lambda L, x: ~x)))
spec("logical_not", unary("int"), grad=False, calls=("logical_not",), variant="float")
spec("clone", unary(), calls=("clone", ".clone", ".contiguous"))


# ---- clamp: scalar bounds at integer values (ties at the boundary), tensor bounds ----------------
@st.composite
def clamp_sample(draw, tensor_bounds=False):
    x = draw(arrays(draw(maybe_empty_shapes()), "int"))
    which = draw(st.sampled_from(["min", "max", "both"]))
    lo = hi = None
    if tensor_bounds:
        lo = draw(arrays(draw(st.just(x.values.shape[1:])), "int"))
        hi = Arr(lo.values + draw(st.sampled_from([0.0, 1.0, 2.0])))
    else:
        lo = draw(st.sampled_from([-1, -0.5, 0]))
        hi = lo + draw(st.sampled_from([0, 1, 2.5]))
    kw = {"min": lo, "max": hi} if which == "both" else {which: lo if which == "min" else hi}
    return Sample((x,), kw)


spec("clamp", clamp_sample(), calls=("clamp", ".clamp", "clip", ".clip"),
     errors=[ErrorCase(S(A([1.0])), RuntimeError, "At least one of 'min' or 'max'")])
spec("clamp", clamp_sample(True), calls=("clamp", ".clamp"), variant="tensor_bounds")

# ---- two-input elementwise -----------------------------------------------------------------------
spec("maximum", binary("int", "int", scalar=False), calls=("maximum", ".maximum", "max", ".max"))
spec("minimum", binary("int", "int", scalar=False), calls=("minimum", ".minimum", "min", ".min"))


@st.composite
def where_sample(draw, scalar=False):
    sc, sa, sb = draw(broadcast_shapes(3))
    cond, a, b = draw(arrays(sc, "bool")), draw(arrays(sa)), draw(arrays(sb))
    if scalar:
        b = draw(st.sampled_from([0.0, -1.5, 2]))
    return S(cond, a, b)


spec("where", where_sample(),
     calls=("where", fn(["Tensor.where"], lambda L, c, a, b: a.where(c, b))),
     errors=[ErrorCase(S(A([1.0, 0.0]), A([1.0, 2.0]), A([3.0, 4.0])), RuntimeError,
                       "where expected condition to be a boolean tensor")])
spec("where", where_sample(True), calls=("where",), variant="scalar")
spec("lerp", st.builds(lambda p, w: S(*p, w),
                       st.tuples(arrays(st.just((2, 3))), arrays(st.just((3,)))),
                       st.sampled_from([0.25, 1.5])),
     calls=("lerp", fn(["Tensor.lerp_"], lambda L, a, b, w: (a * 1).lerp_(b, w))))


@st.composite
def three_way(draw, kind_c="normal"):
    s1, s2, s3 = draw(broadcast_shapes(3))
    kw = draw(st.sampled_from([{}, {"value": 0.5}, {"value": -2}]))
    return Sample((draw(arrays(s1)), draw(arrays(s2)), draw(arrays(s3, kind_c))), kw)


# may_raise: the in-place form can't grow `input` to the broadcast shape (torch raises)
spec("addcmul", three_way(), may_raise=True,
     calls=("addcmul", fn(["Tensor.addcmul_"],
                          lambda L, x, a, b, **k: (x * 1).addcmul_(a, b, **k))))
spec("addcdiv", three_way("nonzero"), may_raise=True, tol32=(1e-4, 1e-4),
     calls=("addcdiv", fn(["Tensor.addcdiv_"],
                          lambda L, x, a, b, **k: (x * 1).addcdiv_(a, b, **k))))

# ---- comparisons and logic -> bool ---------------------------------------------------------------
for name, alias, op in [("eq", None, "__eq__"), ("ne", "not_equal", "__ne__"),
                        ("lt", "less", "__lt__"), ("le", "less_equal", "__le__"),
                        ("gt", "greater", "__gt__"), ("ge", "greater_equal", "__ge__")]:
    calls = (name, "." + name) + ((alias,) if alias else ()) + (
        fn(["Tensor." + op], lambda L, a, b, op=op: getattr(a, op)(b)),)
    spec(name, binary("int", "int"), calls=calls, grad=False)
for name in ["logical_and", "logical_or", "logical_xor"]:
    calls = (name,) + (("." + name,) if name != "logical_xor" else ())
    spec(name, binary("bool", "bool", scalar=False), calls=calls, grad=False)
spec("bitwise_bool_operators", binary("bool", "bool", scalar=False), grad=False,
     calls=(fn(["Tensor.__and__", "Tensor.__or__", "Tensor.__xor__"],
               lambda L, a, b: (a & b, a | b, a ^ b)),))
spec("isclose", binary("int", "int", scalar=False), grad=False,
     calls=("isclose", fn(["allclose", "Tensor.allclose", "equal", "Tensor.equal"],
                          lambda L, a, b: (L.allclose(a, a * (1 + 1e-7)), a.allclose(b),
                                           L.equal(a, a), a.equal(b)))))

# ---- casts ---------------------------------------------------------------------------------------
casts = fn(["Tensor.float", "Tensor.double", "Tensor.long", "Tensor.int", "Tensor.bool",
            "Tensor.half", "Tensor.byte", "Tensor.to", "Tensor.type", "Tensor.type_as"],
           lambda L, x: (x.float(), x.double(), x.long(), x.int(), x.bool(), x.half(),
                         x.abs().byte(), x.to(L.float64), x.to(dtype=L.int32),
                         x.type(L.float32), x.type_as(L.zeros(1, dtype=L.int64))))
spec("casts", unary("normal"), calls=(casts,), grad=False)  # half() rounds gradients
spec("casts", unary("normal"), variant="grad", tol32=(1e-5, 1e-5),
     calls=(fn(["Tensor.to"], lambda L, x: (x.double() * 2).float() + x.to(L.float64)),))

# ==== matrix products ===========================================================================
MATMUL_CASES = {  # (a shape, b shape), k and batch sizes filled in by the draw
    "1d1d": lambda m, k, n, b: ((k,), (k,)), "1d2d": lambda m, k, n, b: ((k,), (k, n)),
    "2d1d": lambda m, k, n, b: ((m, k), (k,)), "2d2d": lambda m, k, n, b: ((m, k), (k, n)),
    "batched": lambda m, k, n, b: ((b, m, k), (b, k, n)),
    "broadcast": lambda m, k, n, b: ((b, 1, m, k), (2, k, n)),
    "nd1d": lambda m, k, n, b: ((b, m, k), (k,)), "1dnd": lambda m, k, n, b: ((k,), (b, k, n)),
}


@st.composite
def matmul_sample(draw, cases=tuple(MATMUL_CASES)):
    case = draw(st.sampled_from(cases))
    m, k, n, b = (draw(st.integers(lo, 4)) for lo in (1, 0, 1, 1))
    sa, sb = MATMUL_CASES[case](m, k, n, b)
    return S(draw(arrays(sa)), draw(arrays(sb)))


spec("matmul", matmul_sample(), calls=("matmul", ".matmul",
                                      fn(["Tensor.__matmul__"], lambda L, a, b: a @ b)),
     errors=[ErrorCase(S(A(np.ones((2, 3))), A(np.ones((2, 3)))), RuntimeError,
                       "shapes cannot be multiplied (2x3 and 2x3)"),
             # torch never promotes in a matrix product (an int64 batch into a float net)
             ErrorCase(S(A(np.ones((2, 3)), dtype=np.int64), A(np.ones((3, 2)))),
                       RuntimeError,
                       "expected m1 and m2 to have the same dtype, but got: long int != float"),
             ErrorCase(S(A(np.ones((2, 3)), dtype=np.int32),
                         A(np.ones((3, 2)), dtype=np.int64)), RuntimeError,
                       "expected m1 and m2 to have the same dtype, but got: int != long int"),
             ErrorCase(S(A(np.ones(3), dtype=np.int32), A(np.ones(3), dtype=np.int64)),
                       RuntimeError,
                       "dot : expected both vectors to have same dtype, but found Int and Long")])
spec("mm", matmul_sample(("2d2d",)), errors=[
    ErrorCase(S(A(np.ones(3)), A(np.ones((3, 2)))), RuntimeError, "must be a matrix")])
spec("bmm", matmul_sample(("batched",)), errors=[
    ErrorCase(S(A(np.ones((2, 2, 3))), A(np.ones((3, 3, 2)))), RuntimeError, "batch2")])
spec("dot", matmul_sample(("1d1d",)), errors=[
    ErrorCase(S(A(np.ones(3)), A(np.ones(4))), RuntimeError, "inconsistent tensor size")])

# ==== reductions =================================================================================
spec("sum", reduction(empty=True), tol32=(1e-5, 1e-4))
spec("sum", reduction("int64", empty=True), variant="int", grad=False)
spec("sum", reduction("bool"), variant="bool", grad=False, dtypes=("float64",))
spec("mean", reduction(), tol32=(1e-5, 1e-5), errors=[
    ErrorCase(S(A([1, 2], dtype=np.int64)), RuntimeError,
              "mean(): could not infer output dtype. Input dtype must be either a floating "
              "point or complex dtype. Got: Long")])
spec("prod", reduction("zeros_inside", dim="int_or_none"), tol32=(1e-4, 1e-5))
spec("prod", reduction("int64", dim="int_or_none"), variant="int", grad=False)
var_kw = st.sampled_from([{}, {"unbiased": False}, {"unbiased": True}, {"correction": 0},
                          {"correction": 2}])
spec("var", reduction(kwargs=var_kw), tol32=(1e-4, 1e-5))
spec("std", reduction(kwargs=var_kw), tol32=(1e-4, 1e-5))
spec("max", reduction("int", dim="int"), variant="dim", errors=[
    ErrorCase(S(A(np.ones((0, 2))), 0), IndexError, "Expected reduction dim 0"),
    # max/min take one int dim (amax/amin take a tuple)
    ErrorCase(S(A(np.ones((2, 3))), dim=(0, 1)), TypeError,
              "max() received an invalid combination of arguments"),
    ErrorCase(S(A(np.ones((2, 3))), True), TypeError, "invalid combination of arguments")])
spec("min", reduction("int", dim="int"), variant="dim", errors=[
    ErrorCase(S(A(np.ones((2, 3))), [0]), TypeError,
              "min() received an invalid combination of arguments", call=".min")])
spec("max", unary("int", empty=False), variant="all", calls=("max", ".max", "amax", ".amax"),
     errors=[ErrorCase(S(A(np.ones((0, 2)))), RuntimeError, "Specify the reduction dim")])
spec("min", unary("int", empty=False), variant="all", calls=("min", ".min", "amin", ".amin"))
spec("argmax", reduction("int", dim="int_or_none"), grad=False,
     calls=("argmax", ".argmax", "argmin", ".argmin"), errors=[
    ErrorCase(S(A(np.ones((2, 3))), dim=(0, 1)), TypeError,
              "argmax(): argument 'dim' must be int, not tuple"),
    ErrorCase(S(A(np.ones((2, 3))), 1.0), TypeError,
              "must be int, not float", call="argmin")])
spec("amax", reduction("int", dim="dims"), calls=("amax", ".amax", "amin", ".amin"), errors=[
    ErrorCase(S(A(np.ones((2, 3))), True), TypeError,
              "must be tuple of ints, not bool")])
spec("logsumexp", reduction("wide", dim="int"), tol32=(1e-5, 1e-5))
spec("logsumexp", reduction("normal", dim="dims_nonempty"), variant="dims")
for name in ["softmax", "log_softmax"]:
    spec(name, reduction("wide", dim="int", keepdim=False), tol32=(1e-5, 1e-5), errors=[
        ErrorCase(S(A([1, 2], dtype=np.int64), 0), NotImplementedError,
                  f'"{name}_lastdim_kernel_impl" not implemented for \'Long\'')])
spec("cumsum", reduction(dim="int", keepdim=False, empty=True), tol32=(1e-5, 1e-5))
spec("cumsum", reduction("int64", dim="int", keepdim=False), variant="int", grad=False)
norm_kw = st.sampled_from([{}, {"p": 1}, {"p": 2}, {"p": math.inf}, {"p": 3}, {"p": "fro"}])
spec("norm", reduction("int", kwargs=norm_kw), tol32=(1e-4, 1e-5))
spec("all", reduction("bool", dim="int_or_none"), grad=False,
     calls=("all", ".all", "any", ".any"))
spec("all", reduction("small_int", dim="int_or_none"), grad=False, variant="float",
     calls=("all", "any"))
spec("count_nonzero", reduction("small_int", dim="dims", keepdim=False), grad=False)

# ==== shape ops ===================================================================================
@st.composite
def regrouped(draw, shape):
    """A new shape with the same number of elements (shuffled, merged sizes, maybe one -1)."""
    sizes = list(draw(st.permutations(list(shape))))
    out = []
    for s in sizes:
        if out and draw(st.booleans()):
            out[-1] *= s
        else:
            out.append(s)
    if out and 0 not in out and draw(st.booleans()):
        out[draw(st.integers(0, len(out) - 1))] = -1
    return tuple(out)


@st.composite
def reshape_sample(draw, as_tuple=None):
    x = draw(arrays(draw(maybe_empty_shapes())))
    new = draw(regrouped(x.values.shape))
    if not new or (as_tuple if as_tuple is not None else draw(st.booleans())):
        return S(x, new)
    return S(x, *new)


spec("reshape", reshape_sample(), calls=(".reshape",), errors=[
    ErrorCase(S(A(np.ones((2, 3))), 4, 2), RuntimeError,
              "shape '[4, 2]' is invalid for input of size 6"),
    ErrorCase(S(A(np.ones((2, 3))), -1, -1), RuntimeError, "only one dimension can be inferred")])
spec("reshape", reshape_sample(True), calls=("reshape",), variant="function")
spec("view", reshape_sample(), calls=(".view",), may_raise=True)  # non-contiguous can't view
spec("view", unary(), calls=(fn(["Tensor.view"], lambda L, x: x.contiguous().view(-1)),),
     variant="flat")
spec("view_as", st.builds(lambda x, y: S(x, y), arrays(st.just((2, 6))),
                          arrays(st.just((3, 4)), requires_grad=False)),
     calls=(".view_as", ".reshape_as"), may_raise=True)


@st.composite
def flatten_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes())))
    n = x.values.ndim
    if n == 0:
        return S(x)
    a, b = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2)))
    a, b = (a - n if draw(st.booleans()) else a), (b - n if draw(st.booleans()) else b)
    return S(x, a, b) if draw(st.booleans()) else S(x, start_dim=a, end_dim=b)


spec("flatten", flatten_sample())


@st.composite
def unflatten_sample(draw):
    x = draw(arrays(draw(shapes(1, 3))))
    d = draw(dim_of(x.values.ndim))
    size = x.values.shape[d]
    factor = draw(st.sampled_from([f for f in range(1, size + 1) if size % f == 0]))
    sizes = [factor, size // factor]
    if draw(st.booleans()):
        sizes[draw(st.integers(0, 1))] = -1
    return S(x, d, tuple(sizes))


spec("unflatten", unflatten_sample(), errors=[
    ErrorCase(S(A(np.ones((2, 4))), 1, (2, 3)), RuntimeError,
              "unflatten: Provided sizes [2, 3] don't multiply up to the size of dim 1 (4) in "
              "the input tensor"),
    ErrorCase(S(A(np.ones((2, 4))), -1, (3, -1)), RuntimeError,
              "Provided sizes [3, -1] don't multiply up to the size of dim 1 (4)"),
    ErrorCase(S(A(np.ones((2, 4))), 1, ()), RuntimeError, "unflatten: sizes must be non-empty")])


@st.composite
def squeeze_sample(draw):
    x = draw(arrays(draw(shapes(0, 4, 1, 2))))
    n = x.values.ndim
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return S(x)
    if choice == "int" or n == 0:
        return S(x, draw(dim_of(n)))
    return S(x, tuple(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n,
                                    unique_by=lambda d: d % n))))


spec("squeeze", squeeze_sample())


def unsqueeze_sample(x, d):
    """dim d wrapped into [-(ndim + 1), ndim], keeping its sign."""
    slots = x.values.ndim + 1
    return S(x, d % slots - slots * (d < 0))


spec("unsqueeze", st.builds(unsqueeze_sample, arrays(maybe_empty_shapes(0, 3)), st.integers(-4, 3)))


@st.composite
def two_dims(draw):
    x = draw(arrays(draw(maybe_empty_shapes(1, 4))))
    n = x.values.ndim
    return S(x, draw(dim_of(n)), draw(dim_of(n)))


spec("transpose", two_dims(), calls=("transpose", ".transpose", "swapaxes", ".swapaxes"))
spec("t", unary(max_dims=2), calls=("t", ".t", fn(["Tensor.T"], lambda L, x: x.T)))
spec("mT", unary(min_dims=2), calls=(fn(["Tensor.mT"], lambda L, x: x.mT),))


@st.composite
def permute_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes())))
    n = x.values.ndim
    perm = [p - n if draw(st.booleans()) else p for p in draw(st.permutations(range(n)))]
    return S(x, *perm) if perm and draw(st.booleans()) else S(x, tuple(perm))


spec("permute", permute_sample(), calls=(".permute", fn(["permute"], lambda L, x, *p: L.permute(
    x, p[0] if len(p) == 1 and isinstance(p[0], tuple) else p))),
     errors=[ErrorCase(S(A(np.ones((2, 3))), 0, 0), RuntimeError, "duplicate dims")])


@st.composite
def expand_sample(draw):
    x = draw(arrays(draw(shapes(0, 3, 1, 3))))
    target = [draw(st.sampled_from([1, 3])) if s == 1 else draw(st.sampled_from([s, -1]))
              for s in x.values.shape]
    target = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(0, 2)))] + target
    return S(x, *target) if target and draw(st.booleans()) else S(x, tuple(target))


spec("expand", expand_sample(), calls=(".expand",), errors=[
    ErrorCase(S(A(np.ones((2, 3))), 3, 3), RuntimeError,
              "The expanded size of the tensor (3) must match the existing size (2)")])
@st.composite
def broadcast_to_sample(draw):
    target = draw(shapes(0, 4, 0, 3))
    keep = draw(st.integers(0, len(target)))
    own = tuple(1 if draw(st.booleans()) else s for s in target[len(target) - keep:])
    return S(draw(arrays(st.just(own))), target)


spec("broadcast_to", broadcast_to_sample(), calls=("broadcast_to",))
spec("expand_as", st.builds(lambda x, y: S(x, y), arrays(st.just((3, 1))),
                            arrays(st.just((2, 3, 4)), requires_grad=False)),
     calls=(".expand_as",))


@st.composite
def repeat_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(0, 3))))
    n_reps = x.values.ndim + draw(st.integers(0, 2))
    reps = [draw(st.integers(0 if i else 1, 3)) for i in range(n_reps)]
    return S(x, *reps) if reps and draw(st.booleans()) else S(x, tuple(reps))


spec("repeat", repeat_sample(), calls=(".repeat",), errors=[
    ErrorCase(S(A(np.ones((2, 3))), 2), RuntimeError, "Number of dimensions of repeat dims")])


@st.composite
def cat_sample(draw, stack=False):
    shape = list(draw(maybe_empty_shapes(1, 3)))
    n = len(shape)
    d = draw(st.integers(-n - stack, n - 1 + stack))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        if not stack:
            s[d] = draw(st.integers(0, 3))
        parts.append(draw(arrays(tuple(s))))
    if not stack and draw(st.integers(0, 3)) == 0:
        parts.insert(1, draw(arrays(st.just((0,)))))  # torch's legacy: 1-D empty is skipped
    return S(parts, d) if draw(st.booleans()) else S(parts, dim=d)


spec("cat", cat_sample(), calls=("cat", "concat", "concatenate"), errors=[
    ErrorCase(S([A(np.ones((2, 3))), A(np.ones((2, 4)))], 0), RuntimeError,
              "Sizes of tensors must match except in dimension 0"),
    ErrorCase(S([], 0), ValueError, "expected a non-empty list of Tensors")])
spec("cat", st.just(S([A(np.ones((0,))), A(np.ones((2, 3)), dtype=np.int64), A(np.ones(0))])),
     # torch: float32, the skipped tensor counts
     calls=("cat",), variant="skipped_empty_still_counts")
spec("stack", st.just(S([A(np.ones((2, 3))), A(np.ones((2, 3)), dtype=np.int64)], dim=-1)),
     calls=("stack",), variant="promotes")
spec("stack", cat_sample(stack=True), errors=[
    ErrorCase(S([A(np.ones((2, 3))), A(np.ones((2, 4)))]), RuntimeError,
              "stack expects each tensor to be equal size")], calls=("stack",))


@st.composite
def split_sample(draw, chunk=False):
    x = draw(arrays(draw(maybe_empty_shapes(1, 3))))
    d = draw(dim_of(x.values.ndim))
    n = x.values.shape[d]
    if chunk:
        return S(x, draw(st.integers(1, 4)), d)
    if draw(st.booleans()) or n == 0:
        return S(x, draw(st.integers(1, 4)), d)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    return S(x, sizes, dim=d)


spec("split", split_sample())
spec("chunk", split_sample(chunk=True))
spec("unbind", st.builds(lambda x, d: S(x, d % x.values.ndim), arrays(shapes(1, 3)),
                         st.integers(0, 5)))
spec("flip", st.builds(lambda x, d: S(x, d if isinstance(d, tuple) else (d,)),
                       arrays(maybe_empty_shapes(1, 3)), st.just(0)))
spec("flip", st.builds(lambda x: S(x, (-1, 0)), arrays(shapes(2, 4))), variant="dims")

# ==== indexing ====================================================================================
def _np_index(index):
    """The same index with Arr placeholders replaced by their values (to predict shapes)."""
    if isinstance(index, tuple):
        return tuple(_np_index(i) for i in index)
    return index.values if isinstance(index, Arr) else index


@st.composite
def index_for(draw, shape, unique=False):
    """An index for `shape`: ints, slices (with steps), None, Ellipsis, bool masks and
    integer arrays (with repeats unless `unique`, which __setitem__ needs)."""
    items, dim, used_ellipsis, n = [], 0, False, len(shape)
    # after an Ellipsis the remaining items must index exactly the trailing dims
    while dim < n and (used_ellipsis or draw(st.integers(0, 3))):
        size = shape[dim]
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis", "mask", "ints"]))
        if kind == "int" and size:
            items.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            lo, hi = draw(st.integers(-size - 1, size + 1)), draw(st.integers(-size - 1, size + 1))
            items.append(slice(draw(st.sampled_from([lo, None])), draw(st.sampled_from([hi, None])),
                               draw(st.sampled_from([None, 1, 2, 3]))))
        elif kind == "none":
            items.append(None)
            continue
        elif kind == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            items.append(Ellipsis)
            dim = n - draw(st.integers(0, n - dim))  # the rest of the index covers the tail
            continue
        elif kind == "mask":
            mask_dims = draw(st.integers(1, n - dim))
            items.append(draw(arrays(st.just(shape[dim:dim + mask_dims]), "bool", layouts=False)))
            dim += mask_dims
            continue
        elif kind == "ints" and size:
            rng = np.random.default_rng(draw(seeds))
            count = draw(st.integers(0, size if unique else 4))
            idx = rng.permutation(size)[:count] if unique else rng.integers(-size, size, count)
            if not unique and draw(st.booleans()) and count % 2 == 0 and count:
                idx = idx.reshape(2, -1)  # a 2-D index array
            items.append(Arr(idx.astype(np.int64)))
        else:
            items.append(slice(None))
        dim += 1
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


def _too_many_arrays(index):
    """Several index arrays (masks count: they become integer arrays) must broadcast
    together; keep at most one to stay valid."""
    items = index if isinstance(index, tuple) else (index,)
    return sum(isinstance(i, Arr) for i in items) > 1


@st.composite
def getitem_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(1, 4))))
    index = draw(index_for(x.values.shape).filter(lambda i: not _too_many_arrays(i)))
    return S(x, index)


getitem = fn(["Tensor.__getitem__"], lambda L, x, index: x[index])
spec("getitem", getitem_sample(), calls=(getitem,), errors=[
    ErrorCase(S(A(np.ones((2, 3))), (0, 3)), IndexError,
              "index 3 is out of bounds for dimension 1"),
    ErrorCase(S(A(np.ones((2, 3))), (0, 0, 0)), IndexError, "too many indices"),
])


@st.composite
def setitem_sample(draw):
    x = draw(arrays(draw(shapes(1, 3))))
    index = draw(index_for(x.values.shape, unique=True).filter(lambda i: not _too_many_arrays(i)))
    target = x.values[_np_index(index)].shape
    if draw(st.booleans()):
        return S(x, index, draw(st.sampled_from([0.0, -2.5, 3])))
    own = target[draw(st.integers(0, len(target))):]
    own = tuple(1 if draw(st.booleans()) else s for s in own)
    return S(x, index, draw(arrays(st.just(own))))


def _setitem(L, x, index, value):
    y = x * 1
    y[index] = value
    return y


spec("setitem", setitem_sample(), calls=(fn(["Tensor.__setitem__"], _setitem),))


@st.composite
def gather_sample(draw, scatter=False, unique=False):
    x = draw(arrays(draw(shapes(1, 3))))
    n = x.values.ndim
    d = draw(dim_of(n))
    size = x.values.shape[d]
    idx_shape = [draw(st.integers(0, s)) for s in x.values.shape]
    rng = np.random.default_rng(draw(seeds))
    if unique:  # scatter with repeated indices has no defined winner in torch
        d %= n
        idx_shape[d] = min(idx_shape[d], size)
        idx = np.argsort(rng.random(tuple(idx_shape[:d]) + (size,) + tuple(idx_shape[d + 1:])),
                         axis=d)
        idx = np.take(idx, np.arange(idx_shape[d]), axis=d)
    else:
        idx_shape[d] = draw(st.integers(0, 4))
        idx = rng.integers(0, size, tuple(idx_shape))
    index = Arr(idx.astype(np.int64))
    if not scatter:
        return S(x, d, index)
    # torch allows a larger src, but its backward then fails ("invalid gradient"): same shape
    return S(x, d, index, draw(arrays(st.just(tuple(idx_shape)))))


spec("gather", gather_sample(), errors=[
    ErrorCase(S(A(np.ones((2, 3))), 1, A([[0, 3]], dtype=np.int64)), RuntimeError,
              "out of bounds for dimension 1 with size 3"),
    ErrorCase(S(A(np.ones((2, 3))), 1, A([[0.0, 1.0]], requires_grad=False)), RuntimeError,
              "Expected dtype int32/int64 for index")])
spec("scatter", gather_sample(scatter=True, unique=True),
     calls=("scatter", ".scatter",
            fn(["Tensor.scatter_"], lambda L, x, d, i, s: (x * 1).scatter_(d, i, s))))
spec("scatter", gather_sample(unique=True).map(lambda s: S(*s.args, value=-1.5)),
     calls=("scatter", ".scatter"), variant="value")
spec("scatter_add", gather_sample(scatter=True),
     calls=("scatter_add", ".scatter_add",
            fn(["Tensor.scatter_add_"], lambda L, x, d, i, s: (x * 1).scatter_add_(d, i, s))))


@st.composite
def index_select_sample(draw):
    x = draw(arrays(draw(shapes(1, 3))))
    d = draw(dim_of(x.values.ndim))
    rng = np.random.default_rng(draw(seeds))
    idx = rng.integers(0, x.values.shape[d], draw(st.integers(0, 5)))
    return S(x, d, Arr(idx.astype(draw(st.sampled_from([np.int64, np.int32])))))


spec("index_select", index_select_sample(), errors=[
    ErrorCase(S(A(np.ones((2, 3))), 0, A([2], dtype=np.int64)), IndexError, "index out of range")])
spec("index_fill_", index_select_sample().map(lambda s: S(*s.args, 2.5)),
     calls=(fn(["Tensor.index_fill_"], lambda L, x, d, i, v: (x * 1).index_fill_(d, i.long(), v)),))


@st.composite
def masked_sample(draw, tensor_value=False, mutual=False):
    x = draw(arrays(draw(shapes(0, 3))))
    shape = x.values.shape
    own = shape[draw(st.integers(0, len(shape))):]
    own = tuple(1 if draw(st.booleans()) else s for s in own)
    mask = draw(arrays(st.just(own), "bool"))
    if mutual:
        return S(x, mask) if draw(st.booleans()) else S(
            draw(arrays(st.just(own))), draw(arrays(st.just(shape), "bool")))
    value = draw(arrays(st.just(()))) if tensor_value else draw(st.sampled_from([0.0, -1e9, 2]))
    return S(x, mask, value)


spec("masked_fill", masked_sample(), calls=(
    "masked_fill", ".masked_fill",
    fn(["Tensor.masked_fill_"], lambda L, x, m, v: (x * 1).masked_fill_(m, v))), errors=[
    ErrorCase(S(A([1.0, 2.0]), A([1, 0], dtype=np.int64), 0.0), RuntimeError,
              "only supports boolean masks")])
spec("masked_fill", masked_sample(tensor_value=True), calls=("masked_fill",),
     variant="tensor_value")
spec("masked_select", masked_sample(mutual=True))
spec("nonzero", unary("small_int"), grad=False,
     calls=("nonzero", ".nonzero", fn(["nonzero"], lambda L, x: L.nonzero(x, as_tuple=True)),
            fn(["where"], lambda L, x: L.where(x > 0))))

# ==== in-place methods (on a non-leaf copy, so the graph continues through them) ============
for name, kind, arg in [("add_", "normal", 1.5), ("sub_", "normal", 1.5), ("mul_", "normal", -2),
                        ("div_", "normal", 4.0), ("pow_", "positive", 2), ("neg_", "normal", None),
                        ("exp_", "normal", None), ("sqrt_", "positive", None),
                        ("abs_", "int", None), ("relu_", "int", None),
                        ("sigmoid_", "normal", None), ("tanh_", "normal", None),
                        ("zero_", "normal", None), ("fill_", "normal", 2.5)]:
    call = fn(["Tensor." + name], lambda L, x, *a, name=name: getattr(x * 1, name)(*a))
    spec(name, unary(kind).map(lambda s, arg=arg: S(*s.args, *(() if arg is None else (arg,)))),
         calls=(call,))
inplace_binary = fn(["Tensor.add_", "Tensor.sub_", "Tensor.mul_", "Tensor.div_", "Tensor.copy_",
                     "Tensor.__iadd__", "Tensor.__isub__", "Tensor.__imul__",
                     "Tensor.__itruediv__"],
                    lambda L, x, y: [(x * 1).add_(y, alpha=2), (x * 1).sub_(y), (x * 1).mul_(y),
                                     (x * 1).div_(y.abs() + 1), (x * 1).copy_(y),
                                     _iops(x, y)])


def _iops(x, y):
    z = x * 1
    z += y
    z -= y * 2
    z *= y
    z /= y.abs() + 1
    return z


spec("inplace_binary", st.builds(lambda x, y: S(x, y), arrays(st.just((3, 4))),
                                 arrays(st.sampled_from([(3, 4), (4,), (1, 4), ()]))),
     calls=(inplace_binary,), errors=[
         ErrorCase(S(A([1, 2], dtype=np.int64), A([0.5, 0.5])), RuntimeError,
                   "result type Float can't be cast to the desired output type Long",
                   call=fn(["Tensor.add_"], lambda L, x, y: x.add_(y)))])
spec("clamp_", clamp_sample(), calls=(
    fn(["Tensor.clamp_", "Tensor.clip_", "clamp_"],
       lambda L, x, **k: ((x * 1).clamp_(**k), (x * 1).clip_(**k), L.clamp_(x * 1, **k))),))

# ==== nn.functional ops not covered by the nn helpers' tests (in-place variants, aliases) ======
def functional(L):
    return importlib.import_module(L.__name__ + ".nn.functional")


try:
    importlib.import_module("minitorch.nn.functional")
except ImportError:  # nn not written yet: nothing to register
    pass
else:
    for fname, kw in [("relu_", {}), ("elu_", {"alpha": 0.5}),
                      ("leaky_relu_", {"negative_slope": 0.1}),
                      ("hardtanh_", {"min_val": -1.0, "max_val": 2.0})]:
        spec("F." + fname, unary("int"), calls=(fn(["F." + fname], lambda L, x, fname=fname, kw=kw:
                                                    getattr(functional(L), fname)(x * 1, **kw)),))
    spec("F.upsample", st.builds(lambda x, s: S(x, scale_factor=s), arrays(shapes(4, 4, 1, 3)),
                                 st.sampled_from([1, 2, 3])),
         calls=(fn(["F.upsample"], lambda L, x, **k: functional(L).upsample(x, **k)),))

# ==== more families, one module each (tests/op_specs_<family>.py) =================================
# Each such module does `from op_specs import spec, S, ...` and registers its specs when
# imported here, so families can grow without everyone editing this one file.
for _path in sorted(Path(__file__).parent.glob("op_specs_*.py")):
    importlib.import_module(_path.stem)
