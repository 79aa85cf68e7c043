"""Registry specs for the views of minitorch/ops/view_ops.py: narrow, select,
movedim/moveaxis, diagonal and Tensor.unfold (imported by op_specs.py)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, dim_of, maybe_empty_shapes, shapes

ONES = np.ones((3, 4))


def _either(draw, x, **kwargs):
    """The call with its arguments passed by position or by keyword (in this order)."""
    return S(x, *kwargs.values()) if draw(st.booleans()) else S(x, **kwargs)


# ---- narrow ----------------------------------------------------------------------------------
@st.composite
def narrow_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(1, 4))))
    d = draw(dim_of(x.values.ndim))
    size = x.values.shape[d]
    start = draw(st.integers(-size, size))  # start == size: an empty slice at the end
    length = draw(st.integers(0, size - (start + size if start < 0 else start)))
    if draw(st.integers(0, 3)) == 0:  # torch also takes a 0-d integer tensor
        start = Arr(np.asarray(start, dtype=np.int64))
    return _either(draw, x, dim=d, start=start, length=length)


spec("narrow", narrow_sample(), errors=[
    ErrorCase(S(A(ONES), 0, 4, 1), IndexError,
              "start out of range (expected to be in range of [-3, 3], but got 4)"),
    ErrorCase(S(A(ONES), 0, -4, 1), IndexError, "but got -4)"),
    ErrorCase(S(A(ONES), 0, 2, 2), RuntimeError,
              "start (2) + length (2) exceeds dimension size (3)."),
    ErrorCase(S(A(ONES), 0, -1, 2), RuntimeError,  # the message shows start wrapped
              "start (2) + length (2) exceeds dimension size (3)."),
    ErrorCase(S(A(ONES), 0, 1, -1), RuntimeError, "narrow(): length must be non-negative."),
    ErrorCase(S(A(ONES), 2, 0, 1), IndexError, "Dimension out of range"),
    ErrorCase(S(A(1.0), 0, 0, 1), RuntimeError, "narrow() cannot be applied to a 0-dim tensor."),
    ErrorCase(S(A(ONES), 0, A(1.0), 1), RuntimeError, "start must be an 0-dim integral Tensor."),
    ErrorCase(S(A(ONES), 0, A([1], dtype=np.int64), 1), RuntimeError,
              "start must be an 0-dim integral Tensor."),
    ErrorCase(S(A(ONES), 0, 1.0, 1), TypeError, "narrow()"),
])


# ---- select ----------------------------------------------------------------------------------
@st.composite
def select_sample(draw):
    shape = draw(maybe_empty_shapes(1, 4).filter(lambda s: any(s)))
    x = draw(arrays(shape))
    d = draw(st.sampled_from([i for i, n in enumerate(shape) if n]))
    d -= len(shape) if draw(st.booleans()) else 0
    index = draw(st.integers(-shape[d], shape[d] - 1))
    return _either(draw, x, dim=d, index=index)


spec("select", select_sample(), errors=[
    ErrorCase(S(A(ONES), 0, 3), IndexError,
              "select(): index 3 out of range for tensor of size [3, 4] at dimension 0"),
    ErrorCase(S(A(ONES), -1, -5), IndexError,
              "select(): index -5 out of range for tensor of size [3, 4] at dimension 1"),
    ErrorCase(S(A(np.ones((0, 2))), 0, 0), IndexError, "index 0 out of range"),
    ErrorCase(S(A(1.0), 0, 0), IndexError, "select() cannot be applied to a 0-dim tensor."),
    ErrorCase(S(A(ONES), 2, 0), IndexError, "Dimension out of range"),
    ErrorCase(S(A(ONES), 0, 1.0), TypeError, "select(): argument 'index'"),
])


# ---- movedim / moveaxis ------------------------------------------------------------------------
@st.composite
def movedim_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(0, 4))))
    n = x.values.ndim
    k = draw(st.integers(0, n))

    def some_dims():
        dims = draw(st.permutations(range(max(n, 1))))[:max(k, n == 0)]
        return [d - max(n, 1) if draw(st.booleans()) else d for d in dims]

    src, dst = some_dims(), some_dims()
    form = draw(st.sampled_from(["int", "tuple", "list"]) if len(src) == 1
                else st.sampled_from(["tuple", "list"]))
    if form == "int":
        src, dst = src[0], dst[0]
    elif form == "tuple":
        src, dst = tuple(src), tuple(dst)
    return _either(draw, x, source=src, destination=dst)


X3 = A(np.ones((2, 3, 4)))
spec("movedim", movedim_sample(), calls=("movedim", ".movedim", "moveaxis", ".moveaxis"),
     errors=[
    ErrorCase(S(X3, (0, 1), (2,)), RuntimeError,
              "movedim: Invalid source or destination dims: source ([0, 1] dims) should "
              "contain the same number of dims as destination ([2] dims)"),
    ErrorCase(S(X3, (0, -3), (1, 2)), RuntimeError, "movedim: repeated dim in `source` ([0, -3])"),
    ErrorCase(S(X3, [0, 1], [2, 2]), RuntimeError,
              "movedim: repeated dim in `destination` ([2, 2])"),
    ErrorCase(S(X3, (0, 1, 2, 3), (0, 1, 2, 1)), IndexError,
              "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ErrorCase(S(A(1.0), 1, 0), IndexError, "expected to be in range of [-1, 0], but got 1"),
    ErrorCase(S(X3, (0, 1), 2), TypeError,
              "movedim() received an invalid combination of arguments - got (Tensor, tuple, int)"),
    ErrorCase(S(X3, 0, [2]), TypeError,
              "movedim() received an invalid combination of arguments - got (Tensor, int, list)"),
])


# ---- diagonal ----------------------------------------------------------------------------------
@st.composite
def diagonal_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(2, 4))))
    n = x.values.ndim
    if draw(st.integers(0, 4)) == 0:
        return S(x)
    d1, d2 = draw(st.permutations(range(n)))[:2]
    d1, d2 = (d - n if draw(st.booleans()) else d for d in (d1, d2))
    offset = draw(st.integers(-5, 5))  # past the edge gives an empty diagonal
    return _either(draw, x, offset=offset, dim1=d1, dim2=d2)


spec("diagonal", diagonal_sample(), errors=[
    ErrorCase(S(A(ONES), 0, 0, 0), RuntimeError, "diagonal dimensions cannot be identical 0, 0"),
    ErrorCase(S(A(np.ones((2, 3, 4))), 0, -1, 2), RuntimeError,
              "diagonal dimensions cannot be identical -1, 2"),
    ErrorCase(S(A(np.ones(3))), IndexError,
              "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ErrorCase(S(A(ONES), 1.0), TypeError, "diagonal(): argument 'offset'"),
])


# ---- Tensor.unfold (torch has no torch.unfold) -------------------------------------------------
@st.composite
def unfold_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(0, 4))))
    n = x.values.ndim
    d = draw(dim_of(n))
    longest = x.values.shape[d] if n else 1
    size, step = draw(st.integers(0, longest)), draw(st.integers(1, 4))
    return _either(draw, x, dimension=d, size=size, step=step)


spec("unfold", unfold_sample(), calls=(".unfold",), errors=[
    ErrorCase(S(A(ONES), 0, 4, 1), RuntimeError,
              "maximum size for tensor at dimension 0 is 3 but size is 4"),
    ErrorCase(S(A(ONES), -1, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    ErrorCase(S(A(ONES), 0, -1, 0), RuntimeError, "size is -1 but must be >= 0"),
    ErrorCase(S(A(1.0), 0, 2, 1), RuntimeError,
              "maximum size for tensor at dimension 0 is 1 but size is 2"),
    ErrorCase(S(A(ONES), 2, 1, 1), IndexError, "Dimension out of range"),
])
# overlapping windows (step < size) of a 2-d input: gradients add up where windows share
spec("unfold", st.builds(lambda x: S(x, 1, 3, 1), arrays(shapes(2, 2, 3, 5))),
     calls=(fn(["Tensor.unfold"], lambda L, x, *a: x.unfold(*a) * 2),), variant="overlap")
