"""More views: narrow, select, movedim/moveaxis, diagonal, Tensor.unfold.

Each output shares the input's memory (ViewOp records it as a view, so in-place ops
through it reach the base; see autograd/views.py). narrow, select and movedim are
slices and permutes. diagonal and unfold are *strided* views: one array whose strides
walk the input's memory in a new pattern, built with `as_strided` (NumPy's own
`np.diagonal` is read-only, and there is no unfold). Their backward writes the
gradient into zeros through the same strided view of the zeros.
"""
from __future__ import annotations

import operator

from .. import backend, dtypes
from ..autograd.views import ViewOp
from .indexing import GetItem, moved_grad_graph
from .registry import public
from .shape import Permute, Slice, normalize_dim


def int_arg(value, fn, name):
    """An int argument as torch's parser takes it: an int, a NumPy integer or a
    one-element integer tensor; never a bool or a float (TypeError, as torch)."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(value).__name__}")


# ---- narrow: a slice of length `length` ------------------------------------------------------
@public(method=True)
def narrow(input, dim, start, length):
    """out = input sliced to [start, start + length) along dim (a view; SliceBackward0)."""
    if hasattr(start, "_data"):  # torch also takes start as a 0-d integer tensor
        if start.dim() != 0 or start.dtype.is_floating_point or start.dtype is dtypes.bool:
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = start.item()
    dim = int_arg(dim, "narrow", "dim")
    start, length = int_arg(start, "narrow", "start"), int_arg(length, "narrow", "length")
    if input.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    axis = normalize_dim(dim, input.dim())
    size = input.shape[axis]
    if not -size <= start <= size:  # start == size is allowed: an empty slice at the end
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    start = start + size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return Slice.apply(input, axis, start, start + length)


# ---- select: one index, the dim removed --------------------------------------------------------
class Select(GetItem):
    """out = input[:, ..., index] along one dim: x[index tuple] with torch's node name."""


@public(method=True)
def select(input, dim, index):
    dim, index = int_arg(dim, "select", "dim"), int_arg(index, "select", "index")
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = normalize_dim(dim, input.dim())
    size = input.shape[axis]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {axis}")
    # the Ellipsis keeps a 0-d result an array view (x[0] of a 1-d array is a scalar)
    return Select.apply(input, (slice(None),) * axis + (index % size, Ellipsis), True)


# ---- movedim: a permutation -------------------------------------------------------------------
@public(method=True, aliases=("moveaxis",))
def movedim(input, source, destination):
    """out = input with dims `source` moved to positions `destination`, the others kept
    in their order (a Permute view)."""
    many = isinstance(source, (tuple, list)), isinstance(destination, (tuple, list))
    if many[0] != many[1]:
        raise TypeError(f"movedim() received an invalid combination of arguments - got "
                        f"(Tensor, {type(source).__name__}, {type(destination).__name__}), "
                        "but expected one of: (Tensor input, int source, int destination) or "
                        "(Tensor input, tuple of ints source, tuple of ints destination)")
    src = [int_arg(d, "movedim", "source") for d in (source if many[0] else [source])]
    dst = [int_arg(d, "movedim", "destination")
           for d in (destination if many[1] else [destination])]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} "
                           "dims)")
    n = input.dim()
    src_axes = [normalize_dim(d, n) for d in src]
    dst_axes = [normalize_dim(d, n) for d in dst]
    for what, given, axes in (("source", src, src_axes), ("destination", dst, dst_axes)):
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"movedim: repeated dim in `{what}` ({given})")
    order = [None] * max(n, 1)
    for s, d in zip(src_axes, dst_axes):
        order[d] = s
    rest = iter(a for a in range(n) if a not in src_axes)
    order = tuple(a if a is not None else next(rest) for a in order[:n])
    return Permute.apply(input, order)


# ---- diagonal: a strided view with the diagonal as the last dim -------------------------------
def diagonal_view(array, offset, dim1, dim2):
    """The diagonal of dims (dim1, dim2) of `array` as a writable view: the other dims in
    order, then the diagonal. offset > 0 is above the main diagonal (dim2 starts at
    offset), offset < 0 below (dim1 starts at -offset); past the edge it is empty."""
    n1, n2 = array.shape[dim1], array.shape[dim2]
    start1, start2 = max(-offset, 0), max(offset, 0)
    length = max(min(n1 - start1, n2 - start2), 0)
    index = [slice(None)] * array.ndim
    if length:  # start at the diagonal's first element; stepping both dims walks it
        index[dim1], index[dim2] = slice(start1, None), slice(start2, None)
    corner = array[tuple(index)]
    keep = [a for a in range(array.ndim) if a not in (dim1, dim2)]
    shape = tuple(array.shape[a] for a in keep) + (length,)
    strides = tuple(corner.strides[a] for a in keep) + (corner.strides[dim1] +
                                                        corner.strides[dim2],)
    return backend.as_strided(corner, shape, strides)


class Diagonal(ViewOp):
    """out = the diagonal view;  d/dx = zeros with the gradient written on the diagonal."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        out = backend.array_module(grad).zeros(ctx.shape, dtype=grad.dtype)
        diagonal_view(out, *ctx.args)[...] = grad  # each element is on the diagonal once
        return (out,)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        return (moved_grad_graph(grad, ctx.shape, lambda a: diagonal_view(a, *ctx.args)),)


@public(method=True)
def diagonal(input, offset=0, dim1=0, dim2=1):
    offset = int_arg(offset, "diagonal", "offset")
    d1, d2 = int_arg(dim1, "diagonal", "dim1"), int_arg(dim2, "diagonal", "dim2")
    axis1, axis2 = normalize_dim(d1, input.dim()), normalize_dim(d2, input.dim())
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {d1}, {d2}")
    return Diagonal.apply(input, offset, axis1, axis2)


# ---- Tensor.unfold: sliding windows as a new last dim -----------------------------------------
def unfold_view(array, axis, size, step):
    """Windows of `size` elements every `step` along `axis`: that dim becomes the window
    count and a last dim of length `size` walks inside each window. A 0-d array is one
    element: (size,) with size 0 or 1."""
    if array.ndim == 0:
        return backend.as_strided(array, (size,), (array.itemsize,))
    shape, strides = list(array.shape), list(array.strides)
    shape[axis] = (shape[axis] - size) // step + 1
    strides[axis] *= step
    return backend.as_strided(array, tuple(shape) + (size,),
                              tuple(strides) + (array.strides[axis],))


class Unfold(ViewOp):
    """out = the window view;  d/dx = zeros plus every window's gradient added back.

    Windows overlap when step < size, so one element can get gradient from several.
    For one position k inside the window the elements are all distinct (window i reads
    i*step + k), so `view[..., k] += grad[..., k]` adds each exactly once: one strided
    add per window position, never a loop over windows or elements.
    """

    @staticmethod
    def forward(ctx, x, axis, size, step):
        ctx.shape, ctx.args = x.shape, (axis, size, step)
        return unfold_view(x, axis, size, step)

    @staticmethod
    def backward(ctx, grad):
        out = backend.array_module(grad).zeros(ctx.shape, dtype=grad.dtype)
        windows = unfold_view(out, *ctx.args)
        for k in range(ctx.args[1]):
            windows[..., k] += grad[..., k]
        return (out,)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        return (moved_grad_graph(grad, ctx.shape, lambda a: unfold_view(a, *ctx.args)),)


# no @public: torch has Tensor.unfold (tensor_methods.py) but no torch.unfold
def unfold(input, dimension, size, step):
    """Tensor.unfold (torch has no torch.unfold function)."""
    dimension = int_arg(dimension, "unfold", "dimension")
    size, step = int_arg(size, "unfold", "size"), int_arg(step, "unfold", "step")
    axis = normalize_dim(dimension, input.dim())
    longest = input.shape[axis] if input.dim() else 1
    if size > longest:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {longest} but "
                           f"size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, axis, size, step)
