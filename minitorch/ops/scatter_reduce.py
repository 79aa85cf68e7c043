"""scatter_reduce: src's elements reduced into a copy of the input at `index` along a dim,
by sum, prod, mean, amax or amin (scatter places them; this combines them). The write
helpers it shares are in index_write.py.
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op, same_device
from . import indexing
from .index_write import _tensor_cls
from .indexing import GetItemBackward, scatter_add_into
from .registry import public
from .shape import normalize_dim

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


# ==== scatter_reduce ==============================================================================
def _segment_reduce(combine, keys, values):
    """(distinct keys, combine-reduction of the values of each key), for a combine with no
    ufunc.at on CuPy (multiply): sort by key, then a segmented inclusive scan by doubling
    (log2(n) whole-array steps), whose last element per key holds that key's reduction."""
    xp = backend.array_module(values)
    order = xp.argsort(keys)
    keys, values = keys[order], values[order]
    step = 1
    while step < keys.size:
        same = keys[step:] == keys[:-step]  # sorted: every element between has that key too
        combined = xp.where(same, combine(values[step:], values[:-step]), values[step:])
        values = xp.concatenate([values[:step], combined])
        step *= 2
    last = xp.concatenate([keys[1:] != keys[:-1], xp.ones(min(keys.size, 1), dtype=bool)])
    return keys[last], values[last]


class ScatterReduce(Op):
    """out = x, with src[i][j] reduced into out[index[i][j]][j] (axis 0) by sum, prod, mean,
    amax or amin, x's own element included or not. The gradient is torch's
    (scatter_reduce_backward): prod divides the result by each factor, with an element that
    is the only zero of its group getting the product of the others; amax/amin split the
    gradient evenly among the elements equal to the result."""

    @staticmethod
    def forward(ctx, x, axis, index, src, reduce, include_self):
        xp = backend.array_module(x)
        ctx.axis, ctx.reduce, ctx.include_self = axis, reduce, include_self
        ctx.index, ctx.src_shape = index, src.shape
        src = src[tuple(slice(0, n) for n in index.shape)]  # torch uses index's part of src
        full = indexing._along_axis_index(index, axis, xp)
        out = x.copy()
        if reduce in ("sum", "mean"):
            if not include_self:
                out[full] = 0
            scatter_add_into(out, full, src)
            if reduce == "mean":
                count = xp.ones(x.shape, dtype=x.dtype) if include_self else \
                    xp.zeros(x.shape, dtype=x.dtype)
                scatter_add_into(count, full, xp.ones(index.shape, dtype=x.dtype))
                count[count == 0] = 1
                divide = xp.true_divide if x.dtype.kind == "f" else xp.floor_divide
                out = divide(out, count).astype(x.dtype, copy=False)
        elif index.size:
            combine = {"prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
            strides = [1] * x.ndim
            for d in range(x.ndim - 2, -1, -1):
                strides[d] = strides[d + 1] * x.shape[d + 1]
            keys = sum(i * s for i, s in zip(full, strides))
            keys, values = _segment_reduce(combine, keys.reshape(-1), src.reshape(-1))
            flat = out.reshape(-1)  # out is a fresh copy: a view
            flat[keys] = combine(flat[keys], values) if include_self else values
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        Tensor = _tensor_cls()
        saved = ctx.saved_tensors if ctx.reduce in ("prod", "amax", "amin") else (None,) * 3
        x, src, out = (None if a is None else Tensor._wrap(a) for a in saved)
        index = Tensor._wrap(ctx.index)
        with grad_mode.no_grad():
            grads = _scatter_reduce_grads(ctx, Tensor._wrap(grad), x, index, src, out)
        return tuple(None if g is None else g._data for g in grads)

    @staticmethod
    def backward_graph(ctx, grad, x, axis, index, src, reduce, include_self):
        out = ctx.output_tensor(ctx.saved_tensors[2]) if ctx.reduce in ("prod", "amax",
                                                                          "amin") else None
        if tuple(src.shape) != tuple(index.shape):
            src = src[tuple(slice(0, n) for n in index.shape)]
        return _scatter_reduce_grads(ctx, grad, x, index, src, out)


def _scatter_reduce_grads(ctx, grad, x, index, src, result):
    """(grad_x, None, None, grad_src) on Tensors: torch's scatter_reduce_backward."""
    dim, reduce, include_self = ctx.axis, ctx.reduce, ctx.include_self
    if reduce == "sum":
        grad_self, grad_src = grad, grad.gather(dim, index)
    elif reduce == "mean":
        count = grad.new_ones(grad.shape) if include_self else grad.new_zeros(grad.shape)
        count = count.scatter_add(dim, index, grad.new_ones(index.shape))
        count = count.masked_fill(count == 0, 1)
        grad_self, grad_src = grad / count, grad.gather(dim, index) / count.gather(dim, index)
    elif reduce == "prod":
        masked_self = x.masked_fill(x == 0, 1)
        masked_self_result = scatter_reduce(masked_self, dim, index, src, "prod",
                                            include_self=include_self)
        grad_self = grad * masked_self_result / masked_self
        src_zero = src == 0
        zeros_there = x.new_zeros(x.shape).scatter_add(dim, index, src_zero.to(x.dtype))
        single_zero = src_zero & (zeros_there.gather(dim, index) == 1)
        # the only zero of its group: its gradient is the product of the others
        masked_src_result = scatter_reduce(x, dim, index, src.masked_fill(single_zero, 1),
                                           "prod", include_self=include_self)
        grad_src = (grad * masked_src_result).gather(dim, index).where(
            single_zero, (grad * result).gather(dim, index) / src.masked_fill(src_zero, 1))
    else:  # amax, amin: split evenly among the elements equal to the result
        value = result.gather(dim, index)
        self_is_result, src_is_value = x == result, src == value
        ties = self_is_result.to(grad.dtype).scatter_add(dim, index, src_is_value.to(grad.dtype))
        shared = grad / ties
        grad_self = shared.where(self_is_result, 0.0)
        grad_src = shared.gather(dim, index).where(src_is_value, 0.0)
    if not include_self:
        grad_self = grad_self.scatter(dim, index, value=0.0)
    if tuple(grad_src.shape) != tuple(ctx.src_shape):  # a src larger than index: pad
        region = tuple(slice(0, n) for n in grad_src.shape)
        grad_src = GetItemBackward.apply(grad_src, tuple(ctx.src_shape), region, True)
    return grad_self, None, None, grad_src


@public(method=True, inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """out = input, with src's elements reduced into out[index] along `dim` (as scatter
    places them) by "sum", "prod", "mean", "amax" or "amin"; include_self=False leaves
    input's own values out of the reduction where something is scattered.

    >>> minitorch.tensor([1., 2.]).scatter_reduce(0, minitorch.tensor([0, 0, 1]),
    ...                                           minitorch.tensor([3., 5., 4.]), "amax")
    tensor([5., 4.])
    """
    dims = (input.dim(), index.dim(), src.dim())
    if max(dims) <= 1 and min(dims) == 0:  # a 0-dim tensor is one element along dim 0
        normalize_dim(dim, input.dim())
        out = scatter_reduce(input.reshape(-1), 0, index.reshape(-1), src.reshape(-1), reduce,
                             include_self=include_self)
        return out.reshape(input.shape)
    axis = indexing._check_index_tensor("scatter", input, dim, index, src)
    if reduce not in REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if reduce == "mean" and input.dtype is dtypes.bool:
        raise NotImplementedError(
            "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    same_device(input, index, src)
    return ScatterReduce.apply(input, axis, index, src, reduce, include_self)
