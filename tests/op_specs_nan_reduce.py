"""Registry specs for the NaN-aware and order-statistic reductions (minitorch/ops/
nan_reduce.py): nansum nanmean nanmedian aminmax quantile nanquantile mode; imported by
op_specs.py.

NaN: `_nanify` turns the larger drawn values into NaN (so some rows have none, some only
NaN). Ties: quantile and mode read positions of a sort, which torch's CPU sort keeps stable
for rows of up to 16 elements (beyond, its order of equal elements and NaNs differs), so
their samples keep rows that short and compare indices and gradients exactly, ties
included. nanmedian(dim) picks among tied elements (and among the NaNs of an all-NaN row)
with torch's quickselect, whose choice is unspecified: its exact spec keeps one non-NaN
value per row and distinct values, and the "ties" variant checks the values and that each
index points at an element equal to it.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import DT, A, ErrorCase, S, fn, spec
from op_specs_sorting import along_dim
from strategies import Arr, arrays, dim_of, reduction, shapes

ONES = np.ones((2, 3))
LONG = np.int64


def _nanify(arr, above=0.7, keep_axis=None):
    """arr with NaN where its values exceed `above`; with keep_axis, never at index 0 along
    that axis (each row keeps a number)."""
    values = arr.values.copy()
    mask = values > above
    if keep_axis is not None and values.ndim:
        index = [slice(None)] * values.ndim
        index[keep_axis] = 0
        mask[tuple(index)] = False
    values[mask] = np.nan
    return Arr(values, arr.layout, arr.requires_grad)


def _nan_sample(sample, above=0.7):
    return S(_nanify(sample.args[0], above), *sample.args[1:], **sample.kwargs)


def _values_and_their_elements(L, name, x, *args, **kwargs):
    """(values, x at the returned indices): with ties, any tied index is right."""
    out = getattr(L, name)(x, *args, **kwargs)
    dim = kwargs.get("dim", args[0] if args else -1)
    keepdim = kwargs.get("keepdim", args[1] if len(args) > 1 else False)
    if x.dim() == 0:
        return out.values, x
    idx = out.indices if keepdim else out.indices.unsqueeze(dim)
    return out.values, x.gather(dim, idx)


# ==== nansum / nanmean ============================================================================
dtype_kw = st.sampled_from([{}, {"dtype": DT("float64")}])
spec("nansum", reduction(empty=True, kwargs=dtype_kw).map(_nan_sample), tol32=(1e-5, 1e-4))
spec("nansum", reduction("int64", empty=True), variant="int", grad=False, dtypes=("float64",),
     calls=("nansum",))
spec("nansum", reduction("bool"), variant="bool", grad=False, dtypes=("float64",),
     calls=("nansum",))
spec("nanmean", reduction(empty=True, kwargs=dtype_kw).map(_nan_sample), errors=[
    ErrorCase(S(A([1, 2], dtype=LONG)), RuntimeError,
              "nanmean(): expected input to have floating point or complex dtype but got Long"),
    ErrorCase(S(A([1.0, 2.0]), dtype=DT("int64")), RuntimeError,
              "nanmean(): could not infer output dtype. Optional dtype must be either a "
              "floating point or complex dtype. Got: Long")])
# a row of only NaN: NaN, and NaN gradients (torch's nansum / count)
spec("nanmean", reduction("int", empty=True).map(lambda s: _nan_sample(s, 0.5)),
     variant="all_nan", calls=("nanmean",))


# ==== nanmedian ===================================================================================
@st.composite
def nanmedian_dim_sample(draw, kind="normal", keep_number=True):
    x, d, _ = draw(along_dim(kind, min_size=1))
    if keep_number:
        x = _nanify(x, keep_axis=d)
    keepdim = draw(st.booleans())
    return S(x, d, keepdim) if draw(st.booleans()) else S(x, dim=d, keepdim=keepdim)


spec("nanmedian", nanmedian_dim_sample(), variant="dim", errors=[
    ErrorCase(S(A(np.ones((0, 3))), 0), IndexError,
              "median(): Expected reduction dim 0 to have non-zero size."),
    ErrorCase(S(A([True, False]), 0), NotImplementedError,
              "\"median_out\" not implemented for 'Bool'"),
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range")])
# ties, infinities and rows of only NaN: any tied index is right
spec("nanmedian", nanmedian_dim_sample("special", keep_number=False), variant="ties",
     grad=False, calls=(fn(["nanmedian"], lambda L, x, *a, **kw: _values_and_their_elements(
         L, "nanmedian", x, *a, **kw)),))
spec("nanmedian", nanmedian_dim_sample("int64", keep_number=False), variant="int_dim",
     grad=False, dtypes=("float64",), calls=(fn(["nanmedian"], lambda L, x, *a, **kw: (
         _values_and_their_elements(L, "nanmedian", x, *a, **kw))),))
# no dim: the lower median of the numbers; the gradient is split over the elements equal to
# it (over every element when all are NaN)
spec("nanmedian", st.builds(lambda x: S(_nanify(x, 1.5)), arrays(
    st.one_of(shapes(0, 3), shapes(1, 3, 0)), "int")), variant="all", errors=[
        ErrorCase(S(A([True, False])), NotImplementedError,
                  "\"median_cpu\" not implemented for 'Bool'")])
spec("nanmedian", st.builds(lambda x: S(x), arrays(shapes(0, 3), "special")),
     variant="all_special", calls=("nanmedian",))
spec("nanmedian", st.builds(lambda x: S(x), arrays(shapes(0, 3), "int64")), variant="all_int",
     grad=False, dtypes=("float64",), calls=("nanmedian",))


# ==== mode ========================================================================================
@st.composite
def mode_sample(draw, kind="int"):
    x, d, _ = draw(along_dim(kind, min_size=1))
    form = draw(st.sampled_from(["default", "dim", "positional", "keywords"]))
    if form == "default" and x.values.ndim and x.values.shape[-1] == 0:  # dim=-1 is empty
        form = "dim"
    keepdim = draw(st.booleans())
    return {"default": S(x), "dim": S(x, d), "positional": S(x, d, keepdim),
            "keywords": S(x, dim=d, keepdim=keepdim)}[form]


# rows of at most 4 elements: torch's std::sort is then stable, and its index is the last
# occurrence of the mode (NaN is not drawn: torch's sort leaves NaN where it lies)
spec("mode", mode_sample(), errors=[
    ErrorCase(S(A(np.ones((0, 3))), 0), IndexError,
              "mode(): Expected reduction dim 0 to have non-zero size."),
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range")])
spec("mode", mode_sample("normal"), variant="distinct", calls=("mode",))
spec("mode", mode_sample("int64"), variant="int", grad=False, dtypes=("float64",),
     calls=("mode",))
spec("mode", mode_sample("bool"), variant="bool", grad=False, dtypes=("float64",),
     calls=("mode",))


# ==== aminmax =====================================================================================
aminmax_kw = st.sampled_from([{}, {"keepdim": True}])
spec("aminmax", reduction("int", dim="int_or_none", kwargs=aminmax_kw), errors=[
    ErrorCase(S(A(np.ones(0))), RuntimeError,
              "aminmax(): cannot compute aminmax over an empty dimension as the operation "
              "has no identity."),
    ErrorCase(S(A(np.ones((0, 3))), dim=0), IndexError,
              "aminmax: Expected reduction dim 0 to have non-zero size."),
    ErrorCase(S(A(ONES), dim=(0, 1)), TypeError, "aminmax(): argument 'dim' must be int"),
    ErrorCase(S(A(ONES), dim=2), IndexError, "Dimension out of range")])
spec("aminmax", reduction("special", dim="int_or_none", kwargs=aminmax_kw), variant="special",
     calls=("aminmax",))
spec("aminmax", reduction("int64", dim="int_or_none", kwargs=aminmax_kw), variant="int",
     grad=False, dtypes=("float64",), calls=("aminmax",))
spec("aminmax", reduction("bool", dim="int_or_none"), variant="bool", grad=False,
     dtypes=("float64",), calls=("aminmax",))
# a reduced dim of size 0 among others that are not: empty results
spec("aminmax", st.builds(lambda x: S(x, dim=1), arrays(st.just((0, 2)))), variant="empty",
     calls=("aminmax",))


# ==== quantile / nanquantile ======================================================================
Q_POINTS = [0.0, 1.0, 0.5, 0.25, 0.75, 1 / 3, 2 / 3, 1 / 6, 0.1, 0.9]  # ranks x.5 included
q_values = st.one_of(st.sampled_from(Q_POINTS), st.floats(0, 1))


@st.composite
def quantile_sample(draw, kind="int", nan_above=None):
    """x (a sorted row of at most 16 elements), q (a float, a 0-dim or 1-D tensor), dim,
    keepdim and interpolation, positional or by keyword."""
    shape = draw(shapes(0, 4))
    dim = draw(dim_of(len(shape), allow_none=True))
    if dim is None:
        shape = shape[:2]
    x = draw(arrays(shape, kind))
    if nan_above is not None:
        x = _nanify(x, nan_above)
    form = draw(st.sampled_from(["float", "0-dim", "1-D"]))
    if form == "float":
        q = draw(q_values)
    else:
        qs = draw(st.lists(q_values, min_size=0 if form == "1-D" else 1, max_size=4))
        q = A(qs if form == "1-D" else qs[0])
    kw = {}
    if draw(st.booleans()):
        kw["interpolation"] = draw(st.sampled_from(
            ["linear", "lower", "higher", "midpoint", "nearest"]))
    keepdim = draw(st.booleans())
    if draw(st.booleans()):
        return S(x, q, dim, keepdim, **kw)
    return S(x, q, dim=dim, keepdim=keepdim, **kw)


QUANTILE_ERRORS = [
    ErrorCase(S(A(np.ones(3)), 1.5), RuntimeError,
              "quantile() q must be in the range [0, 1] but got 1.5"),
    ErrorCase(S(A(np.ones(3)), A([0.5, 1.2])), RuntimeError,
              "quantile() q values must be in the range [0, 1]"),
    ErrorCase(S(A(np.ones(3)), A([[0.5]])), RuntimeError,
              "quantile() q must be a scalar or 1D tensor"),
    ErrorCase(S(A(np.ones(3)), A([0.5])), RuntimeError,  # float32 input, float64 q
              "quantile() q tensor must be same dtype as the input tensor",
              call=fn(["quantile"], lambda L, x, q: L.quantile(x, q.double()))),
    ErrorCase(S(A([1, 2], dtype=LONG), 0.5), RuntimeError,
              "quantile() input tensor must be either float or double dtype"),
    ErrorCase(S(A(np.ones(3)), 0.5, interpolation="cubic"), RuntimeError,
              "quantile() interpolation must be one of linear, lower, higher, midpoint or "
              "nearest, but got cubic"),
    ErrorCase(S(A(np.ones((0, 3))), 0.5, dim=1), RuntimeError,
              "quantile() input tensor must be non-empty"),
    ErrorCase(S(A(ONES), 0.5, dim=2), IndexError, "Dimension out of range"),
    ErrorCase(S(A(ONES), 0.5, dim=(0, 1)), TypeError,
              "received an invalid combination of arguments")]

# "int": ties (the gradient goes where the stable sort puts the ranks); q is a leaf too
spec("quantile", quantile_sample(), errors=QUANTILE_ERRORS)
spec("quantile", quantile_sample("normal"), variant="distinct", calls=("quantile",))
# a row holding NaN gives NaN (its last sorted element)
spec("quantile", quantile_sample(nan_above=2.5), variant="nan", calls=("quantile",))
spec("nanquantile", quantile_sample(nan_above=1.5), errors=QUANTILE_ERRORS)
spec("nanquantile", quantile_sample("normal", nan_above=0.7), variant="distinct",
     calls=("nanquantile",))
