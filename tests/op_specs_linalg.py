"""Registry specs: diagonals and triangles, layout ops, linear algebra, einsum.

(minitorch/ops/diag.py, layout.py, linalg.py, einsum.py). Imported by op_specs.py.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from op_specs import DT, A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, dim_of, maybe_empty_shapes, shapes

# ==== diagonals and triangles (ops/diag.py) ======================================================
ONES23 = A(np.ones((2, 3)))


@st.composite
def triangle_sample(draw, kind="special"):
    x = draw(arrays(draw(maybe_empty_shapes(2, 4)), kind))
    k = draw(st.integers(-4, 4))
    return draw(st.sampled_from([S(x), S(x, k), S(x, diagonal=k)]))


for name in ["tril", "triu"]:
    spec(name, triangle_sample("normal"), errors=[
        ErrorCase(S(A(np.ones(3))), RuntimeError,
                  f"{name}: input tensor must have at least 2 dimensions"),
        ErrorCase(S(ONES23, 1.0), TypeError,
                  "must be int, not float")])
    # NaN and inf outside the kept triangle become 0 (not NaN * 0); ints and bools keep dtype
    spec(name, triangle_sample("special"), variant="special", grad=False,
         calls=(name, fn([name], lambda L, x, *a, name=name, **k:
                         (getattr(L, name)((x > 0).long(), *a, **k), getattr(L, name)(x > 0, *a, **k)))))


@st.composite
def diag_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(1, 2))))
    k = draw(st.integers(-4, 4))
    return draw(st.sampled_from([S(x), S(x, k), S(x, diagonal=k)]))


spec("diag", diag_sample(), errors=[
    ErrorCase(S(A(np.ones((2, 2, 2)))), RuntimeError, "diag(): Supports 1D or 2D tensors. Got 3D"),
    ErrorCase(S(A(1.0)), RuntimeError, "diag(): Supports 1D or 2D tensors. Got 0D")])
spec("diag", diag_sample().map(lambda s: S(Arr(s.args[0].values.astype(np.int64)), *s.args[1:],
                                            **s.kwargs)), variant="int", grad=False)


@st.composite
def diag_embed_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(1, 3))))
    n = x.values.ndim + 1
    d1, d2 = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=2,
                           unique_by=lambda d: d % n))
    k = draw(st.integers(-3, 3))
    return draw(st.sampled_from([S(x), S(x, k), S(x, k, d1, d2), S(x, offset=k, dim1=d1, dim2=d2)]))


spec("diag_embed", diag_embed_sample(), errors=[
    ErrorCase(S(ONES23, 1, 0, 0), RuntimeError, "diagonal dimensions cannot be identical 0, 0"),
    ErrorCase(S(ONES23, 1, 0, 5), IndexError,
              "Dimension out of range (expected to be in range of [-3, 2], but got 5)"),
    ErrorCase(S(A(1.0)), IndexError,
              "Dimension out of range (expected to be in range of [-1, 0], but got -2)")])
spec("trace", st.builds(S, arrays(maybe_empty_shapes(2, 2))), errors=[
    ErrorCase(S(A(np.ones(3))), RuntimeError, "trace: expected a matrix, but got tensor with dim 1"),
    ErrorCase(S(A(np.ones((2, 2)), dtype=bool)), NotImplementedError,
              "\"trace\" not implemented for 'Bool'")])
spec("trace", st.builds(S, arrays(maybe_empty_shapes(2, 2), "int64")), variant="int", grad=False,
     calls=("trace", fn(["trace"], lambda L, x: L.trace(x.int()))))


@st.composite
def block_diag_sample(draw, empty_vectors=False):
    kinds = draw(st.lists(st.sampled_from(["normal", "normal", "int64"]), min_size=0, max_size=4))
    shape = maybe_empty_shapes(0, 2)
    if not empty_vectors:
        shape = shape.filter(lambda s: s != (0,))
    return S(*[draw(arrays(draw(shape), k)) for k in kinds])


spec("block_diag", block_diag_sample(), calls=("block_diag",), errors=[
    ErrorCase(S(A(np.ones((2, 2, 2)))), RuntimeError,
              "Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions")])
# NOTE: an empty 1-D input is an empty row (1, 0) in torch's forward, but torch's backward
# forgets that row, so the later blocks get their neighbours' gradients; minitorch gives
# the right ones, so that case is compared forward only.
spec("block_diag", block_diag_sample(empty_vectors=True), calls=("block_diag",), grad=False,
     variant="empty_vector")


@st.composite
def triangle_indices_sample(draw):
    row, col, k = draw(st.integers(0, 5)), draw(st.integers(0, 5)), draw(st.integers(-6, 6))
    kw = draw(st.sampled_from([{}, {"dtype": DT("int32")}, {"dtype": DT("int64")}]))
    return draw(st.sampled_from([S(row, col, **kw), S(row, col, k, **kw)]))


spec("tril_indices", triangle_indices_sample(), grad=False, calls=("tril_indices", "triu_indices"),
     errors=[ErrorCase(S(-1, 4), RuntimeError, "row must be non-negative, got-1"),
             ErrorCase(S(3, -4), RuntimeError, "col must be non-negative, got-4",
                       call="triu_indices"),
             ErrorCase(S(3, 4, dtype=DT("float32")), NotImplementedError,
                       "\"tril_indices\" not implemented for 'Float'")])
