"""NaN-aware and order-statistic reductions: nansum nanmean nanmedian aminmax quantile
nanquantile mode.

- nansum/nanmean read NaN as "not there": nansum adds the others (d/dx = 0 at a NaN),
  nanmean divides that by how many there are (torch's nansum / count, so a row of only NaN
  gives NaN, and NaN gradients).
- nanmedian is median over the non-NaN elements (the lower middle one); a row of only NaN
  gives NaN.
- quantile/nanquantile follow torch's quantile_compute step by step on Tensors (sort,
  ranks, gather, lerp), so the gradient is torch's: each output's gradient goes to the two
  sorted elements it interpolates between (ties: the ones the stable sort puts at those
  ranks), and to q through the linear weights.
- mode: the most frequent value (the smallest among equally frequent ones), from one
  sort and the lengths of its runs of equal values.

Ties: nanmedian(dim) returns one of the tied indices (torch's quickselect leaves it
unspecified; here the first in stable order). mode returns the last occurrence of its
value, as torch's CPU kernel does for rows of up to 16 elements (its std::sort is not
stable beyond). The gradient of nanmedian(dim)/mode goes to the returned index; that of
nanmedian() and aminmax is split evenly over the elements equal to the result.
"""
from __future__ import annotations

from .. import backend, dtypes, return_types
from .. import tensor as tensor_module
from ..autograd.function import Op, same_device
from .minmax import AmaxAmin, _is_int
from .promotion import cast
from .reduce import _axes, _broadcast_back, _expand_back
from .reduce import sum as _sum
from .registry import public
from .shape import normalize_dim
from .sorting import MedianAll, SortedSelect, _as_rows, empty_median, stable_argsort


class NanSum(Op):
    """out = sum of the non-NaN x over axes;  d/dx = grad * (x is not NaN) (a product, as
    torch's, so an inf/NaN upstream gradient still gives NaN at the NaN elements)."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        xp = backend.array_module(x)
        keep = ~xp.isnan(x)
        ctx.save_for_backward(keep)
        ctx.axes, ctx.keepdim = axes, keepdim
        return xp.where(keep, x, 0).sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (keep,) = ctx.saved_tensors
        return (_expand_back(grad, ctx.axes, ctx.keepdim) * keep.astype(grad.dtype),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        (keep,) = ctx.saved_tensors
        mask = tensor_module.Tensor._wrap(keep.astype(x._data.dtype))
        return (_broadcast_back(grad, ctx.axes, ctx.keepdim, x.shape) * mask,)


class NanMedianAll(MedianAll):
    """The lower median of the non-NaN elements (NaN when there are none);  d/dx: split
    evenly over the elements equal to it (over all of them when it is NaN), as torch's
    evenly_distribute_backward -- MedianAll's backward."""

    @staticmethod
    def forward(ctx, x):
        xp = backend.array_module(x)
        flat = x.reshape(-1)
        n = flat.shape[0]
        if n == 0:
            out = empty_median(xp, x.dtype)
        else:
            count = n - int(xp.isnan(flat).sum()) if x.dtype.kind == "f" else n
            out = xp.sort(flat)[max(count - 1, 0) // 2]  # NaN sorts last
        ctx.save_for_backward(x, out)
        return xp.asarray(out)


class NanMedianDim(SortedSelect):
    """(values, indices) of the lower median of the non-NaN elements along `axis`; a row of
    only NaN gives its first NaN. d/dx: SortedSelect's (to the returned index)."""

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        xp = backend.array_module(x)
        x, scalar = _as_rows(ctx, x, axis)
        order = stable_argsort(x, axis)
        count = x.shape[axis]
        if x.dtype.kind == "f":
            count = count - xp.isnan(x).sum(axis=axis, keepdims=True)
        pos = xp.maximum(count - 1, 0) // 2
        pos = xp.broadcast_to(xp.asarray(pos), x.shape[:axis] + (1,) + x.shape[axis + 1:])
        return _select(ctx, x, xp.take_along_axis(order, pos, axis=axis), axis, keepdim,
                       scalar)


class Mode(SortedSelect):
    """(values, indices) of the most frequent value along `axis` (the smallest of equally
    frequent ones) and its last occurrence. d/dx: SortedSelect's (to the returned index).

    In the stable sort of a row, equal values form runs; run k's length is counted with one
    bincount over (row, k) ids, and the first run end holding the largest length wins.
    """

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        xp = backend.array_module(x)
        x, scalar = _as_rows(ctx, x, axis)
        order = xp.moveaxis(stable_argsort(x, axis), axis, -1)
        s = xp.take_along_axis(xp.moveaxis(x, axis, -1), order, axis=-1)
        n = s.shape[-1]
        rows = s.size // n
        change = s[..., 1:] != s[..., :-1]
        ones = xp.ones(s.shape[:-1] + (1,), dtype=bool)
        starts = xp.concatenate([ones, change], axis=-1)  # a run begins here
        ends = xp.concatenate([change, ones], axis=-1)    # a run ends here
        row_start = (xp.arange(rows) * n).reshape(s.shape[:-1] + (1,))
        run = xp.cumsum(starts, axis=-1) - 1 + row_start  # the run's id, unique over rows
        lengths = xp.bincount(run.reshape(-1), minlength=rows * n)[run]
        best = xp.argmax(xp.where(ends, lengths, 0), axis=-1)[..., None]
        idx = xp.moveaxis(xp.take_along_axis(order, best, axis=-1), -1, axis)
        return _select(ctx, x, idx, axis, keepdim, scalar)


def _select(ctx, x, idx, axis, keepdim, scalar):
    """(x at idx along axis, idx) shaped as SortedSelect returns them; saves idx for its
    backward."""
    xp = backend.array_module(x)
    values = xp.take_along_axis(x, idx, axis=axis)
    idx = idx.astype(xp.int64, copy=False)
    ctx.save_for_backward(idx)
    if scalar:
        return values.reshape(()), idx.reshape(())
    if not keepdim:
        values, idx = values.squeeze(axis), idx.squeeze(axis)
    return values, idx


# ---- tensor-level functions -----------------------------------------------------------------
@public(method=True)
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over `dim` (all dims by default) with NaN read as zero; integers and bools
    sum as int64 (torch).

    >>> nansum(tensor([1., nan, 2.]))  # tensor(3.)
    """
    if dtype is not None:
        input = cast(input, dtype)
    if not input.dtype.is_floating_point:  # no NaN to skip
        return _sum(input, dim, keepdim)
    return NanSum.apply(input, _axes(input, dim), keepdim)


@public(method=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over `dim` of the non-NaN elements (NaN where there are none): torch's
    nansum / count, and so its gradient (0 at NaN; NaN where a row is all NaN)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError("nanmean(): expected input to have floating point or complex "
                           f"dtype but got {dtypes.scalar_type_name(input.dtype)}")
    if dtype is not None and not dtype.is_floating_point:
        raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be "
                           f"either a floating point or complex dtype. Got: "
                           f"{dtypes.scalar_type_name(dtype)}")
    count = _sum(input.isnan().logical_not(), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


@public(method=True)
def nanmedian(input, dim=None, keepdim=False):
    """nanmedian(x): the lower median of the non-NaN elements, NaN if there are none.
    nanmedian(x, dim): (values, indices) along `dim`."""
    if dim is None:
        dtypes.require_kernel("median_cpu", input, lambda d: d != dtypes.bool)
        return NanMedianAll.apply(input)
    dtypes.require_kernel("median_out", input, lambda d: d != dtypes.bool)
    axis = _axis(input, dim)
    if input.dim() and input.shape[axis] == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    return return_types.nanmedian(*NanMedianDim.apply(input, axis, keepdim))


@public(method=True)
def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along `dim` (the smallest of equally
    frequent ones) and the index of its last occurrence.

    >>> mode(tensor([3., 1., 3., 1., 2.]))  # values=1., indices=3
    """
    axis = _axis(input, dim)
    if input.dim() and input.shape[axis] == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    return return_types.mode(*Mode.apply(input, axis, keepdim))


@public(method=True)
def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over `dim` (all elements by default): amin and amax at once, each
    gradient split evenly over the elements equal to it."""
    if dim is not None and not _is_int(dim):
        raise TypeError(f"aminmax(): argument 'dim' must be int, not {type(dim).__name__}")
    axes = _axes(input, dim)
    if input.numel() == 0:
        if dim is None:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as "
                               "the operation has no identity.")
        if input.dim() and input.shape[axes[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero "
                             "size.")
    return return_types.aminmax(AmaxAmin.apply(input, axes, keepdim, False),
                                AmaxAmin.apply(input, axes, keepdim, True))


@public(method=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles over `dim` (of all elements when None); NaN where a reduced row
    holds a NaN.

    Args:
        input: a float32/float64 Tensor, not empty.
        q: a float in [0, 1], or a 0-/1-D Tensor of them of input's dtype; a 1-D q puts
            its quantiles along a new first dimension.
        interpolation: between the sorted elements i = floor(r) and j = ceil(r) around the
            rank r = q (n - 1): 'linear' (x_i + (r - i) (x_j - x_i)), 'lower' (x_i),
            'higher' (x_j), 'midpoint' ((x_i + x_j) / 2) or 'nearest' (r rounded half to
            even, as torch).

    >>> quantile(tensor([0., 1., 2., 3.]), 0.5)  # tensor(1.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, "quantile")


@public(method=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile over the non-NaN elements (NaN where a row has none)."""
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile")


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, name):
    """torch's quantile() checks, in its order (its messages say quantile() for both
    names), then its quantile_compute."""
    from ..creation import full_like, tensor
    from ..tensor import Tensor

    if dim is not None and not _is_int(dim):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"(Tensor, {type(q).__name__}, dim={type(dim).__name__}), but "
                        "expected one of: (Tensor input, Tensor q, int dim = None, ...), "
                        "(Tensor input, float q, int dim = None, ...)")
    checked = not isinstance(q, Tensor)
    if checked:
        q = float(q)
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
        q = tensor(q, dtype=input.dtype, device=input.device)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if q.dim() > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if q.dtype != input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    same_device(input, q)  # torch's "Expected all tensors to be on the same device"
    axis = _axis(input, 0 if dim is None else dim)
    # torch checks a q tensor on the CPU only (a GPU would have to sync); here on every
    # device, so that a bad q is this error there too, not an out-of-range gather
    if not checked and not bool(((q >= 0) & (q <= 1)).all()):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")

    # sort the reduced elements into a last axis; the other axes are the output's
    if dim is None or not input.dim():
        kept = (1,) * input.dim() if keepdim else ()
    else:
        kept = list(input.shape)
        kept[axis:axis + 1] = [1] if keepdim else []
    if dim is None:
        sorted_ = input.flatten().sort().values
    else:
        sorted_ = input.unsqueeze(-1).transpose(axis, -1).sort().values
    n = sorted_.shape[-1]
    sorted_ = sorted_.reshape(tuple(kept) + (n,))
    q_1d = q.reshape(-1)

    if name == "nanquantile":  # ranks among the non-NaN elements; a row of only NaN reads rank 0
        ranks = q_1d * (sorted_.isnan().logical_not().sum(-1, keepdim=True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:  # a row holding NaN reads its last element (NaN sorts last)
        ranks = q_1d * (n - 1)
        ranks = ranks.masked_fill(sorted_.isnan().any(-1, keepdim=True), n - 1)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()  # half to even
    ranks = ranks.expand(tuple(kept) + (q_1d.shape[0],))
    below = ranks.long()
    out = sorted_.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = ranks - below if interpolation == "linear" else full_like(ranks, 0.5)
        out = out.lerp(sorted_.gather(-1, ranks.ceil().long()), weights)
    return out.squeeze(-1) if q.dim() == 0 else out.movedim(-1, 0)


def _axis(input, dim):
    axis = normalize_dim(dim, input.dim())  # a scalar takes dim 0 or -1, as in torch
    return axis if input.dim() else 0
