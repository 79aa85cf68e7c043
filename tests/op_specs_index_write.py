"""Registry specs for writing through an index (minitorch/ops/index_write.py and
scatter_reduce.py): index_add, index_copy, index_fill, index_put, put, masked_scatter,
scatter_reduce, take_along_dim; imported by op_specs.py.

Repeated indices: index_add, index_put/put with accumulate=True and scatter_reduce combine
every value written to one place, so their samples repeat indices on purpose; torch leaves
the winner undefined for index_copy and index_put/put without accumulate, so theirs don't.
"""
from __future__ import annotations

from functools import partial

import numpy as np
from hypothesis import strategies as st
from op_specs import A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, dim_of, maybe_empty_shapes, seeds, shapes

ONES = np.ones((3, 4))
LONG = np.int64


def _index(values, dtype=LONG):
    return Arr(np.asarray(values).astype(dtype))


def _inplace(name):
    """A caller for Tensor.<name>_ on a non-leaf copy (torch refuses a leaf that needs grad)."""
    return fn(["Tensor." + name + "_"], lambda L, x, *a, **k: getattr(x * 1, name + "_")(*a, **k))


# ==== index_add / index_copy / index_fill =========================================================
@st.composite
def index_dim_sample(draw, kind="normal", unique=False, with_source=True, int32=False,
                     scalar_source=st.booleans()):
    """(x, dim, index[, source]): index a vector along dim (repeats unless `unique`), source
    x's shape with index.numel() along dim."""
    x = draw(arrays(draw(shapes(0, 3)), kind))
    shape = x.values.shape or (1,)
    d = draw(dim_of(len(x.values.shape)))
    size = shape[d]
    rng = np.random.default_rng(draw(seeds))
    if unique:
        idx = rng.permutation(size)[:draw(st.integers(0, size))]
    else:
        idx = rng.integers(0, size, draw(st.integers(0, 5)))
    index = _index(idx, draw(st.sampled_from([LONG, np.int32])) if int32 else LONG)
    if not with_source:
        return S(x, d, index)
    source_shape = list(shape)
    source_shape[d] = idx.size
    if not x.values.shape:  # a 0-dim x takes one index and a 0-dim source (index_add)
        index = _index(idx[:1] if idx.size else [0])
        source_shape = [] if draw(scalar_source) else [1]
    return S(x, d, index, draw(arrays(st.just(tuple(source_shape)), kind)))


alpha = st.sampled_from([{}, {"alpha": 2}, {"alpha": -0.5}])
index_add_sample = partial(index_dim_sample, scalar_source=st.just(True))
spec("index_add", st.builds(lambda s, k: S(*s.args, **k), index_add_sample(int32=True), alpha),
     calls=("index_add", ".index_add", _inplace("index_add")), errors=[
    ErrorCase(S(A(ONES), 0, A([0.0, 1.0], requires_grad=False), A(np.ones((2, 4)))),
              RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: Float"),
    ErrorCase(S(A(ONES), 0, A([[0, 0]], dtype=LONG), A(np.ones((2, 4)))), IndexError,
              "index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Long "
              "and size: [1, 2]"),
    ErrorCase(S(A(ONES), 0, A([3], dtype=LONG), A(np.ones((1, 4)))), RuntimeError,
              "index 3 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([-1], dtype=LONG), A(np.ones((1, 4)))), RuntimeError,
              "index -1 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones((2, 4)))), RuntimeError,
              "index_add_(): Number of indices (1) should be equal to source.size(dim): (2), "
              "for dim: 0"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones((1, 3)))), RuntimeError,
              "source tensor shape must match self tensor shape, excluding the specified "
              "dimension. Got self.shape = [3, 4] source.shape = [1, 3]"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones((1, 4)), dtype=LONG)),
              RuntimeError, "index_add_(): self (Float) and source (Long) must have the same "
                            "scalar type"),
    ErrorCase(S(A(ONES), 2, A([0], dtype=LONG), A(np.ones((1, 4)))), IndexError,
              "Dimension out of range (expected to be in range of [-2, 1], but got 2)")])
spec("index_add", st.builds(lambda s, k: S(*s.args, **k), index_add_sample("int64"),
                            st.sampled_from([{}, {"alpha": 3}])),
     variant="int", grad=False, dtypes=("float64",), calls=("index_add", _inplace("index_add")))

spec("index_copy", index_dim_sample(unique=True),
     calls=("index_copy", ".index_copy", _inplace("index_copy")), errors=[
    ErrorCase(S(A(ONES), 0, A([0], dtype=np.int32), A(np.ones((1, 4)))), RuntimeError,
              "index_copy_(): Expected a long tensor for index, but got Int"),
    ErrorCase(S(A(ONES), 0, A([3], dtype=LONG), A(np.ones((1, 4)))), IndexError,
              "index_copy_(): index 3 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([-1], dtype=LONG), A(np.ones((1, 4)))), IndexError,
              "index_copy_(): index -1 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones((2, 4)))), IndexError,
              "index_copy_(): Number of indices (1) should be equal to source.size(dim) (2)"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones((1, 3)))), RuntimeError,
              "index_copy_(): Source/destination tensor must have same slice shapes. "
              "Destination slice shape: 4 at dimension 0 and source slice shape: 3 at "
              "dimension 0."),
    ErrorCase(S(A(ONES), 0, A([[0]], dtype=LONG), A(np.ones((1, 4)))), IndexError,
              "index_copy_(): Index should have dimension 1 or 0 (got 2)"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A(np.ones(4))), IndexError,
              "index_copy_(): When source and destination are not scalars, their "
              "dimensionality must match. Source dimensionality (1), destination "
              "dimensionality (2)"),
    ErrorCase(S(A(ONES), 0, A([0, 1], dtype=LONG), A(1.0)), IndexError,
              "index_copy_(): When source is scalar, index should have one element (got 2)")])
spec("index_copy", index_dim_sample("int64", unique=True), variant="int", grad=False,
     dtypes=("float64",), calls=("index_copy", _inplace("index_copy")))

# Tensor.index_fill_ has its own spec in op_specs.py; negative indices are allowed here
fill_value = st.sampled_from([2.5, -1, 0.0])
spec("index_fill", st.builds(lambda s, v, neg: S(s.args[0], s.args[1], _negated(s, neg), v),
                             index_dim_sample(with_source=False), fill_value, st.booleans()),
     calls=("index_fill", ".index_fill", _inplace("index_fill")), errors=[
    ErrorCase(S(A(ONES), 0, A([0], dtype=np.int32), 1.0), IndexError,
              "index_fill_(): Expected dtype int64 for index."),
    ErrorCase(S(A(ONES), 0, A([3], dtype=LONG), 1.0), IndexError,
              "index 3 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([[0]], dtype=LONG), 1.0), RuntimeError,
              "Index has to be a vector/scalar"),
    ErrorCase(S(A(ONES), 0, A([0], dtype=LONG), A([1.0])), RuntimeError,
              "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
              "dimension(s)."),
    ErrorCase(S(A(ONES), 2, A([0], dtype=LONG), 1.0), IndexError, "Dimension out of range")])


def _negated(sample, negate):
    """The sample's index, counted from the end when `negate` (index - size)."""
    x, d, index = sample.args[:3]
    size = (x.values.shape or (1,))[d]
    return _index(index.values - size) if negate else index


# a 0-dim tensor value gets the gradient of each filled element once, repeats or not
# (torch's backward fails for a 0-dim x and no index: "Index to scalar can have only 1 value")
spec("index_fill", st.builds(lambda s, v: S(*s.args, v), index_dim_sample(with_source=False)
                             .filter(lambda s: s.args[0].values.ndim or s.args[2].values.size),
                             arrays(st.just(()))),
     variant="tensor_value", calls=("index_fill", ".index_fill"))
spec("index_fill", st.builds(lambda s, v: S(*s.args, v), index_dim_sample("int64",
                                                                          with_source=False),
                             st.sampled_from([3, -2, 1.5])),
     variant="int", grad=False, dtypes=("float64",), calls=("index_fill",))


# ==== index_put / put =============================================================================
@st.composite
def index_put_sample(draw, kind="normal", accumulate=False):
    """(x, indices, values[, accumulate]): k index vectors of one shape for x's first k dims
    (distinct positions unless accumulating), values broadcastable to x[indices]."""
    x = draw(arrays(draw(shapes(1, 3)), kind))
    shape = x.values.shape
    k = draw(st.integers(1, len(shape)))
    lead = int(np.prod(shape[:k]))
    rng = np.random.default_rng(draw(seeds))
    count = draw(st.integers(0, 4 if accumulate else min(lead, 4)))
    flat = rng.integers(0, lead, count) if accumulate else rng.permutation(lead)[:count]
    positions = np.unravel_index(flat, shape[:k])
    if draw(st.booleans()):
        positions = tuple(p - s for p, s in zip(positions, shape[:k]))  # negative ones
    indices = tuple(_index(p) for p in positions)
    result_shape = (count,) + shape[k:]
    values_shape = result_shape[draw(st.integers(0, len(result_shape))):]
    values_shape = tuple(1 if draw(st.booleans()) else n for n in values_shape)
    values = draw(arrays(st.just(values_shape), kind))
    if accumulate:
        return S(x, indices, values, True) if draw(st.booleans()) else \
            S(x, list(indices), values, accumulate=True)
    return S(x, indices, values)


spec("index_put", index_put_sample(), calls=("index_put", ".index_put", _inplace("index_put")),
     errors=[
    ErrorCase(S(A(ONES), (A([0], dtype=LONG),), A(1, dtype=LONG)), RuntimeError,
              "Index put requires the source and destination dtypes match, got Float for the "
              "destination and Long for the source."),
    ErrorCase(S(A(ONES), (A([3], dtype=LONG),), A(1.0)), IndexError,
              "index 3 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), (A([0.0], requires_grad=False),), A(1.0)), IndexError,
              "tensors used as indices must be long, int, byte or bool tensors"),
    ErrorCase(S(A(ONES), (A([0], dtype=LONG),) * 3, A(1.0)), IndexError,
              "too many indices for tensor of dimension 2 (got 3)"),
    ErrorCase(S(A(ONES), (A([0, 1], dtype=LONG), A([0, 1], dtype=LONG)), A([1.0, 2.0, 3.0])),
              RuntimeError, "shape mismatch: value tensor of shape [3] cannot be broadcast to "
                            "indexing result of shape [2]"),
    ErrorCase(S(A(ONES), (A([0], dtype=LONG),), 1.0), TypeError,
              "index_put(): argument 'values' (position 3) must be Tensor, not float")])
spec("index_put", index_put_sample(accumulate=True), variant="accumulate",
     calls=("index_put", ".index_put", _inplace("index_put")), errors=[
    ErrorCase(S(A(ONES), (A([-4], dtype=LONG),), A(1.0), True), IndexError,
              "index -4 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), (A([0, 1], dtype=LONG),), A(np.ones((2, 3))), True), RuntimeError,
              "shape mismatch: value tensor of shape [2, 3] cannot be broadcast to indexing "
              "result of shape [2, 4]")])
spec("index_put", index_put_sample("int64", accumulate=True), variant="int", grad=False,
     dtypes=("float64",), calls=("index_put", _inplace("index_put")))


@st.composite
def index_put_mask_sample(draw):
    """A bool mask over x's first dims; values a 0-dim tensor or one row of the rest."""
    x = draw(arrays(draw(shapes(1, 3))))
    shape = x.values.shape
    k = draw(st.integers(1, len(shape)))
    mask = draw(arrays(st.just(shape[:k]), "bool"))
    values = draw(arrays(st.just(draw(st.sampled_from([(), shape[k:]])))))
    return S(x, (mask,), values, draw(st.booleans()))


spec("index_put", index_put_mask_sample(), variant="mask", calls=("index_put", ".index_put"))


@st.composite
def put_sample(draw, kind="normal", accumulate=False):
    x = draw(arrays(draw(maybe_empty_shapes(0, 3)), kind))
    n = x.values.size
    rng = np.random.default_rng(draw(seeds))
    count = draw(st.integers(0, 5 if accumulate else min(n, 5))) if n else 0
    flat = rng.integers(0, n, count) if accumulate else rng.permutation(n)[:count]
    flat = np.where(rng.random(count) < 0.5, flat - n, flat)  # some counted from the end
    index_shape = (count,) if count != 4 or draw(st.booleans()) else (2, 2)
    source_shape = (count,) if draw(st.booleans()) else index_shape
    source = draw(arrays(st.just(source_shape), kind))
    index = _index(flat.reshape(index_shape))
    if accumulate:
        return S(x, index, source, True) if draw(st.booleans()) else \
            S(x, index, source, accumulate=True)
    return S(x, index, source)


spec("put", put_sample(), calls=("put", ".put", _inplace("put")), errors=[
    ErrorCase(S(A(ONES), A([12], dtype=LONG), A([1.0])), IndexError,
              "out of range: tried to access index 12 on a tensor of 12 elements."),
    ErrorCase(S(A(ONES), A([-13], dtype=LONG), A([1.0])), IndexError,
              "out of range: tried to access index -13 on a tensor of 12 elements."),
    ErrorCase(S(A(ONES), A([1, 2], dtype=LONG), A([1.0])), IndexError,
              "put_(): Expected source and index to have the same number of elements, but got "
              "source.numel() = 1, index.numel() = 2"),
    ErrorCase(S(A(ONES), A([1], dtype=np.int32), A([1.0])), RuntimeError,
              "put_(): Expected a long tensor for index, but got Int"),
    ErrorCase(S(A(ONES), A([1], dtype=LONG), A([1], dtype=LONG)), RuntimeError,
              "put_(): self and source expected to have the same dtype, but got self.dtype = "
              "Float and source.dtype = Long"),
    ErrorCase(S(A(np.ones(0)), A([0], dtype=LONG), A([1.0])), IndexError,
              "put_(): Tried to put elements into an empty tensor")])
spec("put", put_sample(accumulate=True), variant="accumulate",
     calls=("put", ".put", _inplace("put")))
spec("put", put_sample("int64", accumulate=True), variant="int", grad=False,
     dtypes=("float64",), calls=("put",))


# ==== masked_scatter ==============================================================================
@st.composite
def masked_scatter_sample(draw, kind="normal", mutual=False):
    """x, a mask broadcastable to x (or, with `mutual`, both broadcast), and a source with
    at least as many elements as the broadcast mask has True."""
    x = draw(arrays(draw(maybe_empty_shapes(0, 3)), kind))
    shape = x.values.shape
    own = shape[draw(st.integers(0, len(shape))):]
    own = tuple(1 if draw(st.booleans()) else s for s in own)
    mask = draw(arrays(st.just(own), "bool"))
    if mutual and draw(st.booleans()):  # the mask has x's shape, x is broadcast
        x, mask = draw(arrays(st.just(own), kind)), draw(arrays(st.just(shape), "bool"))
    full = np.broadcast_shapes(x.values.shape, mask.values.shape)
    count = int(np.broadcast_to(mask.values, full).sum()) + draw(st.integers(0, 3))
    source_shape = (count,) if count % 2 or draw(st.booleans()) else (2, count // 2)
    return S(x, mask, draw(arrays(st.just(source_shape), kind)))


spec("masked_scatter", masked_scatter_sample(),
     calls=("masked_scatter", ".masked_scatter", _inplace("masked_scatter")), errors=[
    ErrorCase(S(A(ONES), A([[1, 0, 1, 0]], dtype=LONG), A(np.ones(6))), RuntimeError,
              "masked_scatter_ only supports boolean masks, but got mask with dtype Long"),
    ErrorCase(S(A(ONES), A([[True, False, True, False]]), A(np.ones(6), dtype=LONG)),
              RuntimeError, "masked_scatter: expected self and source to have same dtypes but "
                            "gotFloat and Long"),
    ErrorCase(S(A(ONES), A([[True, False, True, False]]), A(np.ones(5))), RuntimeError,
              "Number of elements of source < number of ones in mask"),
    ErrorCase(S(A(ONES), A(np.ones((2, 4), dtype=bool)), A(np.ones(8))), RuntimeError,
              "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
              "dimension 0")])
spec("masked_scatter", masked_scatter_sample(mutual=True), variant="broadcast",
     calls=("masked_scatter",))
spec("masked_scatter", masked_scatter_sample("int64"), variant="int", grad=False,
     dtypes=("float64",), calls=("masked_scatter",))


# ==== scatter_reduce ==============================================================================
@st.composite
def scatter_reduce_sample(draw, reduce, kind="normal", src_kind=None, one_zero=False):
    """(x, dim, index, src, reduce[, include_self]): index no larger than x but along dim,
    repeats on purpose; src of index's shape. `one_zero` sets one src element to 0 (torch
    cannot differentiate prod twice with two zeros scattered to one place)."""
    x = draw(arrays(draw(shapes(0, 3)), kind))
    shape = x.values.shape or (1,)
    d = draw(dim_of(len(x.values.shape)))
    rng = np.random.default_rng(draw(seeds))
    idx_shape = [draw(st.integers(0, s)) for s in shape]
    idx_shape[d] = draw(st.integers(0, 5))
    idx = rng.integers(0, shape[d], idx_shape)
    if not x.values.shape and idx.size == 1 and draw(st.booleans()):
        idx = idx.reshape(())  # a 0-dim x takes a 0-dim index
    src = draw(arrays(st.just(idx.shape), src_kind or kind))
    if one_zero and src.values.size:
        src.values.reshape(-1)[rng.integers(src.values.size)] = 0.0
    kw = draw(st.sampled_from([{}, {"include_self": True}, {"include_self": False}]))
    return S(x, d, _index(idx, draw(st.sampled_from([LONG, np.int32]))), src, reduce, **kw)


scatter_reduce_calls = ("scatter_reduce", ".scatter_reduce", _inplace("scatter_reduce"))
spec("scatter_reduce", st.one_of(scatter_reduce_sample("sum"), scatter_reduce_sample("mean")),
     calls=scatter_reduce_calls, errors=[
    ErrorCase(S(A(ONES), 0, A([[0, 1]], dtype=LONG), A([[1.0, 2.0]]), "max2"), RuntimeError,
              "reduce argument must be either sum, prod, mean, amax or amin, got max2"),
    ErrorCase(S(A(ONES), 0, A([[0.0, 1.0]], requires_grad=False), A([[1.0, 2.0]]), "sum"),
              RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    ErrorCase(S(A(ONES), 0, A([[0, 3]], dtype=LONG), A([[1.0, 2.0]]), "sum"), RuntimeError,
              "index 3 is out of bounds for dimension 0 with size 3"),
    ErrorCase(S(A(ONES), 0, A([[0, 1]], dtype=LONG), A([[1, 2]], dtype=LONG),
                "sum"), RuntimeError, "scatter(): Expected self.dtype to be equal to src.dtype"),
    ErrorCase(S(A(ONES), 0, A(np.zeros((2, 5)), dtype=LONG), A(np.ones((2, 5))), "amax"),
              RuntimeError, "Expected index [2, 5] to be no larger than self [3, 4] apart from "
                            "dimension 0 and to be no larger size than src [2, 5]"),
    ErrorCase(S(A([True, False]), 0, A([0], dtype=LONG), A([True]), "mean"),
              NotImplementedError,
              "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")])
# prod: x with zeros, and one zero in src (the only zero of its group gets the product of
# the others); amax/amin: integer values, full of ties that split the gradient evenly
spec("scatter_reduce", st.one_of(
    scatter_reduce_sample("prod", "nonzero"),
    scatter_reduce_sample("prod", "zeros_inside", "nonzero", one_zero=True)),
     variant="prod", calls=scatter_reduce_calls, tol32=(1e-4, 1e-5))
spec("scatter_reduce", st.one_of(scatter_reduce_sample("amax", "int"),
                                 scatter_reduce_sample("amin", "int")),
     variant="amax_amin", calls=scatter_reduce_calls)
spec("scatter_reduce", st.sampled_from(["sum", "prod", "mean", "amax", "amin"]).flatmap(
    lambda r: scatter_reduce_sample(r, "int64")), variant="int", grad=False,
     dtypes=("float64",), calls=("scatter_reduce", _inplace("scatter_reduce")))


# ==== take_along_dim ==============================================================================
@st.composite
def take_along_dim_sample(draw):
    """x and indices of x's ndim, each dim x's size or 1 in either (broadcast), any length
    along dim; or dim=None: indices of any shape into the flattened x."""
    x = draw(arrays(draw(shapes(0, 3))))
    shape = x.values.shape
    rng = np.random.default_rng(draw(seeds))
    if not shape or draw(st.booleans()):  # dim=None (a 0-dim x takes no dim)
        x = Arr(x.values)  # contiguous: torch flattens x with view(-1)
        idx = rng.integers(0, x.values.size, draw(shapes(0, 2, 0, 3)))
        return S(x, _index(idx)) if draw(st.booleans()) else S(x, _index(idx), dim=None)
    d = draw(dim_of(len(shape)))
    idx_shape = [draw(st.sampled_from([n, 1])) for n in shape]
    idx_shape[d] = draw(st.integers(0, 4))
    if draw(st.booleans()):  # x of size 1 where indices are longer: x is broadcast
        other = [i for i in range(len(shape)) if i != d % len(shape) and idx_shape[i] > 1]
        if other:
            x = draw(arrays(st.just(tuple(1 if i == other[0] else n
                                           for i, n in enumerate(shape)))))
    idx = rng.integers(0, shape[d], idx_shape)
    return S(x, _index(idx), d) if draw(st.booleans()) else S(x, _index(idx), dim=d)


spec("take_along_dim", take_along_dim_sample(), errors=[
    ErrorCase(S(A(ONES), A([12], dtype=LONG)), RuntimeError,
              "index 12 is out of bounds for dimension 0 with size 12"),
    ErrorCase(S(A(ONES), A([0, 1], dtype=LONG), 1), RuntimeError,
              "torch.take_along_dim(): input and indices should have the same number of "
              "dimensions, but got 2 dimensions for input, and 1 dimensions for indices"),
    ErrorCase(S(A(ONES), A([[0]], dtype=np.int32), 1), RuntimeError,
              "torch.take_along_dim(): dtype of indices should be Long but got Int"),
    ErrorCase(S(A(ONES), A([[0], [2]], dtype=LONG), 1), RuntimeError,
              "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
              "dimension 0"),
    ErrorCase(S(A(ONES), A([[1]], dtype=LONG), 2), IndexError, "Dimension out of range"),
    ErrorCase(S(A(ONES, layout=("perm", (1, 0))), A([1], dtype=LONG)), RuntimeError,
              "view size is not compatible with input tensor's size and stride"),
    ErrorCase(S(A(2.0), A(0, dtype=LONG), 0), IndexError,
              "Dimension specified as 0 but tensor has no dimensions")])
