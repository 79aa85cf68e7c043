"""Indexing: x[idx], x[idx] = v, gather/scatter, index_select, masked_fill, nonzero.

Backward of reading with an index is *scatter-adding* the gradient back: with integer
index arrays the same element can be read twice, and both reads contribute.
"""
from __future__ import annotations

import math

from .. import backend, dtypes
from ..autograd.function import Op, same_device
from ..autograd.views import ViewOp
from .promotion import cast, check_broadcast
from .registry import public
from .shape import normalize_dim


def _tensor_cls():
    from ..tensor import Tensor

    return Tensor


scatter_add_into = backend.scatter_add  # target[index] += values, repeats accumulate


def _is_basic(index):
    """True when the index has only ints, slices, None and Ellipsis (a view in NumPy)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, slice)) or i is None or i is Ellipsis for i in items)


def _convert_index(index, xp):
    """Turn Tensors inside an index into arrays; check bool masks and dtypes."""
    Tensor = _tensor_cls()
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for i in items:
        if isinstance(i, Tensor):
            if i.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            if xp is backend.np and i.device.type != "cpu":  # a CUDA index into a CPU tensor
                raise RuntimeError("indices should be either on cpu or on the same device as "
                                   "the indexed tensor (cpu)")
            out.append(i._data)
        elif isinstance(i, (list,)):
            array = xp.asarray(i)  # an empty list is an empty int64 index in torch
            out.append(array.astype(xp.int64) if array.size == 0 else array)
        elif isinstance(i, bool):
            out.append(i)
        else:
            out.append(i)
    return tuple(out)


def torch_order(index):
    """Split an advanced index into (basic, advanced) so that x[basic][advanced] is torch's
    result, or return None when NumPy's x[index] already is.

    torch applies ints (with slices, None and Ellipsis) first and the index arrays after;
    NumPy counts ints as index arrays, which moves the result's dims elsewhere when an
    int and an array are separated: x[0, :, idx] is (len(idx), n) in NumPy, (n, len(idx))
    in torch. The basic step is a view, so writes through x[basic][advanced] reach x.
    """
    items = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(i, int) and not isinstance(i, bool) for i in items) or \
            not any(hasattr(i, "shape") for i in items):
        return None
    basic, advanced = [], []
    for i in items:
        if i is None or isinstance(i, slice):
            basic.append(i)
            advanced.append(slice(None))  # that dim exists (and is sliced) after step 1
        elif i is Ellipsis:
            basic.append(i)
            advanced.append(i)
        elif isinstance(i, int) and not isinstance(i, bool):
            basic.append(i)               # the dim is gone after step 1
        else:                             # an index array or a bool mask over i.ndim dims
            basic.extend([slice(None)] * (i.ndim if _is_mask(i) else 1))
            advanced.append(i)
    if Ellipsis not in basic:
        basic.append(Ellipsis)  # so step 1 always returns an array view, never a scalar
    return tuple(basic), tuple(advanced)


def _view_for(array, index):
    """(the array to index, the index to use there) following torch's order."""
    split = torch_order(index)
    return (array, index) if split is None else (array[split[0]], split[1])


class GetItem(ViewOp):
    """out = x[index];  d/dx = zeros with the gradient scatter-added at `index`."""

    @staticmethod
    def forward(ctx, x, index, basic):
        ctx.shape, ctx.index, ctx.basic = x.shape, index, basic
        if basic:
            return x[index]
        target, index = _view_for(x, index)
        return target[index]

    @staticmethod
    def backward(ctx, grad):
        return (GetItemBackward.forward(None, grad, ctx.shape, ctx.index, ctx.basic),)

    @staticmethod
    def backward_graph(ctx, grad, x, index, basic):
        return (GetItemBackward.apply(grad, ctx.shape, ctx.index, ctx.basic),)


class GetItemBackward(Op):
    """GetItem's backward as an op: out = zeros(shape) with grad scatter-added at `index`.
    Its own backward reads grad[index] again, so the pair differentiates to any order."""

    @staticmethod
    def forward(ctx, grad, shape, index, basic):
        if ctx is not None:
            ctx.index, ctx.basic = index, basic
        xp = backend.array_module(grad)
        out = xp.zeros(shape, dtype=grad.dtype)
        if basic:
            out[index] = grad  # basic indexing never selects an element twice
        else:
            target, index = _view_for(out, index)
            scatter_add_into(target, index, grad)  # target is a view: adds land in out
        return out

    @staticmethod
    def backward(ctx, g):
        if ctx.basic:
            return (g[ctx.index],)
        target, index = _view_for(g, ctx.index)
        return (target[index],)

    @staticmethod
    def backward_graph(ctx, g, grad, shape, index, basic):
        return (GetItem.apply(g, index, basic),)


def moved_grad_graph(grad, shape, move):
    """The gradient of an op that only moves elements -- out[k] = x[source[k]], or a filled
    value (roll, diagonal, padding, take, ...) -- as recorded Tensor ops, for create_graph.

    `move(array)` is the op's forward on an array of x's `shape`. Running it on the element
    numbers 1..n tells where each output element came from (0: filled, not copied); the
    gradient is then grad scatter-added back to those sources with GetItemBackward, whose
    own derivative reads them again (GetItem), so the pair differentiates to any order.
    """
    xp = backend.array_module(grad._data)
    n = math.prod(shape)
    numbers = xp.arange(1, n + 1, dtype=xp.float64).reshape(shape)
    source = xp.rint(move(numbers)).astype(xp.int64).reshape(-1)
    flat = grad.reshape(-1)
    if not source.all():  # drop the gradient of filled positions
        copied = xp.nonzero(source)[0]
        flat, source = GetItem.apply(flat, (copied,), False), source[copied]
    return GetItemBackward.apply(flat, (n,), (source - 1,), False).reshape(shape)


def getitem(input, index):
    xp = backend.array_module(input._data)
    basic = _is_basic(index)
    idx = index if basic else _convert_index(index, xp)
    if basic:
        _check_basic_bounds(input.shape, index)
        items = index if isinstance(index, tuple) else (index,)
        if Ellipsis not in items:  # x[0, 1] is a NumPy scalar, x[0, 1, ...] a 0-d view
            idx = items + (Ellipsis,)
    else:
        _check_advanced_bounds(input.shape, idx, xp)
    return GetItem.apply(input, idx, basic)


def _check_basic_bounds(shape, index):
    items = index if isinstance(index, tuple) else (index,)
    if Ellipsis in items:
        return
    dim = 0
    for i in items:
        if i is None:
            continue
        if dim >= len(shape):
            raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
        if isinstance(i, int) and not -shape[dim] <= i < shape[dim]:
            raise IndexError(f"index {i} is out of bounds for dimension {dim} with size "
                             f"{shape[dim]}")
        dim += 1


def _dims_indexed(item):
    """How many dims of the tensor an index item consumes: a bool mask its own ndim,
    None none, anything else one."""
    if item is None or item is Ellipsis:
        return 0
    return item.ndim if _is_mask(item) else 1


def _is_mask(item):
    """A bool index array (NumPy's or CuPy's dtype compares equal to Python's bool)."""
    return hasattr(item, "dtype") and item.dtype == bool


def _check_advanced_bounds(shape, idx, xp):
    dim = 0
    for i in idx:
        if i is None:
            continue
        if i is Ellipsis:  # it covers the dims the items after it don't
            dim = len(shape) - sum(_dims_indexed(j) for j in idx[idx.index(Ellipsis) + 1:])
            continue
        if _is_mask(i):
            if tuple(i.shape) != tuple(shape[dim:dim + i.ndim]):
                raise IndexError(
                    f"The shape of the mask {list(i.shape)} at index {dim} does not match "
                    f"the shape of the indexed tensor {list(shape[dim:dim + i.ndim])} at "
                    f"index {dim}")
            dim += i.ndim
            continue
        if hasattr(i, "dtype") and dim < len(shape) and i.size:
            lo, hi = int(i.min()), int(i.max())
            if lo < -shape[dim] or hi >= shape[dim]:
                bad = hi if hi >= shape[dim] else lo
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                 f"size {shape[dim]}")
        dim += 1


class IndexPut(Op):
    """out = x with out[index] = v;  d/dx = grad with zeros at index, d/dv = grad[index]."""

    @staticmethod
    def forward(ctx, x, v, index):
        ctx.index = index
        out = x.copy()
        target, idx = _view_for(out, index)
        target[idx] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad.copy()
        target, idx = _view_for(grad_x, ctx.index)
        target[idx] = 0
        source, idx = _view_for(grad, ctx.index)
        return grad_x, source[idx]

    @staticmethod
    def backward_graph(ctx, grad, x, v, index):
        xp = backend.array_module(grad._data)
        kept = xp.ones(grad.shape, dtype=bool)  # False where v was written
        target, idx = _view_for(kept, ctx.index)
        target[idx] = False
        Tensor = _tensor_cls()
        grad_v = GetItem.apply(grad, ctx.index, _is_basic(ctx.index)) \
            if isinstance(v, Tensor) else None
        return grad.where(Tensor._wrap(kept), 0.0), grad_v


def index_put(input, index, value):
    """The value `input[index] = value` writes (used by Tensor.__setitem__)."""
    Tensor = _tensor_cls()
    xp = backend.array_module(input._data)
    idx = index if _is_basic(index) else _convert_index(index, xp)
    if not _is_basic(idx):
        _check_advanced_bounds(input.shape, idx, xp)  # torch's words, not NumPy's
    if isinstance(value, Tensor):
        if value.device != input.device and (_is_basic(idx) or value.dim() == 0):
            value = value.to(input.device)  # torch copies across devices here (copy_, item)
        elif value.device != input.device:
            raise RuntimeError("Expected all tensors to be on the same device, but found at "
                               f"least two devices, {input.device} and {value.device}!")
        if value.dtype != input.dtype:
            value = cast(value, input.dtype)
        target, sub = (input._data, idx) if _is_basic(idx) else _view_for(input._data, idx)
        _check_value_shape(value, target[sub].shape, _is_basic(idx))
    return IndexPut.apply(input, value, idx)


def _check_value_shape(value, target, basic):
    """torch's error (not NumPy's ValueError) when `value` can't broadcast to the indexed
    region `target`. A basic index writes into a view by `copy_`, which expands the value
    (leading size-1 dims dropped first) and words its errors as `expand`; an advanced
    index goes through index_put, which has its own message."""
    shape = tuple(value.shape)
    while shape and shape[0] == 1:
        shape = shape[1:]
    if len(shape) <= len(target) and all(v in (1, t) for v, t in zip(shape[::-1], target[::-1])):
        return
    if not basic:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(shape)} cannot be "
                           f"broadcast to indexing result of shape {list(target)}")
    if len(shape) > len(target):
        raise RuntimeError(
            f"expand({value.type()}{{{list(shape)}}}, size={list(target)}): the number of "
            f"sizes provided ({len(target)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})")
    for back in range(1, len(shape) + 1):  # torch reports the last mismatching dim
        if shape[-back] not in (1, target[-back]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-back]}) must match the existing "
                f"size ({shape[-back]}) at non-singleton dimension {len(target) - back}.  "
                f"Target sizes: {list(target)}.  Tensor sizes: {list(shape)}")


def _along_axis_index(index, axis, xp):
    """Full index tuple selecting index[i, j, ...] along `axis` (for gather/scatter)."""
    ndim = index.ndim
    # open grids (like np.indices(sparse=True), which CuPy lacks): arange along axis d only
    return tuple(
        index if d == axis else xp.arange(n).reshape((1,) * d + (n,) + (1,) * (ndim - d - 1))
        for d, n in enumerate(index.shape))


class Gather(Op):
    """out[i][j] = x[index[i][j]][j] (for axis 0);  d/dx scatter-adds the gradient."""

    @staticmethod
    def forward(ctx, x, axis, index):
        xp = backend.array_module(x)
        full = _along_axis_index(index, axis, xp)
        ctx.shape, ctx.full = x.shape, full
        return x[full]

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        out = xp.zeros(ctx.shape, dtype=grad.dtype)
        return scatter_add_into(out, ctx.full, grad), None, None

    @staticmethod
    def backward_graph(ctx, grad, x, axis, index):
        return GetItemBackward.apply(grad, ctx.shape, ctx.full, False), None, None


def _check_index_tensor(name, input, dim, index, src=None):
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    axis = normalize_dim(dim, input.dim())  # torch checks dim first
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           "input tensor")
    if index.dim() and input.dim():
        _check_index_shape(name, input, axis, index, src)
    elif src is not None and max(src.dim(), 1) != max(index.dim(), 1):
        # a 0-d input with a 1-d index (allowed): src must still match the index
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if index.numel():
        lo, hi = int(index._data.min()), int(index._data.max())
        size = input.shape[axis] if input.dim() else 1  # a 0-d input holds one number
        if lo < 0 or hi >= size:
            raise RuntimeError(f"index {hi if hi >= size else lo} is out of "
                               f"bounds for dimension {axis} with size {size}")
    return axis


def _check_index_shape(name, input, axis, index, src):
    """torch's scatter_gather_shape_check: index may not be larger than input (but along
    `axis`) nor than src, checked dim by dim (NumPy would fail later, in its own words)."""
    src_dims_differ = src is not None and max(src.dim(), 1) != index.dim()
    if src_dims_differ and src.dim() == 0:  # measured: torch checks a scalar src first
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for d in range(input.dim()):
        size = index.shape[d]
        if d != axis and size > input.shape[d]:
            break
        if src is not None and size > (src.shape[normalize_dim(d, src.dim())]
                                       if src.dim() else 1):
            break
    else:
        if src_dims_differ:
            raise RuntimeError("Index tensor must have the same number of dimensions as src "
                               "tensor")
        return
    where = f"expected index {list(index.shape)} to be no larger than self {list(input.shape)} "\
            f"apart from dimension {axis}"
    if name == "gather":
        raise RuntimeError(f"Size does not match at dimension {d} {where}")
    where = "E" + where[1:]
    if src is not None:
        where += f" and to be no larger size than src {list(src.shape)}"
    raise RuntimeError(where)


@public(method=True)
def gather(input, dim, index):
    axis = _check_index_tensor("gather", input, dim, index)
    if input.dim() == 0:  # torch treats a 0-d input as one number along dim 0
        return Gather.apply(input.reshape(1), 0, index.reshape(-1)).reshape(index.shape)
    return Gather.apply(input, axis, index)


class Scatter(Op):
    """out = x with out[index[i][j]][j] = src[i][j] (axis 0), or += with reduce='add'.
    d/dx = grad with zeros where overwritten (kept for 'add'); d/dsrc = grad[index]."""

    @staticmethod
    def forward(ctx, x, axis, index, src, accumulate):
        xp = backend.array_module(x)
        full = _along_axis_index(index, axis, xp)
        ctx.full, ctx.accumulate = full, accumulate
        ctx.src_is_array = hasattr(src, "shape")
        if ctx.src_is_array:
            src = src[tuple(slice(0, n) for n in index.shape)]
        out = x.copy()
        if accumulate:
            scatter_add_into(out, full, src)
        else:
            out[full] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_x = grad
        if not ctx.accumulate:
            grad_x = grad.copy()
            grad_x[ctx.full] = 0
        grad_src = None
        if ctx.src_is_array:
            xp = backend.array_module(grad)
            grad_src = grad[ctx.full]
            src_shape = ctx.input_meta[3][0] if ctx.input_meta[3] else None
            if src_shape is not None and tuple(src_shape) != grad_src.shape:
                padded = xp.zeros(src_shape, dtype=grad.dtype)
                padded[tuple(slice(0, n) for n in grad_src.shape)] = grad_src
                grad_src = padded
        return grad_x, None, None, grad_src

    @staticmethod
    def backward_graph(ctx, grad, x, axis, index, src, accumulate):
        Tensor = _tensor_cls()
        grad_x = grad
        if not ctx.accumulate:
            kept = backend.array_module(grad._data).ones(grad.shape, dtype=bool)
            kept[ctx.full] = False
            grad_x = grad.where(Tensor._wrap(kept), 0.0)
        grad_src = None
        if isinstance(src, Tensor):
            grad_src = GetItem.apply(grad, ctx.full, False)
            if tuple(src.shape) != tuple(grad_src.shape):  # index smaller than src: pad
                region = tuple(slice(0, n) for n in grad_src.shape)
                grad_src = GetItemBackward.apply(grad_src, tuple(src.shape), region, True)
        return grad_x, None, None, grad_src


@public  # Tensor.scatter, scatter_ stay in tensor_methods.py: their value= is positional
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None and value is None:
        raise TypeError("scatter() needs either src or value")
    if src is not None and not hasattr(src, "_data"):
        src, value = None, src
    axis = _check_index_tensor("scatter", input, dim, index, src)
    if input.dim() == 0:  # torch treats a 0-d input as one number along dim 0
        src = src.reshape(-1) if src is not None else None
        one = scatter(input.reshape(1), 0, index.reshape(-1), src, value=value, reduce=reduce)
        return one.reshape(())
    if reduce not in (None, "add"):
        raise NotImplementedError(f"scatter: reduce={reduce!r} is not supported")
    if src is not None and src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return Scatter.apply(input, axis, index, src if src is not None else value,
                         reduce == "add")


@public(method=True, inplace=True)
def scatter_add(input, dim, index, src):
    return scatter(input, dim, index, src, reduce="add")


class IndexSelect(Op):
    """out = x.take(index, axis);  d/dx scatter-adds the gradient along axis."""

    @staticmethod
    def forward(ctx, x, axis, index):
        xp = backend.array_module(x)
        ctx.shape, ctx.axis, ctx.index = x.shape, axis, index
        return xp.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        out = xp.zeros(ctx.shape, dtype=grad.dtype)
        full = (slice(None),) * ctx.axis + (ctx.index,)
        return scatter_add_into(out, full, grad), None, None

    @staticmethod
    def backward_graph(ctx, grad, x, axis, index):
        full = (slice(None),) * ctx.axis + (ctx.index,)
        return GetItemBackward.apply(grad, ctx.shape, full, False), None, None


@public(method=True)
def index_select(input, dim, index):
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    same_device(input, index)
    axis = normalize_dim(dim, input.dim())
    idx = index._data.reshape(-1)
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= input.shape[axis]):
        raise IndexError("index out of range in self")
    return IndexSelect.apply(input, axis, idx)


# no @public yet: only Tensor.index_fill_ (tensor_methods.py) is public; torch.index_fill
# and Tensor.index_fill would be new names, each needing a spec
def index_fill(input, dim, index, value):
    same_device(input, index)
    axis = normalize_dim(dim, input.dim())
    size = input.shape[axis] if input.dim() else 1
    if index.numel() and index.dim() <= 1:  # else index_put says what is wrong
        lo, hi = int(index._data.min()), int(index._data.max())
        if lo < -size or hi >= size:  # NumPy would say "axis"; torch says "dimension"
            raise IndexError(f"index {hi if hi >= size else lo} is out of bounds for "
                             f"dimension {axis} with size {size}")
    full = (slice(None),) * axis + (index,)
    return index_put(input, full, value)


class MaskedFill(Op):
    """out = where(mask, value, x);  d/dx = grad where the mask is False; a 0-dim tensor
    `value` gets the gradient where the mask is True (the engine sums it to shape ())."""

    @staticmethod
    def forward(ctx, x, mask, value):
        xp = backend.array_module(x)
        ctx.save_for_backward(mask)
        return xp.where(mask, xp.asarray(value, dtype=x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        zero = xp.zeros((), dtype=grad.dtype)
        grad_value = xp.where(mask, grad, zero) if ctx.needs_input_grad[2] else None
        return xp.where(mask, zero, grad), None, grad_value

    @staticmethod
    def backward_graph(ctx, grad, x, mask, value):
        (mask,) = ctx.saved_tensors
        mask = _tensor_cls()._wrap(mask)
        grad_value = grad.where(mask, 0.0) if ctx.needs_input_grad[2] else None
        return grad.where(~mask, 0.0), None, grad_value


@public(method=True, inplace=True)
def masked_fill(input, mask, value):
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {mask.dtype.name}")
    if mask.device != input.device:
        raise RuntimeError(f"expected self and mask to be on the same device, but got mask on "
                           f"{mask.device} and self on {input.device}")
    if hasattr(value, "_data"):
        if value.dim() != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.dim()} dimension(s).")
        value = value.to(input.device)  # torch reads a 0-dim value on any device (item())
    check_broadcast((mask, input))  # torch's words (mask first), not NumPy's ValueError
    return MaskedFill.apply(input, mask, value)


@public(method=True)
def masked_select(input, mask):
    from .shape import expand

    if mask.dtype is not dtypes.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    same_device(input, mask)
    check_broadcast((mask, input))  # torch's words (mask first), not NumPy's ValueError

    shape = backend.array_module(input._data).broadcast_shapes(input.shape, mask.shape) \
        if hasattr(backend.array_module(input._data), "broadcast_shapes") else input.shape
    return getitem(expand(input, shape), expand(mask, shape))


@public(method=True)
def nonzero(input, as_tuple=False):
    xp = backend.array_module(input._data)
    Tensor = _tensor_cls()
    data = input._data
    if data.ndim == 0:  # like torch: a 0-dim tensor has one (index-less) position
        idx = xp.nonzero(data.reshape(1))
        if as_tuple:
            return tuple(Tensor._wrap(i.astype(xp.int64)) for i in idx)
        return Tensor._wrap(xp.zeros((idx[0].size, 0), dtype=xp.int64))
    idx = xp.nonzero(data)
    if as_tuple:
        return tuple(Tensor._wrap(i.astype(xp.int64)) for i in idx)
    return Tensor._wrap(xp.stack(idx, axis=1).astype(xp.int64) if idx else
                        xp.zeros((0, 0), dtype=xp.int64))
