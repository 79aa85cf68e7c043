"""Shape ops: reshape/view, squeeze, transpose/permute, expand, repeat, cat/stack, split.

Most of these move no data (NumPy/CuPy return views); their backward undoes the shape
change on the gradient.
"""
from __future__ import annotations

import operator

from .. import backend
from ..autograd.function import Op
from ..autograd.views import ViewOp, mark_multi_output, mark_view
from .promotion import promote
from .registry import public


def normalize_dim(dim, ndim):
    """torch's dim wrapping: -1 is the last axis; out of range is an IndexError."""
    try:
        dim = operator.index(dim)
    except TypeError:
        raise TypeError(f"dim must be an int, got {type(dim).__name__}") from None
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    return dim % n


def normalize_dims(dims, ndim):
    if isinstance(dims, (tuple, list)):
        axes = tuple(normalize_dim(d, ndim) for d in dims)
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes} appears multiple times in the list of dims")
        return tuple(sorted(axes))
    return (normalize_dim(dims, ndim),)


def _sizes(args):
    """Accept f(2, 3) and f((2, 3)) / f([2, 3]) / f(torch.Size)."""
    if not args:  # x.view() is a mistake; the empty shape is written x.view(())
        raise TypeError("missing the sizes: pass them as ints or one tuple, e.g. (2, 3) or ()")
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(operator.index(a) for a in args)


def infer_shape(shape, numel):
    """Resolve one -1 in `shape`; raise torch's error if the sizes don't fit."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                                   f"{list(shape)}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view_strides(old_shape, old_strides, new_shape):
    """Strides (in elements) that show memory laid out as (old_shape, old_strides) with
    new_shape, or None when no such strides exist and the data would have to be copied.

    torch's rule (`computeStride` in ATen): the old dims split into chunks that are
    contiguous with each other; each chunk must be made of whole new dims.
    """
    if not old_shape:
        return (1,) * len(new_shape)
    numel = 1
    for n in old_shape:
        numel *= n
    if numel == 0:  # no memory to walk: any strides do; torch's are the contiguous ones
        if tuple(old_shape) == tuple(new_shape):
            return tuple(old_strides)
        strides, step = [], 1
        for n in reversed(new_shape):
            strides.append(step)
            step *= max(n, 1)
        return tuple(reversed(strides))
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        # a chunk ends where the next-outer dim does not continue it in memory
        if tensor_d == 0 or (old_shape[tensor_d - 1] != 1 and
                             old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


class Reshape(ViewOp):
    """out = x with a new shape (same elements in row-major order).

    `view` (must_view) never copies: it shows the same memory with new strides, or raises
    torch's error. Asking the array library is not enough: NumPy's `reshape(copy=False)`
    refuses to copy, but CuPy's reshape silently copies, and writes to a copy never
    reach the base."""

    @staticmethod
    def forward(ctx, x, shape, must_view):
        ctx.shape = x.shape
        if not must_view or x.flags.c_contiguous:  # a contiguous reshape is always a view
            return x.reshape(shape)
        item = x.itemsize
        strides = view_strides(x.shape, [s // item for s in x.strides], shape)
        if strides is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at "
                "least one dimension spans across two contiguous subspaces). Use "
                ".reshape(...) instead.")
        return backend.as_strided(x, shape, [s * item for s in strides])

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)

    @staticmethod
    def backward_graph(ctx, grad, x, shape, must_view):
        return (grad.reshape(ctx.shape),)


@public(method=True)
def reshape(input, *shape):
    shape = infer_shape(_sizes(shape), input.numel())
    return input if shape == input.shape else Reshape.apply(input, shape, False)


# no @public: torch has Tensor.view (tensor_methods.py, with its dtype check) but no torch.view
def view(input, *shape):
    return Reshape.apply(input, infer_shape(_sizes(shape), input.numel()), True)


@public(method=True)
def flatten(input, start_dim=0, end_dim=-1):
    if input.dim() == 0:
        return reshape(input, 1)
    s, e = normalize_dim(start_dim, input.dim()), normalize_dim(end_dim, input.dim())
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    merged = 1
    for n in shape[s:e + 1]:  # an explicit size: -1 can't be inferred when numel is 0
        merged *= n
    return reshape(input, shape[:s] + (merged,) + shape[e + 1:])


@public(method=True)
def unflatten(input, dim, sizes):
    d = normalize_dim(dim, input.dim())
    shape, sizes = input.shape, tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError as exc:
        if sizes.count(-1) > 1:
            raise
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {d} ({shape[d]}) in the input tensor") from exc
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


@public(method=True)
def squeeze(input, dim=None):
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        axes = normalize_dims(dim, input.dim()) if input.dim() else ()
        new = tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1))
    return Reshape.apply(input, new, False) if new != shape else input.view(shape)


@public(method=True)
def unsqueeze(input, dim):
    d = normalize_dim(dim, input.dim() + 1)
    shape = input.shape
    return Reshape.apply(input, shape[:d] + (1,) + shape[d:], False)


class Permute(ViewOp):
    """out = x with axes reordered;  the gradient is permuted back by the inverse order."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return x.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        return (grad.transpose(ctx.inverse),)

    @staticmethod
    def backward_graph(ctx, grad, x, axes):
        return (grad.permute(ctx.inverse),)


@public(method=True)
def permute(input, *dims):
    dims = _sizes(dims)
    if len(dims) != input.dim():
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input "
                           f"does not match the length of the desired ordering of dimensions "
                           f"i.e. input.dim() = {input.dim()} is not equal to len(dims) = "
                           f"{len(dims)}")
    axes = tuple(normalize_dim(d, input.dim()) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, axes)


@public(method=True)
def transpose(input, dim0, dim1):
    n = input.dim()
    if n == 0:
        return input.view(())
    axes = list(range(n))
    a, b = normalize_dim(dim0, n), normalize_dim(dim1, n)
    axes[a], axes[b] = axes[b], axes[a]
    return Permute.apply(input, tuple(axes))


@public(method=True)
def swapaxes(input, axis0, axis1):
    """transpose under NumPy's name, with torch's argument names for it."""
    return transpose(input, axis0, axis1)


@public(method=True)
def t(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.dim()}D")
    return transpose(input, 0, 1) if input.dim() == 2 else input.view(input.shape)


class Expand(ViewOp):
    """out = x broadcast to `shape` (a view);  the engine sums the gradient back."""

    @staticmethod
    def forward(ctx, x, shape):
        out = backend.array_module(x).broadcast_to(x, shape)
        # NumPy gives every size-1 dim stride 0; torch keeps the stride of a dim that is
        # not expanded, which x.stride() shows
        lead = len(shape) - x.ndim
        strides = (0,) * lead + tuple(s if n == m else 0 for s, n, m in
                                      zip(x.strides, x.shape, shape[lead:]))
        if out.size and out.strides != strides:
            out = backend.as_strided(x, shape, strides, writeable=False)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    @staticmethod
    def backward_graph(ctx, grad, x, shape):
        return (grad,)


# no @public: torch has Tensor.expand (tensor_methods.py) but no torch.expand
def expand(input, *sizes):
    sizes = _sizes(sizes)
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of "
            "sizes provided must be greater or equal to the number of dimensions in the "
            "tensor")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError("expand: -1 is not allowed in a leading, new dimension")
            s = old
        if old is not None and old != 1 and old != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size "
                f"({old}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}")
        target.append(s)
    target = tuple(target)
    return input if target == shape else Expand.apply(input, target)


@public(method=True)
def broadcast_to(input, size):
    return expand(input, size)


class Repeat(Op):
    """out = x tiled `reps` times along each axis;  d/dx sums the tiles back."""

    @staticmethod
    def forward(ctx, x, reps):
        xp = backend.array_module(x)
        x = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        ctx.in_shape = x.shape
        ctx.reps = reps
        return xp.tile(x, reps)

    @staticmethod
    def backward(ctx, grad):
        # view the output as (rep0, n0, rep1, n1, ...) and sum over the rep axes
        split = []
        for r, n in zip(ctx.reps, ctx.in_shape):
            split += [r, n]
        g = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return (g,)

    @staticmethod
    def backward_graph(ctx, grad, x, reps):
        split = []
        for r, n in zip(ctx.reps, ctx.in_shape):
            split += [r, n]
        return (grad.reshape(split).sum(dim=tuple(range(0, len(split), 2))),)


@public(method=True)
def repeat(input, *sizes):
    reps = _sizes(sizes)
    if len(reps) < input.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")
    shape = (1,) * (len(reps) - input.dim()) + tuple(input.shape)
    out_shape = [r * n for r, n in zip(reps, shape)]
    if any(n < 0 for n in out_shape):  # NumPy's error would be a ValueError
        bad = next(n for n in out_shape if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: "
                           f"{out_shape}")
    return Repeat.apply(input, reps)


class Contiguous(Op):
    """A C-ordered copy (or x itself when already contiguous); gradient passes through."""

    @staticmethod
    def forward(ctx, x, force_copy):
        xp = backend.array_module(x)
        return x.copy() if force_copy else xp.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    @staticmethod
    def backward_graph(ctx, grad, x, force_copy):
        return (grad,)


# no @public: torch has Tensor.contiguous (tensor_methods.py) but no torch.contiguous
def contiguous(input):
    return input if input._data.flags.c_contiguous else Contiguous.apply(input, False)


@public  # Tensor.clone is tensor_methods.py's: it takes memory_format=
def clone(input):
    return Contiguous.apply(input, True)


def _skipped(x, ndim):
    """torch's legacy rule: a 1-D empty tensor in cat is skipped, whatever the other shapes."""
    return x.shape == (0,) and ndim != 1


class Cat(Op):
    """out = the inputs joined along `axis`;  each input gets its slice of the gradient.
    (Skipped 1-D empty inputs stay inputs, so they keep their place in the graph, and get
    an empty gradient, as in torch.)"""

    @staticmethod
    def forward(ctx, axis, ndim, *xs):
        xp = backend.array_module(xs[0])
        ctx.axis = axis
        ctx.skipped = [_skipped(x, ndim) for x in xs]
        ctx.bounds = [0]
        for x, skipped in zip(xs, ctx.skipped):
            ctx.bounds.append(ctx.bounds[-1] + (0 if skipped else x.shape[axis]))
        return xp.concatenate([x for x, skipped in zip(xs, ctx.skipped) if not skipped],
                              axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        index = [slice(None)] * grad.ndim
        out = [None, None]
        for lo, hi, skipped in zip(ctx.bounds[:-1], ctx.bounds[1:], ctx.skipped):
            index[ctx.axis] = slice(lo, hi)
            out.append(xp.zeros(0, dtype=grad.dtype) if skipped else grad[tuple(index)])
        return tuple(out)

    @staticmethod
    def backward_graph(ctx, grad, axis, ndim, *xs):
        out = [None, None]
        for lo, hi, skipped in zip(ctx.bounds[:-1], ctx.bounds[1:], ctx.skipped):
            out.append(grad.new_zeros(0) if skipped else Slice.apply(grad, ctx.axis, lo, hi))
        return tuple(out)


@public(aliases=("concat", "concatenate"))
def cat(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    tensors, _ = promote(*tensors, broadcast=False)  # skipped ones count for the dtype too
    kept = [t_ for t_ in tensors if t_.shape != (0,)]
    ref = kept[0] if kept else tensors[0]
    # only legacy empty (0,) tensors: torch returns one whatever `dim` says
    axis = normalize_dim(dim, ref.dim()) if kept else 0
    for i, t_ in enumerate(tensors):
        if t_.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
        if _skipped(t_, ref.dim()):
            continue
        if t_.dim() != ref.dim():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.dim()} "
                               f"and {t_.dim()}")
        for k, (want, got) in enumerate(zip(ref.shape, t_.shape)):
            if k != axis and want != got:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size "
                    f"{want} but got size {got} for tensor number {i} in the list.")
    return Cat.apply(axis, ref.dim(), *tensors)


class Stack(Op):
    """out = the inputs stacked along a new axis;  each input gets its slice of the gradient.

    One op for all inputs (not cat of unsqueezed views): DataLoader's collate stacks every
    batch from dozens of samples, and one xp.stack is one call instead of a view op each."""

    @staticmethod
    def forward(ctx, axis, *xs):
        ctx.axis, ctx.count = axis, len(xs)
        return backend.array_module(xs[0]).stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return (None,) + tuple(grad[lead + (i,)] for i in range(ctx.count))

    @staticmethod
    def backward_graph(ctx, grad, axis, *xs):
        lead = (slice(None),) * ctx.axis
        return (None,) + tuple(grad[lead + (i,)] for i in range(ctx.count))


@public
def stack(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t_ in enumerate(tensors):
        if t_.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)}"
                f" at entry 0 and {list(t_.shape)} at entry {i}")
    d = normalize_dim(dim, tensors[0].dim() + 1)
    tensors, _ = promote(*tensors, broadcast=False)
    return Stack.apply(d, *tensors)


class Slice(ViewOp):
    """out = x[lo:hi] along `axis` (a view);  the gradient is placed back in a zero array."""

    @staticmethod
    def forward(ctx, x, axis, lo, hi):
        ctx.shape, ctx.axis, ctx.lo, ctx.hi = x.shape, axis, lo, hi
        index = [slice(None)] * x.ndim
        index[axis] = slice(lo, hi)
        return x[tuple(index)]

    @staticmethod
    def backward(ctx, grad):
        return (SliceBackward.forward(None, grad, ctx.shape, ctx.axis, ctx.lo, ctx.hi),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis, lo, hi):
        return (SliceBackward.apply(grad, ctx.shape, ctx.axis, ctx.lo, ctx.hi),)


class SliceBackward(Op):
    """Slice's backward as an op: out = zeros(shape) with grad placed at [lo:hi] on `axis`.
    Its own backward is the slice again -- the pair differentiates each other, to any order.
    """

    @staticmethod
    def forward(ctx, grad, shape, axis, lo, hi):
        xp = backend.array_module(grad)
        out = xp.zeros(shape, dtype=grad.dtype)
        index = [slice(None)] * grad.ndim
        index[axis] = slice(lo, hi)
        out[tuple(index)] = grad
        if ctx is not None:
            ctx.axis, ctx.lo, ctx.hi = axis, lo, hi
        return out

    @staticmethod
    def backward(ctx, g):
        index = [slice(None)] * g.ndim
        index[ctx.axis] = slice(ctx.lo, ctx.hi)
        return (g[tuple(index)],)

    @staticmethod
    def backward_graph(ctx, g, grad, shape, axis, lo, hi):
        return (Slice.apply(g, ctx.axis, ctx.lo, ctx.hi),)


class Split(Op):
    """outs = the pieces x[bounds[i]:bounds[i+1]] along `axis` (views), in ONE node.

    One node with many outputs, not one slice node per piece: the backward then gets
    every piece's gradient at once and writes them side by side into one array. With a
    node per piece, each would make its own zero array of x's full size, and summing
    those costs pieces x size(x): quadratic for an RNN that unbinds its sequence.
    """

    squeeze = False  # Unbind: the pieces lose the split axis

    @staticmethod
    def forward(ctx, x, axis, bounds):
        ctx.shape, ctx.axis, ctx.bounds = x.shape, axis, bounds
        index = [slice(None)] * x.ndim
        outs = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            index[axis] = lo if ctx.squeeze else slice(lo, hi)
            outs.append(x[tuple(index)])
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        ref = next(g for g in grads if g is not None)
        xp = backend.array_module(ref)
        if all(g is not None for g in grads):  # the common case: one pass, no zero fill
            joined = xp.stack(grads, ctx.axis) if ctx.squeeze else xp.concatenate(grads, ctx.axis)
            return joined, None, None
        out = xp.zeros(ctx.shape, dtype=ref.dtype)
        index = [slice(None)] * len(ctx.shape)
        for g, lo, hi in zip(grads, ctx.bounds[:-1], ctx.bounds[1:]):
            if g is not None:  # an unused piece contributes zeros
                index[ctx.axis] = lo if ctx.squeeze else slice(lo, hi)
                out[tuple(index)] = g
        return out, None, None

    @classmethod
    def backward_graph(cls, ctx, *grads_and_inputs):
        grads = grads_and_inputs[:len(ctx.bounds) - 1]
        ref = next(g for g in grads if g is not None)
        pieces = []
        for g, lo, hi in zip(grads, ctx.bounds[:-1], ctx.bounds[1:]):
            if g is None:  # an unused piece contributes zeros
                shape = list(ctx.shape)
                shape[ctx.axis] = hi - lo
                g = ref.new_zeros(shape[:ctx.axis] + shape[ctx.axis + 1:] if cls.squeeze
                                  else shape)
            pieces.append(g)
        joined = stack(pieces, ctx.axis) if cls.squeeze else cat(pieces, ctx.axis)
        return joined, None, None


class SplitWithSizes(Split):
    """split(x, [sizes]): torch names this node SplitWithSizesBackward0."""


class Unbind(Split):
    squeeze = True


def _split_views(input, op, axis, bounds):
    """Run the split op and record each piece as a view of input (see autograd/views.py)."""
    outs = op.apply(input, axis, bounds)
    for i, out in enumerate(outs):
        mark_view(input, out, lambda base, i=i: op.apply(base, axis, bounds)[i], op.__name__)
    mark_multi_output(input, outs, op.__name__)
    return outs


@public  # Tensor.split is tensor_methods.py's: torch names its size split_size
def split(input, split_size_or_sections, dim=0):
    if input.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    axis = normalize_dim(dim, input.dim())
    n = input.shape[axis]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [min(size, n - lo) for lo in range(0, n, size)] if n else [0]
        op = Split
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                f"size at dimension {axis}), but got split_sizes={sizes}")
        op = SplitWithSizes
    bounds = [0]
    for s in sizes:
        bounds.append(bounds[-1] + s)
    return _split_views(input, op, axis, tuple(bounds))


@public(method=True)
def chunk(input, chunks, dim=0):
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input.shape[normalize_dim(dim, input.dim())]
    if n == 0:  # torch returns `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


@public(method=True)
def unbind(input, dim=0):
    axis = normalize_dim(dim, input.dim())
    return _split_views(input, Unbind, axis, tuple(range(input.shape[axis] + 1)))


class Flip(Op):
    """out = x reversed along axes;  the gradient is flipped back."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return backend.array_module(x).flip(x, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        return (backend.array_module(grad).flip(grad, axis=ctx.axes),)

    @staticmethod
    def backward_graph(ctx, grad, x, axes):
        return (grad.flip(ctx.axes),)


@public(method=True)
def flip(input, dims):
    axes = normalize_dims(dims, input.dim())
    if input.dim() == 0:  # torch accepts dim 0/-1 of a scalar; NumPy has no axis 0 there
        return Flip.apply(reshape(input, (1,)), (0,)).reshape(())
    return Flip.apply(input, axes)
