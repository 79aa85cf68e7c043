"""Registry specs for the elementwise math of minitorch/ops/trig.py, special.py and
rounding.py, and clamp_min/clamp_max (imported by op_specs.py).

Each op is called as a function, a method, through its aliases (arcsin, fix, ...) and
in place on a non-leaf copy (`(x * 1).tan_()`), so the in-place form's gradient is
checked too. `edges` specs pin the values where torch defines a gradient by convention
(atan2 and hypot at the origin, fmod's divisor gradient at 0, xlogy at x == 0, ...).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, binary, broadcast_shapes, maybe_empty_shapes, unary

INF, NAN = np.inf, np.nan


def shifted(kind, shift):
    """unary(kind) with `shift` added to the values (acosh needs x >= 1)."""
    def move(s):
        x = s.args[0]
        return S(Arr(x.values + shift, x.layout))
    return unary(kind).map(move)


def calls_of(name, *aliases, inplace=True, args=0):
    """Function, method, aliases (both forms) and the in-place methods of every name."""
    out = []
    for n in (name,) + aliases:
        out += [n, "." + n]
        if inplace:
            out.append(fn(["Tensor." + n + "_"],
                          lambda L, x, *a, n=n, **k: getattr(x * 1, n + "_")(*a, **k)))
    return tuple(out)



NO_INPLACE_GRAD = {"asinh": ("arcsinh",), "acosh": ("arccosh",), "atanh": ("arctanh",)}

# ==== unary, float-valued: integer inputs give the default float =================================
for name, aliases, kind, tol32 in [
        ("tan", (), "unit", None), ("asin", ("arcsin",), "unit", None),
        ("acos", ("arccos",), "unit", None), ("atan", ("arctan",), "wide", None),
        ("sinh", (), "normal", None), ("cosh", (), "normal", None),
        ("asinh", ("arcsinh",), "wide", None), ("atanh", ("arctanh",), "unit", None),
        ("erf", (), "normal", None), ("erfc", (), "normal", None),
        ("erfinv", (), "unit", (1e-5, 1e-4)), ("expm1", (), "normal", None),
        ("exp2", (), "normal", None), ("log10", (), "positive", None),
        ("deg2rad", (), "wide", None), ("rad2deg", (), "normal", (1e-5, 1e-3))]:
    no_inplace_grad = name in NO_INPLACE_GRAD
    spec(name, unary(kind), calls=calls_of(name, *aliases, inplace=not no_inplace_grad),
         tol32=tol32 or (1e-5, 1e-5),
         errors=[ErrorCase(S(A([1, 2], dtype=np.int64)), RuntimeError,
                           "result type Float can't be cast to the desired output type Long",
                           call=fn(["Tensor." + name + "_"],
                                   lambda L, x, name=name: getattr(x, name + "_")()))])
spec("acosh", shifted("positive", 0.8), calls=calls_of("acosh", "arccosh", inplace=False))
# torch can't differentiate asinh_, acosh_, atanh_ (x is overwritten): forward only, and
# backward raises
for name, aliases in NO_INPLACE_GRAD.items():
    spec(name + "_", shifted("unit", 1.5 if name == "acosh" else 0), grad=False,
         calls=tuple(fn(["Tensor." + n + "_"], lambda L, x, n=n: getattr(x * 1, n + "_")())
                     for n in (name,) + aliases),
         errors=[ErrorCase(S(A([0.5, 0.25] if name != "acosh" else [1.5, 2.0])),
                           NotImplementedError,
                           f"the derivative for 'inplace version of {name}' is not implemented",
                           call=fn(["Tensor." + name + "_"], lambda L, x, name=name:
                                   getattr(x * 1, name + "_")().sum().backward()))])
spec("erfc", unary("wide"), variant="tails", calls=("erfc", "erf"))  # |x| up to ~60
# out of the domain: NaN (and +-inf for erfinv(+-1), atanh(+-1)), exactly where torch has them
spec("asin", st.just(S(A([-1.5, -1.0, 1.0, 1.5, INF, NAN]))), variant="edges",
     calls=("asin", "acos", "atanh", "acosh", "erfinv", "erf", "erfc", "tan", "sinh", "cosh",
            "asinh", "atan", "expm1", "exp2", "log10"))
spec("tan", unary("int64"), variant="int_input", grad=False,
     calls=("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf",
            "erfc", "erfinv", "expm1", "exp2", "log10", "deg2rad", "rad2deg"))
spec("tan", unary("bool"), variant="bool_input", grad=False, dtypes=("float64",),
     calls=("tan", "erf", "erfinv", "exp2", "deg2rad"))

# ==== rounding and sign: integer inputs keep their dtype ==========================================
spec("trunc", unary("halves"), calls=calls_of("trunc", "fix"), errors=[
    ErrorCase(S(A([True, False])), NotImplementedError,
              "\"trunc_vml_cpu\" not implemented for 'Bool'")])
spec("trunc", unary("int64"), variant="int_input", grad=False,
     calls=("trunc", "fix", "sgn", "nan_to_num", fn(["Tensor.trunc_"], lambda L, x: x.trunc_())))
spec("frac", unary("halves"), calls=calls_of("frac"), errors=[
    ErrorCase(S(A([1, 2], dtype=np.int64)), NotImplementedError,
              "\"frac_cpu\" not implemented for 'Long'")])
# sgn + x: torch's gradient of sgn alone is a "ZeroTensor" that can't be read back
spec("sgn", unary("int"), calls=tuple(
    fn(c.covers if callable(c) else [c.replace(".", "Tensor.")],
       lambda L, x, c=c: (c(L, x) if callable(c) else
                          (x.sgn() if c.startswith(".") else L.sgn(x))) + x)
    for c in calls_of("sgn")))
spec("sgn", unary("bool"), variant="bool", grad=False, calls=("sgn",))
nan_kw = st.sampled_from([{}, {"nan": 2.0}, {"nan": -1.0, "posinf": 1e3},
                          {"neginf": -5.0}, {"posinf": 1e300}, {"nan": 0.5, "posinf": 2.0,
                                                                 "neginf": -3.0}])
spec("nan_to_num", unary("special", kwargs=nan_kw), calls=calls_of("nan_to_num"))
spec("nan_to_num", st.just(S(A([NAN, INF, -INF, 1.0]), 1.0, 2.0, -3.0)), variant="positional",
     calls=("nan_to_num", ".nan_to_num"))

# ==== two-input ===================================================================================
SAME_SIZE = "must match the size of tensor b"
spec("atan2", binary("normal", "normal", scalar=False), calls=calls_of("atan2", "arctan2"),
     may_raise=True,  # the in-place form can't grow self to the broadcast shape
     errors=[ErrorCase(S(A([1.0]), 2.0), TypeError,
                       "atan2(): argument 'other' (position 2) must be Tensor, not float"),
             ErrorCase(S(A(np.ones(3)), A(np.ones(2))), RuntimeError, SAME_SIZE)])
spec("hypot", binary("normal", "normal", scalar=False), calls=calls_of("hypot"),
     may_raise=True, errors=[
         ErrorCase(S(A([1, 2], dtype=np.int64), A([1, 2], dtype=np.int64)),
                   NotImplementedError, "\"hypot_cpu\" not implemented for 'Long'"),
         ErrorCase(S(A([1.0]), 2.0), TypeError, "must be Tensor, not float")])
# NOTE: the gradients at the origin: 0 for atan2 (torch zeroes the infinite 1/r**2), NaN
# for hypot (0/0); at -0.0 atan2's value depends on the sign of zero
ORIGIN = S(A([0.0, 0.0, -0.0, 3.0, 0.0]), A([0.0, -0.0, 0.0, 0.0, 2.0]))
spec("atan2", st.just(ORIGIN), variant="edges", calls=("atan2", "hypot"))
spec("atan2", binary("int64", "int64", scalar=False), variant="int_input", grad=False,
     calls=("atan2",))
spec("fmod", binary("normal", "nonzero"), calls=calls_of("fmod"), may_raise=True,
     tol64=(1e-9, 1e-11), tol32=(1e-4, 1e-4), errors=[
         ErrorCase(S(A([1, 2], dtype=np.int64), 0), RuntimeError, "ZeroDivisionError"),
         ErrorCase(S(A([True]), A([True])), NotImplementedError,
                   "\"fmod_cpu\" not implemented for 'Bool'"),
         ErrorCase(S(2, A([1.0])), TypeError, "fmod() received an invalid combination")])


@st.composite
def int_division(draw):
    sa, sb = draw(broadcast_shapes(2))
    a, b = draw(arrays(sa, "int64")), draw(arrays(sb, "int64"))
    b.values[b.values == 0] = 3
    if draw(st.booleans()):
        return S(a, int(draw(st.sampled_from([-3, 2, 5]))))
    return S(a, b)


spec("fmod", int_division(), variant="int", grad=False, calls=("fmod", ".fmod"))
# the sign of the dividend (remainder takes the divisor's); d/db = -trunc(a/b), -inf at b = 0
spec("fmod", st.just(S(A([5.0, -5.0, 5.5, -5.5, 3.0, 0.0]), A([2.0, 2.0, -2.0, -2.0, 0.0, 0.0]))),
     variant="edges", calls=("fmod", ".fmod"))
spec("logaddexp", binary("wide", "wide", scalar=False), calls=("logaddexp", ".logaddexp"),
     errors=[ErrorCase(S(A([1, 2], dtype=np.int64), A([1, 2], dtype=np.int64)),
                       NotImplementedError, "\"logaddexp_cpu\" not implemented for 'Long'"),
             ErrorCase(S(A([1.0]), 2.0), TypeError, "must be Tensor, not float")])
spec("logaddexp2", binary("wide", "wide", scalar=False), calls=("logaddexp2", ".logaddexp2"),
     errors=[ErrorCase(S(A([1, 2], dtype=np.int64), A([1, 2], dtype=np.int64)),
                       NotImplementedError, "\"logaddexp2_cpu\" not implemented for 'Long'")])
spec("logaddexp", st.just(S(A([-INF, INF, INF, -INF, 1.0, 800.0]),
                            A([-INF, INF, -INF, 3.0, 1.0, -800.0]))),
     variant="edges", calls=("logaddexp", "logaddexp2"))
spec("xlogy", binary("zeros_inside", "positive"), calls=calls_of("xlogy"), may_raise=True)
spec("xlogy", st.builds(lambda s, x: S(s, x), st.sampled_from([0, 2.0, -1.5]),
                        arrays(maybe_empty_shapes(), "positive")),
     variant="scalar_first", calls=("xlogy",))
# d/dx = log y, but 0 where x == 0 and y <= 0; d/dy = x / y (NaN at 0/0)
spec("xlogy", st.just(S(A([0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
                        A([0.0, 2.0, 0.0, -1.0, -1.0, NAN, INF, 0.5]))),
     variant="edges", calls=("xlogy",))
spec("xlogy", binary("int64", "int64"), variant="int_input", grad=False, calls=("xlogy",))
spec("copysign", binary("int", "normal"), calls=calls_of("copysign"), may_raise=True,
     errors=[ErrorCase(S(2, A([1.0])), TypeError, "copysign() received an invalid combination")])
spec("copysign", st.just(S(A([0.0, -0.0, 2.0, -3.0, 1.0]), A([-1.0, 1.0, -0.0, 0.0, NAN]))),
     variant="edges", calls=("copysign",))
spec("copysign", binary("int64", "int64"), variant="int_input", grad=False,
     calls=("copysign",))
spec("heaviside", binary("int", "normal", scalar=False), grad=False, may_raise=True,
     calls=calls_of("heaviside"), errors=[
         ErrorCase(S(A([1.0, 0.0]), A([1, 2], dtype=np.int64)), RuntimeError,
                   "heaviside is not yet implemented for tensors with different dtypes"),
         ErrorCase(S(A([1.0]), 0.5), TypeError, "must be Tensor, not float"),
         ErrorCase(S(A([1.0, 0.0]), A([0.5])), RuntimeError,
                   "derivative for aten::heaviside is not implemented",
                   call=fn(["heaviside"], lambda L, x, v: L.heaviside(x, v).sum().backward()))])
spec("heaviside", st.just(S(A([NAN, 0.0, -0.0, INF, -INF]), A([2.0, 3.0, 4.0, 5.0, 6.0]))),
     variant="edges", grad=False, calls=("heaviside",))
spec("heaviside", binary("int64", "int64", scalar=False), variant="int_input", grad=False,
     calls=("heaviside",))

# float_power computes in float64 whatever the inputs; gradients come back in their dtype
spec("float_power", binary("positive", "normal"), calls=("float_power", ".float_power"),
     tol32=(1e-5, 1e-5))
spec("float_power", st.builds(lambda s, x: S(s, x), st.sampled_from([2, 0.5]),
                              arrays(maybe_empty_shapes(), "normal")),
     variant="scalar_base", calls=("float_power",))
spec("float_power", binary("int64", "small_int"), variant="int_input", grad=False,
     calls=("float_power",))
spec("float_power_", binary("positive", "normal"), may_raise=True,
     calls=(fn(["Tensor.float_power_"], lambda L, x, e: (x.double() * 1).float_power_(e)),),
     errors=[ErrorCase(S(A([1.0, 2.0]), 2), RuntimeError,
                       "the base given to float_power_ has dtype Float but the operation's "
                       "result requires dtype Double",
                       call=fn(["Tensor.float_power_"], lambda L, x, e: (x * 1).float_power_(e)))])


# ==== clamp_min / clamp_max: scalar or tensor bound, ties at the boundary ========================
@st.composite
def one_bound(draw):
    x = draw(arrays(draw(maybe_empty_shapes()), "int"))
    if draw(st.booleans()):
        return S(x, draw(st.sampled_from([-1, -0.5, 0, 2])))
    return S(x, draw(arrays(st.just(x.values.shape[1:]), "int")))


for name in ["clamp_min", "clamp_max"]:
    spec(name, one_bound(), calls=calls_of(name), errors=[
        ErrorCase(S(A([1.0]), None), TypeError, f"{name}() received an invalid combination")])
spec("clamp_min", st.builds(lambda x, m: S(x, m), arrays(maybe_empty_shapes(), "int64"),
                            st.sampled_from([0, 1, 0.5])),
     variant="int_input", grad=False, calls=("clamp_min", "clamp_max"))

# ==== casts missing before ========================================================================
spec("short", unary("wide"), grad=False,
     calls=(fn(["Tensor.short", "Tensor.char"], lambda L, x: (x.short(), (x / 10).char())),))
