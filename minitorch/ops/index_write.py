"""Writing through an index: index_add, index_copy, index_fill, index_put, masked_scatter,
put, and take_along_dim (the read that scatter_reduce's gradient uses; scatter_reduce
itself is in scatter_reduce.py).

Each write is a copy of the input with some elements replaced (copy, fill, put) or
combined with new values (add, accumulate, the reductions). The gradient of a replaced
element is zero for the input and goes to the value that replaced it; a combined element
passes its gradient to every value that went into it. The reading and writing pieces are
indexing.py's: GetItem / GetItemBackward (which differentiate each other to any order),
IndexPut, IndexSelect, scatter_add_into.
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op, same_device
from . import indexing
from .indexing import GetItem, GetItemBackward, IndexSelect, scatter_add_into
from .promotion import check_broadcast
from .registry import public
from .shape import normalize_dim


def _tensor_cls():
    from ..tensor import Tensor

    return Tensor


def _name(t):
    return dtypes.scalar_type_name(t.dtype)


def _check_bounds(idx, size, axis, exc, prefix=""):
    """No index outside [0, size): torch's index_add/index_copy refuse negative ones too."""
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= size:
            raise exc(f"{prefix}index {hi if hi >= size else lo} is out of bounds for "
                      f"dimension {axis} with size {size}")


def _along(axis, idx):
    """The index tuple that selects `idx` along `axis` (all of every other dim)."""
    return (slice(None),) * axis + (idx,)


def _slice_shape(shape, axis):
    return [n for d, n in enumerate(shape) if d != axis]


# ==== index_add ===================================================================================
class IndexAdd(Op):
    """out = x, with alpha * source[..., k, ...] added at out[..., index[k], ...] along `axis`
    (repeats add up);  d/dx = grad,  d/dsource = alpha * grad[..., index, ...]."""

    @staticmethod
    def forward(ctx, x, source, axis, index, alpha):
        ctx.axis, ctx.index, ctx.alpha = axis, index, alpha
        ctx.shape, ctx.source_shape = x.shape, source.shape
        out = backend.array_module(x).array(x)  # a copy, and an array for a NumPy scalar
        work = out.reshape(x.shape or (1,))  # a 0-dim x is one element along dim 0
        shape = list(work.shape)
        shape[axis] = index.size
        scatter_add_into(work, _along(axis, index), (source * alpha).reshape(shape)
                         .astype(x.dtype, copy=False))
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        grad_source = xp.take(grad.reshape(ctx.shape or (1,)), ctx.index, axis=ctx.axis)
        return grad, (grad_source * ctx.alpha).reshape(ctx.source_shape)

    @staticmethod
    def backward_graph(ctx, grad, x, source, axis, index, alpha):
        grad_source = IndexSelect.apply(grad.reshape(ctx.shape or (1,)), ctx.axis, ctx.index)
        return grad, (grad_source * ctx.alpha).reshape(ctx.source_shape)


def _check_index_func(name, input, axis, index, source):
    """torch's index_func_meta_impl checks, shared by index_add (after dim and dtype)."""
    numel = index.numel()
    along = source.shape[axis] if source.dim() else 1
    if axis != 0 and axis >= source.dim():
        raise IndexError(f"{name}_(): Indexing dim {axis} is out of bounds of the source "
                         f"tensor with dim {source.dim()}")
    if numel != along:
        raise RuntimeError(f"{name}_(): Number of indices ({numel}) should be equal to "
                           f"source.size(dim): ({along}), for dim: {axis}")
    self_sizes, source_sizes = list(input.shape), list(source.shape)
    if source.dim() and input.dim():
        self_sizes, source_sizes = _slice_shape(self_sizes, axis), _slice_shape(source_sizes,
                                                                                axis)
    if self_sizes != source_sizes:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")


@public(method=True, inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    """out = input, with alpha * source's slices added along `dim` at the rows `index` names
    (repeated rows add up).

    Args:
        input: the tensor to add into (a copy is returned).
        dim: the dim `index` runs along.
        index: a 1-d int64/int32 tensor, one entry per slice of `source` along `dim`.
        source: input's shape, but index.numel() long along `dim`; input's dtype.
        alpha: the factor for `source`.

    >>> minitorch.zeros(3).index_add(0, minitorch.tensor([0, 0, 2]), minitorch.ones(3))
    tensor([2., 0., 1.])
    """
    same_device(input, index, source)
    axis = normalize_dim(dim, input.dim())
    if index.dim() > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{index.dim()} with type: {_name(index)} and size: "
                         f"{list(index.shape)}")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_name(index)}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input)}) and source ({_name(source)}) "
                           "must have the same scalar type")
    _check_index_func("index_add", input, axis, index, source)
    idx = index._data.reshape(-1)
    _check_bounds(idx, input.shape[axis] if input.dim() else 1, axis, RuntimeError)
    if not input.dtype.is_floating_point:
        alpha = int(alpha)  # torch reads alpha as an integer for integer tensors
    return IndexAdd.apply(input, source, axis, idx, alpha)


# ==== index_copy / index_fill =====================================================================
@public(method=True, inplace=True)
def index_copy(input, dim, index, source):
    """out = input, with its slices along `dim` at `index` replaced by source's slices
    (torch leaves repeated indices undefined);  d/dsource = grad at those slices.

    >>> minitorch.zeros(3).index_copy(0, minitorch.tensor([2, 0]), minitorch.tensor([1., 2.]))
    tensor([2., 0., 1.])
    """
    same_device(input, index, source)
    axis = normalize_dim(dim, input.dim())
    if index.dim() >= 2:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got "
                         f"{index.dim()})")
    numel = index.numel()
    if source.dim() == 0 and numel != 1:
        raise IndexError("index_copy_(): When source is scalar, index should have one element "
                         f"(got {numel})")
    if source.dim() != input.dim() and source.dim() and input.dim():
        raise IndexError("index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({source.dim()}), "
                         f"destination dimensionality ({input.dim()})")
    if index.dtype != dtypes.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_name(index)}")
    if source.dtype != input.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_name(input)} and (source) {_name(source)}")
    self_slice, source_slice = _slice_shape(input.shape, axis), _slice_shape(source.shape, 0
                                                                             if not source.dim()
                                                                             else axis)
    if self_slice != source_slice:
        raise RuntimeError(
            "index_copy_(): Source/destination tensor must have same slice shapes. "
            f"Destination slice shape: {' '.join(map(str, self_slice))} at dimension {axis} "
            f"and source slice shape: {' '.join(map(str, source_slice))} at dimension 0.")
    if source.dim() and numel != source.shape[axis]:
        raise IndexError(f"index_copy_(): Number of indices ({numel}) should be equal to "
                         f"source.size(dim) ({source.shape[axis]})")
    idx = index._data.reshape(-1)
    _check_bounds(idx, input.shape[axis] if input.dim() else 1, axis, IndexError,
                  "index_copy_(): ")
    shape = list(input.shape or (1,))
    shape[axis] = idx.size
    work = input.reshape(input.shape or (1,))
    out = indexing.index_put(work, _along(axis, _tensor_cls()._wrap(idx)), source.reshape(shape))
    return out.reshape(input.shape)


@public(method=True)  # Tensor.index_fill_ is tensor_methods.py's (it calls this function)
def index_fill(input, dim, index, value):
    """out = input, with its slices along `dim` at `index` set to `value` (a number or a
    0-dim tensor, which then gets the gradient of every filled element).

    >>> minitorch.zeros(2, 3).index_fill(1, minitorch.tensor([0, 2]), -1.0)
    tensor([[-1.,  0., -1.],
            [-1.,  0., -1.]])
    """
    if index.dtype != dtypes.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    axis = normalize_dim(dim, input.dim())
    if index.dim() > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if hasattr(value, "_data") and value.dim() != 0:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.dim()} dimension(s).")
    same_device(input, index, value if hasattr(value, "_data") else None)
    if input.dim() == 0:  # one element along dim 0
        return index_fill(input.reshape(1), 0, index, value).reshape(())
    if hasattr(value, "_data") and index.numel() and input.numel():
        # a repeated index fills once: value's gradient counts each element once (torch)
        xp = backend.array_module(index._data)
        size = input.shape[axis] if input.dim() else 1
        idx = index._data.reshape(-1)
        if int(idx.min()) >= -size and int(idx.max()) < size:  # else index_fill says so
            index = _tensor_cls()._wrap(xp.unique(idx % size))
    return indexing.index_fill(input, axis, index, value)  # checks the bounds


# ==== index_put ===================================================================================
class IndexPutAccumulate(Op):
    """out = x, with values added at x[indices] (repeats add up);  d/dx = grad,
    d/dvalues = grad[indices] (the engine sums it back to values' broadcast shape)."""

    @classmethod
    def name(cls):
        return "IndexPutBackward0"  # torch's node, accumulate or not

    @staticmethod
    def forward(ctx, x, values, index):
        ctx.index = index
        out = x.copy()
        return scatter_add_into(out, index, values)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad[ctx.index]

    @staticmethod
    def backward_graph(ctx, grad, x, values, index):
        return grad, GetItem.apply(grad, ctx.index, False)


@public(method=True, inplace=True)
def index_put(input, indices, values, accumulate=False):
    """out = input with out[indices] = values (accumulate=False; torch leaves repeated
    indices undefined) or out[indices] += values (accumulate=True; repeats add up).

    Args:
        indices: a tuple (or list) of index tensors (int64/int32, or bool masks), one per
            leading dim of input, as in input[indices].
        values: a tensor of input's dtype, broadcastable to input[indices].

    >>> minitorch.zeros(3).index_put((minitorch.tensor([0, 0]),), minitorch.tensor(1.),
    ...                              accumulate=True)
    tensor([2., 0., 0.])
    """
    Tensor = _tensor_cls()
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 3) must be Tensor, not "
                        f"{type(values).__name__}")
    if values.dtype != input.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{_name(input)} for the destination and {_name(values)} for the "
                           "source.")
    indices = tuple(indices)
    same_device(input, values, *indices)
    used = sum(i.dim() if i.dtype is dtypes.bool else 1 for i in indices)
    if used > input.dim():
        raise IndexError(f"too many indices for tensor of dimension {input.dim()} (got "
                         f"{used})")
    xp = backend.array_module(input._data)
    idx = indexing._convert_index(indices, xp)
    indexing._check_advanced_bounds(input.shape, idx, xp)  # torch's words, not NumPy's
    if not accumulate:
        return indexing.index_put(input, indices, values)
    indexing._check_value_shape(values, input._data[idx].shape, False)
    # bool masks as their positions: ufunc.at and cupyx.scatter_add take index arrays only
    idx = tuple(a for i in idx for a in (xp.nonzero(i) if indexing._is_mask(i) else (i,)))
    return IndexPutAccumulate.apply(input, values, idx)


# ==== put =========================================================================================
@public(method=True, inplace=True)
def put(input, index, source, accumulate=False):
    """out = input with out.flatten()[index] = source.flatten() (or += with accumulate);
    negative indices count from the end.

    >>> minitorch.zeros(2, 2).put(minitorch.tensor([3, -4]), minitorch.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 1.]])
    """
    same_device(input, index, source)
    if index.dtype != dtypes.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_name(index)}")
    if source.dtype != input.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {_name(input)} and source.dtype = {_name(source)}")
    if source.numel() != index.numel():
        raise IndexError("put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {index.numel()}")
    n = input.numel()
    if n == 0 and index.numel():
        raise IndexError("put_(): Tried to put elements into an empty tensor")
    idx = index._data.reshape(-1)
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < -n or hi >= n:
            raise IndexError(f"out of range: tried to access index {hi if hi >= n else lo} on "
                             f"a tensor of {n} elements.")
    flat = index_put(input.reshape(-1), (_tensor_cls()._wrap(idx),), source.reshape(-1),
                     accumulate)
    return flat.reshape(input.shape)


# ==== masked_scatter ==============================================================================
class MaskedScatter(Op):
    """out = x (broadcast with mask), with out[mask] = the first mask.sum() elements of
    source in order;  d/dx = grad where the mask is False, d/dsource = grad[mask] in those
    first elements, 0 in the rest."""

    @staticmethod
    def forward(ctx, x, mask, source):
        xp = backend.array_module(x)
        shape = xp.broadcast_shapes(x.shape, mask.shape)
        mask = xp.broadcast_to(mask, shape)
        out = xp.broadcast_to(x, shape).copy()
        ctx.count = int(mask.sum())
        ctx.source_shape = source.shape
        ctx.save_for_backward(mask)
        out[mask] = source.reshape(-1)[:ctx.count]
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_source = None
        if ctx.needs_input_grad[2]:
            grad_source = xp.zeros(ctx.source_shape, dtype=grad.dtype)
            grad_source.reshape(-1)[:ctx.count] = grad[mask]
        return xp.where(mask, xp.zeros((), dtype=grad.dtype), grad), None, grad_source

    @staticmethod
    def backward_graph(ctx, grad, x, mask, source):
        (mask,) = ctx.saved_tensors
        grad_source = None
        if ctx.needs_input_grad[2]:
            picked = GetItem.apply(grad, (mask,), False)
            size = source.numel()
            grad_source = GetItemBackward.apply(picked, (size,), (slice(0, ctx.count),), True)
            grad_source = grad_source.reshape(ctx.source_shape)
        return grad.where(_tensor_cls()._wrap(~mask), 0.0), None, grad_source


@public(method=True, inplace=True)
def masked_scatter(input, mask, source):
    """out = input, where the mask is True filled with source's elements in order.

    >>> minitorch.zeros(4).masked_scatter(minitorch.tensor([True, False, True, False]),
    ...                                   minitorch.tensor([1., 2., 3.]))
    tensor([1., 0., 2., 0.])
    """
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_name(mask)}")
    if source.dtype != input.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{_name(input)} and {_name(source)}")
    same_device(input, mask, source)
    check_broadcast((mask, input))
    xp = backend.array_module(mask._data)
    count = int(xp.broadcast_to(mask._data, xp.broadcast_shapes(mask.shape, input.shape))
                .sum())
    if source.numel() < count:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, mask, source)


# ==== take_along_dim ==============================================================================
def _infer_size(a, b):
    """The broadcast shape of a and b, with torch's infer_size error."""
    ndim = max(len(a), len(b))
    a, b = (1,) * (ndim - len(a)) + tuple(a), (1,) * (ndim - len(b)) + tuple(b)
    for d, (m, n) in enumerate(zip(a, b)):
        if m != n and m != 1 and n != 1:
            raise RuntimeError(f"The size of tensor a ({m}) must match the size of tensor b "
                               f"({n}) at non-singleton dimension {d}")
    return tuple(max(m, n) if m and n else 0 for m, n in zip(a, b))


@public(method=True)
def take_along_dim(input, indices, dim=None):
    """out = input.gather(dim, indices) after broadcasting both (but along `dim`); with
    dim=None, the flattened input at the flattened indices.

    >>> minitorch.tensor([[10., 30., 20.]]).take_along_dim(minitorch.tensor([[1, 0]]), 1)
    tensor([[30., 10.]])
    """
    if indices.dtype != dtypes.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_name(indices)}")
    same_device(input, indices)
    if dim is None:  # view: torch refuses input or indices that can't be flattened in place
        return input.view(-1).gather(0, indices.view(-1))
    if input.dim() != indices.dim():
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.dim()} dimensions for input, "
                           f"and {indices.dim()} dimensions for indices")
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = normalize_dim(dim, input.dim())
    sizes = list(input.shape)
    sizes[axis] = indices.shape[axis]
    indices = indices.expand(*_infer_size(sizes, indices.shape))
    sizes = list(indices.shape)
    sizes[axis] = input.shape[axis]
    input = input.expand(*_infer_size(sizes, input.shape))
    return input.gather(axis, indices)
