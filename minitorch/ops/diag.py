"""Diagonals and triangles of matrices: tril triu, diag diag_embed trace, block_diag,
tril_indices triu_indices.

Two ops carry all the diagonal functions, and each is the other's backward:
`DiagEmbed` writes the last dim of its input onto a diagonal of zeros (diag of a vector,
diag_embed), `DiagonalCopy` reads a diagonal out as a new array (diag of a matrix, trace).
A diagonal with `offset` > 0 lies above the main one (columns start at offset), < 0 below.
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import promote
from .registry import public
from .shape import normalize_dim
from .view_ops import Diagonal, diagonal_view, int_arg


# ---- tril / triu: keep one triangle, zero the rest -----------------------------------------------
class Triangle(Op):
    """out = x where the (row, col) mask is true, else 0 (also NaN/inf: not x * mask);
    d/dx = grad under the same mask."""

    @staticmethod
    def forward(ctx, x, diagonal, upper):
        xp = backend.array_module(x)
        rows, cols = x.shape[-2:]
        below = xp.tri(rows, cols, diagonal - upper, dtype=bool)  # col - row <= k
        ctx.mask = ~below if upper else below
        return xp.where(ctx.mask, x, xp.zeros((), dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        return (xp.where(ctx.mask, grad, xp.zeros((), dtype=grad.dtype)),)

    @staticmethod
    def backward_graph(ctx, grad, x, diagonal, upper):
        return (grad.where(type(grad)._wrap(ctx.mask), 0.0),)


def _triangle(input, diagonal, upper):
    name = "triu" if upper else "tril"
    diagonal = int_arg(diagonal, name, "diagonal")
    if input.dim() < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return Triangle.apply(input, diagonal, upper)


@public(method=True, inplace=True)
def tril(input, diagonal=0):
    """out[..., i, j] = input[..., i, j] if j - i <= diagonal else 0 (batched over
    leading dims).

    >>> minitorch.tril(minitorch.ones(3, 3))  # the lower triangle, main diagonal kept
    """
    return _triangle(input, diagonal, False)


@public(method=True, inplace=True)
def triu(input, diagonal=0):
    """out[..., i, j] = input[..., i, j] if j - i >= diagonal else 0."""
    return _triangle(input, diagonal, True)


# ---- diagonals -----------------------------------------------------------------------------------
# Both ops read and write a diagonal through view_ops.diagonal_view (the strided view that
# `diagonal` returns), so there is one definition of where a diagonal lies.

class DiagEmbed(Op):
    """out = zeros with the last dim of x on diagonal `offset` of dims (dim1, dim2);
    d/dx = that diagonal of grad."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        xp = backend.array_module(x)
        ctx.args = (offset, dim1, dim2)
        side = x.shape[-1] + abs(offset)
        shape = list(x.shape[:-1])
        for d in sorted((dim1, dim2)):
            shape.insert(d, side)
        out = xp.zeros(shape, dtype=x.dtype)
        diagonal_view(out, offset, dim1, dim2)[...] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return (diagonal_view(grad, *ctx.args).copy(),)

    @staticmethod
    def backward_graph(ctx, grad, x, offset, dim1, dim2):
        return (DiagonalCopy.apply(grad, *ctx.args),)


class DiagonalCopy(Op):
    """out = diagonal `offset` of dims (dim1, dim2) as a new array (the diagonal last);
    d/dx = zeros with grad written on that diagonal, as for the `diagonal` view."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2).copy()

    backward = staticmethod(Diagonal.backward)
    backward_graph = staticmethod(Diagonal.backward_graph)


@public(method=True)
def diag(input, diagonal=0):
    """A 1-D input becomes a square matrix with it on diagonal `diagonal`; a 2-D input
    gives that diagonal of it (a copy, unlike `diagonal`).

    >>> minitorch.diag(minitorch.tensor([1., 2.]), 1)  # 3x3, ones above the main diagonal
    """
    diagonal = int_arg(diagonal, "diag", "diagonal")
    if input.dim() == 1:
        return DiagEmbed.apply(input, diagonal, 0, 1)
    if input.dim() == 2:
        return DiagonalCopy.apply(input, diagonal, 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D")


@public(method=True)
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """out has one more dim than input: input's last dim placed on diagonal `offset` of
    the 2-D planes spanned by (dim1, dim2) of the output, zeros elsewhere."""
    offset = int_arg(offset, "diag_embed", "offset")
    d1, d2 = int_arg(dim1, "diag_embed", "dim1"), int_arg(dim2, "diag_embed", "dim2")
    axis1, axis2 = normalize_dim(d1, input.dim() + 1), normalize_dim(d2, input.dim() + 1)
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {d1}, {d2}")
    if input.dim() == 0:  # torch wraps dims against the input's own rank here
        normalize_dim(d1, 1)
    return DiagEmbed.apply(input, offset, axis1, axis2)


@public(method=True)
def trace(input):
    """The sum of the main diagonal of a matrix (integers sum as int64)."""
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    if input.dtype is dtypes.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    from .reduce import sum as reduce_sum

    return reduce_sum(DiagonalCopy.apply(input, 0, 0, 1))


# ---- block_diag ---------------------------------------------------------------------------------
class BlockDiag(Op):
    """out = the matrices on the diagonal of a zero matrix; each input's gradient is its
    block of grad."""

    @staticmethod
    def forward(ctx, *blocks):
        xp = backend.array_module(blocks[0])
        rows = sum(b.shape[0] for b in blocks)
        cols = sum(b.shape[1] for b in blocks)
        out = xp.zeros((rows, cols), dtype=blocks[0].dtype)
        ctx.corners = []
        r = c = 0
        for b in blocks:  # a loop over the inputs, not over elements
            out[r:r + b.shape[0], c:c + b.shape[1]] = b
            ctx.corners.append((r, c, b.shape))
            r, c = r + b.shape[0], c + b.shape[1]
        return out

    @staticmethod
    def backward(ctx, grad):
        return tuple(grad[r:r + shape[0], c:c + shape[1]] for r, c, shape in ctx.corners)

    @staticmethod
    def backward_graph(ctx, grad, *blocks):
        return BlockDiag.backward(ctx, grad)  # slicing a Tensor is recorded too


@public
def block_diag(*tensors):
    """A block-diagonal matrix: each input (0-D -> 1x1, 1-D of n -> 1xn, or 2-D) a block.

    >>> minitorch.block_diag(minitorch.ones(2, 2), minitorch.ones(1, 3))  # 3x5
    """
    if not tensors:
        from ..creation import empty

        return empty(1, 0)
    for i, t_ in enumerate(tensors):
        if t_.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t_.dim()} dimensions")
    tensors, _ = promote(*tensors, broadcast=False)
    mats = [t_.reshape(1, -1) if t_.dim() < 2 else t_ for t_ in tensors]
    return BlockDiag.apply(*mats)


# ---- index lists of a triangle -------------------------------------------------------------------
def _triangle_indices(row, col, offset, dtype, device, upper):
    from ..tensor import Tensor

    name = "triu_indices" if upper else "tril_indices"
    row, col = int_arg(row, name, "row"), int_arg(col, name, "col")
    offset = int_arg(offset, name, "offset")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    if dt is not dtypes.int64 and dt is not dtypes.int32:
        raise NotImplementedError(f"\"{name}\" not implemented for "
                           f"'{dtypes.scalar_type_name(dt)}'")
    if row < 0 or col < 0:
        raise RuntimeError(f"row must be non-negative, got{row}" if row < 0 else
                           f"col must be non-negative, got{col}")
    xp = backend.get_xp(backend.as_device(device))
    below = xp.tri(row, col, offset - upper, dtype=bool)
    rows, cols = xp.nonzero(~below if upper else below)  # row-major order, as torch
    return Tensor._wrap(xp.stack([rows, cols]).astype(dt.np))


@public
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) row and column indices of the lower triangle of a row x col matrix."""
    return _triangle_indices(row, col, offset, dtype, device, False)


@public
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) row and column indices of the upper triangle of a row x col matrix."""
    return _triangle_indices(row, col, offset, dtype, device, True)
