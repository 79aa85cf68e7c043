"""Rearranging elements: roll, tile, repeat_interleave, rot90 fliplr flipud, swapdims, diff,
broadcast_tensors/broadcast_shapes, meshgrid, cartesian_prod.

Joining and splitting (hstack vstack ..., tensor_split hsplit ...) live in joining.py.
Most of these are compositions of the shape ops (permute, flip, expand, cat, slices), so
their gradients come from those ops; roll and repeat_interleave have their own Op.
"""
from __future__ import annotations

import operator
import warnings

from .. import backend, dtypes
from ..autograd.function import Op, same_device
from .arithmetic import sub
from .comparison import ne
from .indexing import moved_grad_graph
from .promotion import promote
from .registry import public
from .shape import (
    Flip,
    Slice,
    cat,
    expand,
    flip,
    normalize_dim,
    repeat,
    reshape,
    stack,
    transpose,
)
from .view_ops import int_arg


# ---- roll -------------------------------------------------------------------------------------
class Roll(Op):
    """out = x shifted cyclically by `shifts` along `axes` (axes None: the flattened x);
    d/dx = grad rolled back by -shifts."""

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return backend.array_module(x).roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts) if ctx.axes is not None else -ctx.shifts
        return (backend.array_module(grad).roll(grad, back, ctx.axes),)

    @staticmethod
    def backward_graph(ctx, grad, x, shifts, axes):
        back = tuple(-s for s in ctx.shifts) if ctx.axes is not None else -ctx.shifts
        return (Roll.apply(grad, back, ctx.axes),)


def _int_tuple(value, fn, name):
    values = value if isinstance(value, (tuple, list)) else (value,)
    if any(isinstance(v, (bool, float)) for v in values):
        raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, not "
                        f"{type(value).__name__}")
    return tuple(operator.index(v) for v in values)


@public(method=True)
def roll(input, shifts, dims=None):
    """out = input shifted by `shifts` places along `dims`, wrapping around; no dims
    rolls the flattened tensor and keeps its shape.

    >>> minitorch.roll(minitorch.arange(4), 1)  # tensor([3, 0, 1, 2])
    """
    shifts = _int_tuple(shifts, "roll", "shifts")
    dims = () if dims is None else _int_tuple(dims, "roll", "dims")
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        return Roll.apply(input, shifts[0], None)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    if input.dim() == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    axes = tuple(normalize_dim(d, input.dim()) for d in dims)
    return Roll.apply(input, shifts, axes)


# ---- tile ---------------------------------------------------------------------------------------
@public  # Tensor.tile stays in tensor_methods.py: x.tile(2, 3) takes the dims unpacked
def tile(input, dims):
    """input repeated dims[i] times along each dim (dims padded with leading 1s to
    input.dim(), as torch does; then Tensor.repeat)."""
    reps = _int_tuple(dims, "tile", "dims") if isinstance(dims, (tuple, list)) else None
    if reps is None:
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    reps = (1,) * (input.dim() - len(reps)) + reps
    if any(r < 0 for r in reps):
        shape = (1,) * (len(reps) - input.dim()) + tuple(input.shape)
        sizes = [s * r for s, r in zip(shape, reps)]
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{next(n for n in sizes if n < 0)}: {sizes}")
    return repeat(input, reps)


# ---- repeat_interleave -------------------------------------------------------------------------
class RepeatInterleave(Op):
    """out = each slice of x along `axis` repeated repeats[i] times, in place;
    d/dx = the gradient of each group of copies summed (a scatter-add by source index)."""

    @staticmethod
    def forward(ctx, x, repeats, axis):
        xp = backend.array_module(x)
        ctx.shape, ctx.axis = x.shape, axis
        ctx.source = xp.repeat(xp.arange(x.shape[axis]), repeats)  # source slice per output
        return xp.repeat(x, repeats, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        out = xp.zeros(ctx.shape, dtype=grad.dtype)
        moved = xp.moveaxis(out, ctx.axis, 0)  # a view: the scatter-add reaches `out`
        backend.scatter_add(moved, ctx.source, xp.moveaxis(grad, ctx.axis, 0))
        return (out,)

    @staticmethod
    def backward_graph(ctx, grad, x, repeats, axis):
        def move(a):
            return backend.array_module(a).repeat(a, repeats, axis=axis)
        return (moved_grad_graph(grad, ctx.shape, move),)


def _repeat_counts(repeats, input, axis):
    """repeats as an int or a host list of ints, checked like torch."""
    if hasattr(repeats, "_data"):
        if repeats.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dtype.is_floating_point or repeats.dtype is dtypes.bool:
            raise NotImplementedError("\"repeat_interleave_cpu\" not implemented for "
                                      f"'{dtypes.scalar_type_name(repeats.dtype)}'")
        counts = repeats.tolist()
        if isinstance(counts, list) and len(counts) == 1:
            counts = counts[0]  # a one-element tensor repeats every slice
        elif isinstance(counts, list):
            if len(counts) != input.shape[axis]:
                raise RuntimeError(f"repeats must have the same size as input along dim, but "
                                   f"got repeats.size(0) = {len(counts)} and input.size("
                                   f"{axis}) = {input.shape[axis]}")
            if any(c < 0 for c in counts):
                raise RuntimeError("repeats can not be negative")
            return counts, sum(counts)
    else:
        counts = int_arg(repeats, "repeat_interleave", "repeats")
    if counts < 0:
        raise RuntimeError("Repeats must be non-negative")
    return counts, counts * input.shape[axis]


@public(method=True)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element (or each slice along `dim`) `repeats` times in place:
    [a, b] with 2 gives [a, a, b, b] (Tensor.repeat would give [a, b, a, b]).

    Args:
        repeats: an int, or an int tensor with one count per slice.
        dim: the dim to repeat along; None flattens the input first.
        output_size: the total length along dim, if known (checked).

    repeat_interleave(counts) alone repeats each index i counts[i] times.
    """
    same_device(input, repeats if hasattr(repeats, "_data") else None)
    if repeats is None:  # torch.repeat_interleave(repeats): arange(len) repeated
        from ..creation import arange

        counts = input
        if counts.dim() == 0:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if counts.dim() != 1 or counts.dtype.is_floating_point:
            _repeat_counts(counts, reshape(counts, (-1,)), 0)
        return repeat_interleave(arange(counts.shape[0], device=counts.device), counts, 0)
    if dim is None:
        input, axis = reshape(input, (-1,)), 0
    else:
        axis = normalize_dim(dim, input.dim())
        if input.dim() == 0:
            input = reshape(input, (1,))
    counts, total = _repeat_counts(repeats, input, axis)
    if output_size is not None and output_size != total:
        if isinstance(counts, list):
            raise RuntimeError("allocated size does not match required size")
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but "
                           f"got {output_size}")
    if isinstance(counts, list):
        xp = backend.array_module(input._data)
        counts = xp.asarray(counts, dtype=xp.int64)
    return RepeatInterleave.apply(input, counts, axis)


# ---- flips and rotations -----------------------------------------------------------------------
@public(method=True)
def fliplr(input):
    """input reversed along dim 1 (left <-> right); at least 2-D."""
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


@public(method=True)
def flipud(input):
    """input reversed along dim 0 (up <-> down); at least 1-D."""
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


@public(method=True)
def rot90(input, k=1, dims=(0, 1)):
    """input rotated by 90 degrees k times in the plane of `dims`, from the first dim
    towards the second (k < 0 the other way): a flip and a transpose per quarter turn."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = normalize_dim(dims[0], input.dim()), normalize_dim(dims[1], input.dim())
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k = int_arg(k, "rot90", "k") % 4
    if k == 1:
        return transpose(flip(input, [d1]), d0, d1)
    if k == 2:
        return flip(input, [d0, d1])
    if k == 3:
        return flip(transpose(input, d0, d1), [d1])
    return input.clone()


@public(method=True)
def swapdims(input, dim0, dim1):
    """Alias of transpose."""
    return transpose(input, dim0, dim1)


# ---- diff ----------------------------------------------------------------------------------------
@public(method=True)
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """out = input[1:] - input[:-1] along dim, applied n times (prepend/append are joined
    on first). Booleans give input[1:] != input[:-1], as in torch."""
    n = int_arg(n, "diff", "n")
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    axis = normalize_dim(dim, input.dim())
    if n == 0:  # torch returns the input, prepend and append not even joined
        return input
    for extra in (prepend, append):
        if extra is None:
            continue
        if extra.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as "
                               "input")
        for d in range(input.dim()):
            if d != axis and extra.shape[d] != input.shape[d]:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of "
                    f"input except along the differencing dimension; input.size({d}) = "
                    f"{input.shape[d]}, but got tensor.size({d}) = {extra.shape[d]}")
    if prepend is not None or append is not None:
        # promote first: cat skips empty 1-D tensors, also when choosing the dtype
        parts, _ = promote(*(t_ for t_ in (prepend, input, append) if t_ is not None),
                           broadcast=False)
        input = cat(parts, axis)
    for _ in range(n):
        length = input.shape[axis]
        if length == 0:
            break
        later = Slice.apply(input, axis, 1, length)
        earlier = Slice.apply(input, axis, 0, length - 1)
        input = ne(later, earlier) if input.dtype is dtypes.bool else sub(later, earlier)
    return input


# ---- broadcasting -------------------------------------------------------------------------------
@public
def broadcast_shapes(*shapes):
    """The shape that all `shapes` broadcast to (ints count as 1-D shapes)."""
    from ..tensor import Size

    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    for s in shapes:
        if any(n < 0 for n in s):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for i, s in enumerate(shapes):
        for back, n in enumerate(reversed(s), 1):
            if n != 1 and out[-back] not in (1, n):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {n} at {-back}! "
                    f"Mismatching argument at index {i} had {s}; but expected shape should "
                    f"be broadcastable to {out}")
            if n != 1:
                out[-back] = n
    return Size(out)


@public
def broadcast_tensors(*tensors):
    """Every tensor expanded (a view) to their common broadcast shape."""
    for i, t_ in enumerate(tensors):
        if not hasattr(t_, "_data"):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t_).__name__}")
    if not tensors:
        return ()
    from .promotion import _check_broadcast

    _check_broadcast(tensors)  # torch's "size of tensor a must match" error
    shape = tuple(broadcast_shapes(*(t_.shape for t_ in tensors)))
    return tuple(expand(t_, shape) for t_ in tensors)


# ---- grids ---------------------------------------------------------------------------------------
def _grid_inputs(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t_ in tensors:
        if t_.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t_}")
    if any(t_.dtype != tensors[0].dtype for t_ in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if any(t_.device != tensors[0].device for t_ in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same device")
    return tensors


@public
def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output i holds tensors[i] varying along dim i ('ij', the default)
    -- or, with indexing='xy', the first two dims swapped (x along columns).

    >>> xs, ys = minitorch.meshgrid(minitorch.arange(3), minitorch.arange(2), indexing="ij")
    """
    tensors = _grid_inputs(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                      "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                           f"received: {indexing}")
    sizes = [t_.numel() for t_ in tensors]
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:  # 'xy' is 'ij' with the first two inputs exchanged, then dims 0/1 swapped back
        tensors, sizes = [tensors[1], tensors[0], *tensors[2:]], [sizes[1], sizes[0], *sizes[2:]]
    grids = []
    for i, t_ in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[i] = sizes[i]
        grids.append(expand(reshape(t_, tuple(shape)), tuple(sizes)))
    if swap:
        grids = [grids[1], grids[0], *grids[2:]]
    return tuple(grids)


@public
def cartesian_prod(*tensors):
    """All combinations of the inputs' elements, one per row (like itertools.product):
    (prod of sizes, len(tensors)); one input is returned as is."""
    for t_ in tensors:
        if t_.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t_.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)
