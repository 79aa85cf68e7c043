"""Registry specs for minitorch/ops/gamma_functions.py and bessel.py: lgamma digamma
polygamma mvlgamma, i0, sinc, signbit and the aliases absolute, positive (imported by op_specs.py).

The values reach where each function changes character: negative non-integers (the
reflection formulas), tiny and large positive x (the recurrences and the asymptotic
series), i0's switch at |x| = 8. `edges` specs pin torch's values at the poles, +-0,
+-inf and NaN, and their gradients there.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import A, ErrorCase, S, fn, spec
from strategies import Arr, unary

INF, NAN = np.inf, np.nan
INT = A([1, 2], dtype=np.int64)


def gamma_values(kwargs=None):
    """x > 0 log-spread over ~0.05 .. 1e5 (exp(4v - 3) for v ~ N(0, 1) above 0) and
    negative non-integers down to ~-30 (8v below 0)."""
    def move(s):
        x = s.args[0]
        v = x.values
        return S(Arr(np.where(v > 0, np.exp(4 * v - 3), 8 * v), x.layout), **s.kwargs)
    return unary("normal", kwargs=kwargs).map(move)


def calls_of(name, inplace=True):
    """Function, method and (on a non-leaf copy) the in-place method."""
    out = [name, "." + name]
    if inplace:
        out.append(fn(["Tensor." + name + "_"],
                      lambda L, x, *a, name=name, **k: getattr(x * 1, name + "_")(*a, **k)))
    return tuple(out)


def to_long(name, *args, match="result type Float can't be cast to the desired output type Long"):
    """torch's error for writing a float result into an integer tensor in place."""
    return ErrorCase(S(INT, *args), RuntimeError, match,
                     call=fn(["Tensor." + name + "_"],
                             lambda L, x, *a, name=name: getattr(x, name + "_")(*a)))


# ==== lgamma, digamma, polygamma(n, x), mvlgamma(x, p) ==========================================
spec("lgamma", gamma_values(), calls=calls_of("lgamma"), errors=[to_long("lgamma")])
spec("digamma", gamma_values(), calls=calls_of("digamma"), errors=[to_long("digamma")])


@st.composite
def polygamma_samples(draw):
    n = draw(st.integers(0, 5))
    return S(n, draw(gamma_values()).args[0])


NEGATIVE_N = "polygamma(n, x) does not support negative n."
spec("polygamma", polygamma_samples(), calls=(
    "polygamma", fn(["Tensor.polygamma"], lambda L, n, x: x.polygamma(n)),
    fn(["Tensor.polygamma_"], lambda L, n, x: (x * 1).polygamma_(n))), errors=[
        ErrorCase(S(-1, A([1.0])), RuntimeError, NEGATIVE_N),
        ErrorCase(S(A([1.0]), -1), RuntimeError, NEGATIVE_N,
                  call=fn(["Tensor.polygamma"], lambda L, x, n: x.polygamma(n))),
        ErrorCase(S(1.5, A([1.0])), TypeError,
                  "polygamma(): argument 'n' (position 1) must be int, not float")])
spec("mvlgamma", gamma_values(kwargs=st.sampled_from([{"p": 1}, {"p": 2}, {"p": 3}, {"p": 5}])),
     calls=calls_of("mvlgamma"), errors=[
         ErrorCase(S(A([1.0]), p=0), RuntimeError, "p has to be greater than or equal to 1"),
         ErrorCase(S(A([True]), p=2), RuntimeError,
                   "The input tensor may not be a boolean tensor."),
         # torch's mvlgamma_ words it backwards: "result type Long can't be cast to ... Float"
         to_long("mvlgamma", 2, match="can't be cast to the desired output type")])
# +-0, the negative integers, +-inf, NaN, tiny and huge x: torch's infinities and NaNs
EDGE_CALLS = ("lgamma", "digamma", "i0",
              fn(["polygamma"], lambda L, x: [L.polygamma(n, x) for n in range(5)]),
              fn(["mvlgamma"], lambda L, x: [L.mvlgamma(x, p) for p in (1, 3)]))
EDGES = [0.0, -0.0, 1.0, 2.0, -1.0, -3.0, -2.5, 10.0, INF, -INF, NAN]
TINY_HUGE = [1e-30, -1e-30, 1e30]
spec("lgamma", st.just(S(A(EDGES + TINY_HUGE))), variant="edges", calls=EDGE_CALLS)
spec("lgamma", st.just(S(A([1e-300, -1e-300, 1e300, -1e300, 1e17, 3e-160]))),
     variant="edges_float64", dtypes=("float64",), calls=EDGE_CALLS)
# sinc's gradient is 0 at 0 (torch's where); at tiny x torch's second derivative is 0 too,
# but only by the order in which its engine adds rounding-level terms (and near 1e-8 the
# formula cancels catastrophically in both): values only there
spec("sinc", st.just(S(A(EDGES + [0.5, -1.5]))), variant="edges", calls=("sinc",))
spec("sinc", st.just(S(A(TINY_HUGE + [1e-8, 1e-300, 1e-160]))), variant="tiny", grad=False,
     dtypes=("float64",), calls=("sinc",))
spec("lgamma", unary("int64"), variant="int_input", grad=False, calls=(
    "lgamma", "digamma", "i0", "sinc", fn(["polygamma"], lambda L, x: L.polygamma(2, x)),
    fn(["mvlgamma"], lambda L, x: L.mvlgamma(x, 2))))
spec("lgamma", unary("bool"), variant="bool_input", grad=False, dtypes=("float64",),
     calls=("lgamma", "digamma", "i0", "sinc", "signbit",
            fn(["polygamma"], lambda L, x: L.polygamma(3, x))))

# ==== i0 (its gradient is i1), sinc ===============================================================
spec("i0", unary("wide"), calls=calls_of("i0"), errors=[to_long("i0")])  # both sides of |x| = 8
spec("sinc", unary("halves"), calls=calls_of("sinc"), errors=[to_long("sinc")])  # 0 and integers
spec("sinc", unary("wide"), variant="wide", calls=("sinc",))

# ==== signbit (bool, no gradient), absolute (abs), positive (the input itself) ====================
spec("signbit", unary("special"), grad=False, calls=("signbit", ".signbit"))
spec("signbit", st.just(S(A([-0.0, 0.0, -1.5, 2.0, -INF, INF, NAN, -NAN]))), variant="edges",
     grad=False, calls=("signbit",))
spec("signbit", unary("int64"), variant="int_input", grad=False, calls=("signbit",))
spec("absolute", unary("int"), calls=calls_of("absolute"))  # ties at 0: gradient 0 there
spec("absolute", unary("int64"), variant="int_input", grad=False, calls=("absolute",))
spec("positive", unary(), calls=("positive", ".positive"), errors=[
    ErrorCase(S(A([True])), RuntimeError, "The `+` operator, on a bool tensor is not supported.")])
spec("positive", unary("int64"), variant="int_input", grad=False, calls=("positive",))
