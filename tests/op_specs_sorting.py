"""Registry specs for sorting, selection, scans and lookups (minitorch/ops/sorting.py,
scan.py, lookup.py); imported by op_specs.py.

Ties: sort and cummax/cummin have one right answer for the indices (torch's sort is
stable; cummax takes the latest equal element), so they draw "int" values full of ties
and compare indices exactly. topk/kthvalue/median pick among tied elements with torch's
quickselect, whose choice is unspecified: their index specs draw distinct values, and the
"ties" variants check the values and that each index points at an element equal to it.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import DT, A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, dim_of, maybe_empty_shapes, seeds, shapes

ONES = np.ones((2, 3))
LONG = np.int64


@st.composite
def along_dim(draw, kind="normal", min_size=0, max_dims=4):
    """An array and a dim whose size is at least `min_size` (a 0-dim array counts as one
    element along dim 0 / -1, as in torch)."""
    shape = draw(maybe_empty_shapes(0, max_dims))
    x_shape = list(shape)
    d = draw(dim_of(len(shape)))
    if x_shape and x_shape[d] < min_size:
        x_shape[d] = min_size
    x = draw(arrays(tuple(x_shape), kind))
    return x, d, (x_shape[d] if x_shape else 1)


# ==== sort / argsort / msort ======================================================================
@st.composite
def sort_sample(draw, kind="int"):
    x, d, _ = draw(along_dim(kind))
    descending, stable = draw(st.booleans()), draw(st.booleans())
    if draw(st.booleans()):
        return S(x, d, descending)
    return S(x, dim=d, descending=descending, stable=stable)


spec("sort", sort_sample(), errors=[
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range (expected to be in range of "
                                         "[-2, 1], but got 2)")])
spec("sort", sort_sample("special"), variant="nan")  # NaN last, first when descending
spec("sort", sort_sample("int64"), variant="int", grad=False, dtypes=("float64",))
spec("argsort", sort_sample(), grad=False, calls=("argsort", ".argsort"))
spec("argsort", sort_sample("special"), grad=False, calls=("argsort",), variant="nan")
spec("msort", st.builds(lambda x: S(x), arrays(maybe_empty_shapes(0, 3), "int")),
     calls=("msort", ".msort"))


# ==== topk / kthvalue / median ====================================================================
@st.composite
def topk_sample(draw, kind="normal"):
    x, d, n = draw(along_dim(kind))
    k = draw(st.integers(0, n))
    largest = draw(st.booleans())
    if draw(st.booleans()):
        return S(x, k, d, largest)
    return S(x, k, dim=d, largest=largest, sorted=True)


spec("topk", topk_sample(), errors=[
    ErrorCase(S(A(ONES), 4), RuntimeError, "selected index k out of range"),
    ErrorCase(S(A(ONES), -1), RuntimeError, "selected index k out of range"),
    ErrorCase(S(A([True, False]), 1), RuntimeError, "topk does not support bool dtypes"),
    ErrorCase(S(A(ONES), 1, 2), IndexError, "Dimension out of range")])
spec("topk", topk_sample("int64"), variant="int", grad=False, dtypes=("float64",),
     calls=(fn(["topk"], lambda L, x, k, *a, **kw: L.topk(x, k, *a, **kw).values),))


def _topk_ties(L, x, k, *args, **kwargs):
    """(values, x at the returned indices): with ties, any tied index is right."""
    out = L.topk(x, k, *args, **kwargs)
    dim = kwargs.get("dim", args[0] if args else -1)
    return out.values, x.gather(dim, out.indices) if x.dim() else x


spec("topk", topk_sample("int"), variant="ties", grad=False, calls=(fn(["topk"], _topk_ties),))
# sorted=False: torch leaves the k values in an unspecified order; compare them sorted
spec("topk", topk_sample(), variant="unsorted", calls=(
    fn(["topk"], lambda L, x, k, *a, **kw: L.topk(x, k, *a, **{**kw, "sorted": False})
       .values.sort(kw.get("dim", a[0] if a else -1)).values),))


def _values_and_their_elements(L, name, x, *args, dim, keepdim):
    """(values, x at the returned indices): with ties, any tied index is right."""
    out = getattr(L, name)(x, *args, dim=dim, keepdim=keepdim)
    idx = out.indices if keepdim or x.dim() == 0 else out.indices.unsqueeze(dim)
    return out.values, x.gather(dim, idx) if x.dim() else x


@st.composite
def kthvalue_sample(draw, kind="normal"):
    x, d, n = draw(along_dim(kind, min_size=1))
    k = draw(st.integers(1, n))
    keepdim = draw(st.booleans())
    return S(x, k, d, keepdim) if draw(st.booleans()) else S(x, k, dim=d, keepdim=keepdim)


spec("kthvalue", kthvalue_sample(), errors=[
    ErrorCase(S(A(ONES), 4), RuntimeError,
              "kthvalue(): selected number k out of range for dimension 1"),
    ErrorCase(S(A(ONES), 0, 0), RuntimeError,
              "kthvalue(): selected number k out of range for dimension 0"),
    ErrorCase(S(A([True, False]), 1), NotImplementedError,
              "\"kthvalue_cpu\" not implemented for 'Bool'")])
spec("kthvalue", kthvalue_sample("int").filter(lambda s: len(s.args) == 2), variant="ties",
     grad=False,
     calls=(fn(["kthvalue"], lambda L, x, k, **kw: _values_and_their_elements(
         L, "kthvalue", x, k, **kw)),))


@st.composite
def median_dim_sample(draw, kind="normal"):
    x, d, _ = draw(along_dim(kind, min_size=1))
    keepdim = draw(st.booleans())
    return S(x, d, keepdim) if draw(st.booleans()) else S(x, dim=d, keepdim=keepdim)


spec("median", median_dim_sample(), variant="dim", errors=[
    ErrorCase(S(A(np.ones((0, 3))), 0), IndexError,
              "median(): Expected reduction dim 0 to have non-zero size."),
    ErrorCase(S(A([True, False])), NotImplementedError,
              "\"median_cpu\" not implemented for 'Bool'")])
spec("median", median_dim_sample("int").filter(lambda s: len(s.args) == 1), variant="ties",
     grad=False, calls=(fn(["median"], lambda L, x, **kw: _values_and_their_elements(
         L, "median", x, **kw)),))
# a NaN in a row: the value is NaN and the index torch's (the first NaN)
spec("median", median_dim_sample("special"), variant="nan_dim", grad=False, calls=("median",))
# no dim: the lower median; its gradient is split over the elements equal to it
spec("median", st.builds(lambda x: S(x), arrays(maybe_empty_shapes(0, 3), "int")),
     variant="all")
spec("median", st.builds(lambda x: S(x), arrays(shapes(0, 3), "special")), variant="all_nan")
spec("median", st.builds(lambda x: S(x), arrays(shapes(0, 3), "int64")), variant="all_int",
     grad=False, dtypes=("float64",))


# ==== scans =======================================================================================
@st.composite
def scan_sample(draw, kind="normal", kwargs=st.just({})):
    x, d, _ = draw(along_dim(kind))
    kw = draw(kwargs)
    return S(x, d, **kw) if draw(st.booleans()) else S(x, dim=d, **kw)


spec("cumprod", scan_sample("zeros_inside"), tol32=(1e-4, 1e-5), errors=[
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range")])
spec("cumprod", scan_sample("int64"), variant="int", grad=False, dtypes=("float64",))
spec("cumprod", scan_sample("int", st.just({"dtype": DT("float64")})), variant="dtype",
     calls=("cumprod", ".cumprod"))
spec("cummax", scan_sample("int"), calls=("cummax", ".cummax", "cummin", ".cummin"), errors=[
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range")])
spec("cummax", scan_sample("special"), variant="nan", calls=("cummax", "cummin"))
spec("cummax", scan_sample("int64"), variant="int", grad=False, dtypes=("float64",),
     calls=("cummax", "cummin"))
spec("logcumsumexp", scan_sample("wide"), tol32=(1e-5, 1e-5), errors=[
    ErrorCase(S(A([1, 2], dtype=LONG), 0), NotImplementedError,
              "\"logcumsumexp_out_cpu\" not implemented for 'Long'")])
spec("logcumsumexp", scan_sample("special"), variant="special", grad=False,
     calls=("logcumsumexp",))


# ==== searchsorted / bucketize ====================================================================
@st.composite
def searchsorted_sample(draw, nd=False, kind="halves"):
    m = draw(st.integers(1, 5))
    lead = draw(shapes(0, 2, 1, 3)) if nd else ()
    rng = np.random.default_rng(draw(seeds))
    boundaries = np.sort(rng.integers(-3, 4, lead + (m,)).astype(np.float64), axis=-1)
    values_shape = lead + (draw(st.integers(0, 4)),) if nd else draw(maybe_empty_shapes(0, 3))
    values = draw(arrays(values_shape, kind))
    kw = draw(st.sampled_from([{}, {"right": True}, {"side": "right"}, {"side": "left"},
                               {"out_int32": True}]))
    return S(Arr(boundaries, requires_grad=False), values, **kw)


def _sorter_call(L, boundaries, values, **kw):
    """The same search through a shuffled copy of the boundaries and its sorter."""
    perm = L.tensor(np.random.default_rng(0).permutation(boundaries.shape[-1]))
    shuffled = boundaries[..., perm]
    return L.searchsorted(shuffled, values, sorter=L.argsort(shuffled, stable=True), **kw)


spec("searchsorted", searchsorted_sample(), calls=("searchsorted",), grad=False, errors=[
    ErrorCase(S(A([1.0, 2.0]), A([1.0]), side="middle"), RuntimeError,
              "torch.searchsorted(): side can only be 'left' or 'right' but got middle"),
    ErrorCase(S(A([1.0, 2.0]), A([1.0]), side="left", right=True), RuntimeError,
              "side and right can't be set to opposites"),
    ErrorCase(S(A(ONES), A([1.0])), RuntimeError,
              "the first N-1 dimensions of boundaries tensor and input value tensor must match"),
    ErrorCase(S(A(ONES), 1.0), RuntimeError,
              "input value can be a scalar only when boundaries tensor dimension is 1"),
    ErrorCase(S(A(1.0), A([1.0])), RuntimeError,
              "boundaries tensor should have positive dimension, but got 0 dimension"),
    ErrorCase(S(A([1.0, 2.0]), A([1.0]), sorter=A([0, 1], dtype=np.int32)), RuntimeError,
              "sorter must be a tensor of long dtype but got dtype Int"),
    ErrorCase(S(A([1.0, 2.0]), A([1.0]), sorter=A([0], dtype=LONG)), RuntimeError,
              "boundary and sorter must have the same size"),
    ErrorCase(S(A([1.0, 2.0]), A([1.0]), sorter=A([0, 2], dtype=LONG)), RuntimeError,
              "sorter index out of range")])
spec("searchsorted", searchsorted_sample(nd=True), variant="nd", grad=False,
     calls=("searchsorted",))
# NaN and infinities: NaN goes after every boundary, as in torch
spec("searchsorted", st.one_of(searchsorted_sample(kind="special"),
                               searchsorted_sample(nd=True, kind="special")),
     variant="nan", grad=False, calls=("searchsorted",))
spec("searchsorted", searchsorted_sample(), variant="sorter", grad=False,
     calls=(fn(["searchsorted"], _sorter_call),))
spec("searchsorted", st.builds(lambda s, v: S(s, v), searchsorted_sample().map(lambda s: s.args[0]),
                               st.sampled_from([-1, 0.5, 1, 3.0, 7])),
     variant="scalar", grad=False, calls=("searchsorted",))
spec("bucketize", searchsorted_sample().filter(lambda s: "side" not in s.kwargs).map(
    lambda s: S(s.args[1], s.args[0], **s.kwargs)), calls=("bucketize",), grad=False, errors=[
    ErrorCase(S(A([1.0]), A(ONES)), RuntimeError,
              "boundaries tensor must be 1 dimension, but got dim(2)")])


# ==== unique / bincount / take ====================================================================
@st.composite
def unique_sample(draw, kind="small_int", with_dim=False):
    shape = draw(maybe_empty_shapes(0 if not with_dim else 1, 3))
    x = draw(arrays(shape, kind))
    kw = {k: draw(st.booleans()) for k in ("sorted", "return_inverse", "return_counts")}
    if with_dim:
        kw["dim"] = draw(dim_of(len(shape)))
    return S(x, **kw)


# unique's values carry requires_grad (torch's backward then raises), so only forward here
spec("unique", unique_sample(), grad=False, errors=[
    ErrorCase(S(A(ONES)), NotImplementedError, "the derivative for '_unique2' is not implemented",
              call=fn(["unique"], lambda L, x: L.unique(x).sum().backward()))])
# NaNs stay distinct; torch's inverse orders tied NaNs unstably, so it is not compared
spec("unique", unique_sample("special").map(lambda s: S(*s.args, **{**s.kwargs,
                                                                    "return_inverse": False})),
     variant="nan", grad=False)
spec("unique", unique_sample("int64"), variant="int", grad=False, dtypes=("float64",))
spec("unique", unique_sample("small_int", with_dim=True), variant="dim", grad=False,
     may_raise=True, errors=[  # may_raise: zero-size dims not selected are torch's error
         ErrorCase(S(A(np.ones((0, 3))), dim=1), RuntimeError,
                   "There are 0 sized dimensions, and they aren't selected, so unique cannot "
                   "be applied"),
         ErrorCase(S(A(ONES), dim=2), IndexError, "Dimension out of range")])


@st.composite
def bincount_sample(draw, weighted=False):
    n = draw(st.integers(0, 8))
    rng = np.random.default_rng(draw(seeds))
    x = Arr(rng.integers(0, 6, n).astype(draw(st.sampled_from([np.int64, np.int32, np.uint8]))))
    kw = {"minlength": draw(st.integers(0, 8))} if draw(st.booleans()) else {}
    if weighted:
        kw["weights"] = draw(arrays(st.just((n,)), draw(st.sampled_from(["normal", "int64"]))))
    return S(x, **kw)


spec("bincount", bincount_sample(), grad=False, errors=[
    ErrorCase(S(A([-1, 2], dtype=LONG)), RuntimeError,
              "bincount only supports 1-d non-negative integral inputs."),
    ErrorCase(S(A([[1, 2]], dtype=LONG)), RuntimeError,
              "bincount only supports 1-d non-negative integral inputs."),
    ErrorCase(S(A([1.0, 2.0])), NotImplementedError,
              "\"bincount_cpu\" not implemented for 'Float'"),
    ErrorCase(S(A([True, False])), NotImplementedError,
              "\"bincount_cpu\" not implemented for 'Bool'"),
    ErrorCase(S(A([1, 2], dtype=LONG), minlength=-1), RuntimeError, "minlength should be >= 0"),
    ErrorCase(S(A([1, 2], dtype=LONG), A([1.0])), RuntimeError,
              "weights should be 1-d and have the same length as input"),
    ErrorCase(S(A([0, 2, 2], dtype=LONG), A([0.5, 1.0, 2.0])), RuntimeError,
              "derivative for aten::bincount is not implemented",
              call=fn(["bincount"], lambda L, x, w: L.bincount(x, w).sum().backward()))])
spec("bincount", bincount_sample(weighted=True), variant="weights", grad=False,
     calls=("bincount", ".bincount"))


@st.composite
def take_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(0, 3))))
    n = x.values.size
    rng = np.random.default_rng(draw(seeds))
    index_shape = draw(shapes(0, 2, 0, 3)) if n else (0,)
    return S(x, Arr(rng.integers(-n, max(n, 1), index_shape).astype(LONG)))


spec("take", take_sample(), errors=[
    ErrorCase(S(A(ONES), A([6], dtype=LONG)), IndexError,
              "out of range: tried to access index 6 on a tensor of 6 elements."),
    ErrorCase(S(A(ONES), A([-7], dtype=LONG)), IndexError,
              "out of range: tried to access index -7 on a tensor of 6 elements."),
    ErrorCase(S(A(ONES), A([1], dtype=np.int32)), RuntimeError,
              "take(): Expected a long tensor for index, but got Int"),
    ErrorCase(S(A(np.ones(0)), A([0], dtype=LONG)), IndexError,
              "take(): tried to take from an empty tensor")])
