"""More linear algebra: addmm addmv baddbmm addbmm mv, outer, tensordot, kron, cdist.

(matmul/mm/bmm/dot live in matmul.py, einsum in einsum.py, trace in diag.py.)

The four "add a product" ops, `beta * input + alpha * (a @ b)`, share one Op. Like BLAS
gemm, beta == 0 means "ignore input" (NaN in it does not leak into the result) and
alpha == 0 "ignore the product"; the gradients still flow (as zeros).
"""
from __future__ import annotations

import operator

from .. import backend, dtypes
from ..autograd.function import Op
from .arithmetic import mul
from .matmul import matmul
from .promotion import promote
from .registry import public
from .shape import expand, normalize_dim, permute, reshape


class AddProduct(Op):
    """out = beta * input + alpha * (a @ b), the product summed over the batch when
    `sum_batch` (addbmm).

    d/dinput = beta * grad (the engine sums it down to input's broadcast shape);
    d/da = alpha * grad @ b^T,  d/db = alpha * a^T @ grad -- matmul's rules, with a 1-D
    b (addmv) treated as a column and a batch-summed grad broadcast back over the batch.
    """

    @staticmethod
    def forward(ctx, input, a, b, beta, alpha, sum_batch):
        xp = backend.array_module(a)
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha, ctx.sum_batch = beta, alpha, sum_batch
        product = xp.matmul(a, b)
        if sum_batch:
            product = product.sum(axis=0)
        if alpha == 0:
            product = xp.zeros_like(product)
        elif alpha != 1:
            product = product * alpha
        if beta == 0:
            return product
        return product + (input if beta == 1 else input * beta)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        need_input, need_a, need_b = ctx.needs_input_grad[:3]
        grad_input = grad_a = grad_b = None
        if need_input:
            grad_input = grad * ctx.beta if ctx.beta != 1 else grad
        g = grad * ctx.alpha if ctx.alpha != 1 else grad
        column = b.ndim == 1
        if column:  # a (n, m) @ b (m,): b is an (m, 1) column, grad an (n, 1) one
            g, b = g[:, None], b[:, None]
        if need_a:
            grad_a = xp.matmul(g, xp.swapaxes(b, -1, -2))
        if need_b:
            grad_b = xp.matmul(xp.swapaxes(a, -1, -2), g)
            if column:
                grad_b = grad_b[:, 0]
        return grad_input, grad_a, grad_b

    @staticmethod
    def backward_graph(ctx, grad, input, a, b, *args):
        need_input, need_a, need_b = ctx.needs_input_grad[:3]
        grad_input = grad_a = grad_b = None
        if need_input:
            grad_input = grad * ctx.beta if ctx.beta != 1 else grad
        g = grad * ctx.alpha if ctx.alpha != 1 else grad
        column = b.dim() == 1
        if column:
            g, b = g.unsqueeze(-1), b.unsqueeze(-1)
        if need_a:
            grad_a = matmul(g, b.transpose(-1, -2))
        if need_b:
            grad_b = matmul(a.transpose(-1, -2), g)
            if column:
                grad_b = grad_b.squeeze(-1)
        return grad_input, grad_a, grad_b


def _scalar_for(dtype, value):
    """torch truncates beta/alpha to an integer for integer tensors."""
    if dtype.is_floating_point:
        return value
    return int(value)


def _add_product(name, input, a, b, beta, alpha, sum_batch, out_shape):
    beta, alpha = _scalar_for(a.dtype, beta), _scalar_for(a.dtype, alpha)
    try:
        input = expand(input, out_shape)
    except RuntimeError as exc:  # torch's expand error, its message kept
        raise RuntimeError(str(exc)) from None
    return AddProduct.apply(input, a, b, beta, alpha, sum_batch)


def _same_dtype_check(input, mat1, mat2):
    for first, second in ((input, mat2), (mat1, mat2)):
        if first.dtype != second.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                               f"{dtypes.scalar_type_name(first.dtype)} and "
                               f"{dtypes.scalar_type_name(second.dtype)}")


@public(method=True, inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """out = beta * input + alpha * (mat1 @ mat2); input broadcasts to (n, p).

    Args:
        input: added to the product (ignored, NaN included, when beta == 0).
        mat1: (n, m).  mat2: (m, p).
    """
    for which, m in (("mat1", mat1), ("mat2", mat2)):
        if m.dim() != 2:
            raise RuntimeError(f"{which} must be a matrix, got {m.dim()}-D tensor")
    _same_dtype_check(input, mat1, mat2)
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({mat1.shape[0]}x{mat1.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return _add_product("addmm", input, mat1, mat2, beta, alpha, False,
                        (mat1.shape[0], mat2.shape[1]))


def _check_mv(input, mat, vec, input_shape=None):
    """addmv's checks; mv passes its vec as `input` (torch's dtype message names it
    twice) and the shape its result will have."""
    shape = tuple(input.shape) if input_shape is None else input_shape
    if mat.dim() != 2 or vec.dim() != 1 or len(shape) > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {len(shape)}, "
                           f"{mat.dim()}, {vec.dim()}")
    if mat.shape[1] != vec.shape[0] or (shape and shape[0] not in (1, mat.shape[0])):
        raise RuntimeError(f"size mismatch, got input ({shape[0] if shape else 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    if not input.dtype == mat.dtype == vec.dtype:
        names = [dtypes.scalar_type_name(t.dtype) for t in (input, mat, vec)]
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{names[0]}, {names[1]}, and {names[2]}")


@public(method=True, inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    """out = beta * input + alpha * (mat @ vec); mat (n, m), vec (m,), input (n,) or
    broadcastable to it."""
    _check_mv(input, mat, vec)
    return _add_product("addmv", input, mat, vec, beta, alpha, False, (mat.shape[0],))


@public(method=True)
def mv(input, vec):
    """out = input @ vec for a matrix (n, m) and a vector (m,)."""
    _check_mv(vec, input, vec, input.shape[:1])
    return matmul(input, vec)


def _check_batches(batch1, batch2):
    for which, m in (("batch1", batch1), ("batch2", batch2)):
        if m.dim() != 3:
            raise RuntimeError(f"{which} must be a 3D tensor")


@public(method=True, inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """out[i] = beta * input[i] + alpha * (batch1[i] @ batch2[i]); batch1 (b, n, m),
    batch2 (b, m, p), input broadcastable to (b, n, p)."""
    _check_batches(batch1, batch2)
    b, n, m = batch1.shape
    if batch2.shape[:2] != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {m}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")
    _same_dtype_check(input, batch1, batch2)
    return _add_product("baddbmm", input, batch1, batch2, beta, alpha, False,
                        (b, n, batch2.shape[2]))


@public(method=True, inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """out = beta * input + alpha * sum_i batch1[i] @ batch2[i]; input broadcastable
    to (n, p)."""
    _check_batches(batch1, batch2)
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{batch1.shape[0]} and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x"
                           f"{batch1.shape[2]} and {batch2.shape[1]}x{batch2.shape[2]})")
    _same_dtype_check(input, batch1, batch2)
    return _add_product("addbmm", input, batch1, batch2, beta, alpha, True,
                        (batch1.shape[1], batch2.shape[2]))


@public(method=True, inplace=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """out = beta * input + alpha * outer(vec1, vec2); vec1 (n,), vec2 (m,), input
    broadcastable to (n, m). Unlike addmm, the dtypes promote."""
    for which, v in (("vec1", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {which}, but got {v.dim()}-D")
    (input, vec1, vec2), dt = promote(input, vec1, vec2, broadcast=False)
    if not dt.is_floating_point:
        for which, value in (("beta", beta), ("alpha", alpha)):
            if isinstance(value, float):
                raise RuntimeError(f"For integral input tensors, argument {which} must not "
                                   "be a floating point number.")
    # the outer product as (n, 1) @ (1, m): AddProduct's rules, beta == 0 included
    return _add_product("addr", input, reshape(vec1, -1, 1), reshape(vec2, 1, -1), beta,
                        alpha, False, (vec1.shape[0], vec2.shape[0]))


# ---- products built from reshapes and existing ops (their backward comes for free) ----------
@public(method=True, aliases=("ger",))
def outer(input, vec2):
    """out[i, j] = input[i] * vec2[j] (types promote as in mul)."""
    for which, v in (("self", input), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {which}, but got {v.dim()}-D")
    return mul(reshape(input, (-1, 1)), vec2)


def _tensordot_dims(a, b, dims):
    if hasattr(dims, "_data"):  # a tensor: an int (0-d) or two lists of dims
        dims = dims.tolist()
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists of dims")
        dims_a, dims_b = (list(d) if isinstance(d, (list, tuple)) else [d] for d in dims)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
        return ([normalize_dim(d, a.dim()) for d in dims_a],
                [normalize_dim(d, b.dim()) for d in dims_b])
    n = operator.index(dims)
    if n < 0:
        raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
    if n > a.dim() or n > b.dim():
        raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
    return list(range(a.dim() - n, a.dim())), list(range(n))


@public
def tensordot(a, b, dims=2):
    """Sum of products over dims `dims` of a and b: the free dims of a, then of b.

    dims: an int n (a's last n dims with b's first n) or a pair of lists of dims.
    Computed as one matrix product: a permuted to (free_a, contracted) and b to
    (contracted, free_b), as torch does.
    """
    dims_a, dims_b = _tensordot_dims(a, b, dims)
    for da, db in zip(dims_a, dims_b):
        sa, sb = a.shape[da], b.shape[db]
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} "
                               f"in dim {da} and second has size {sb} in dim {db}")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    # a size-1 contracted dim broadcasts against the other side's size (torch's rule)
    sizes = [max(a.shape[da], b.shape[db]) for da, db in zip(dims_a, dims_b)]
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    a_shape, b_shape = list(a.shape), list(b.shape)
    for da, db, s in zip(dims_a, dims_b, sizes):
        a_shape[da], b_shape[db] = s, s
    a, b = expand(a, tuple(a_shape)), expand(b, tuple(b_shape))
    rows, k, cols = (_product(a.shape[d] for d in free_a), _product(sizes),
                     _product(b.shape[d] for d in free_b))
    left = reshape(permute(a, free_a + dims_a), (rows, k))
    right = reshape(permute(b, dims_b + free_b), (k, cols))
    return reshape(matmul(left, right), tuple(a.shape[d] for d in free_a) +
                   tuple(b.shape[d] for d in free_b))


def _product(sizes):
    out = 1
    for s in sizes:
        out *= s
    return out


@public(method=True)
def kron(input, other):
    """The Kronecker product: out[i*m + k, ...] = input[i, ...] * other[k, ...], dims
    paired from the right (the shorter operand gets leading size-1 dims)."""
    n = max(input.dim(), other.dim())
    a = reshape(input, (1,) * (n - input.dim()) + tuple(input.shape))
    b = reshape(other, (1,) * (n - other.dim()) + tuple(other.shape))
    # a as (i0, 1, i1, 1, ...) times b as (1, k0, 1, k1, ...): every pair of indices
    a_spread, b_spread, out_shape = [], [], []
    for sa, sb in zip(a.shape, b.shape):
        a_spread += [sa, 1]
        b_spread += [1, sb]
        out_shape.append(sa * sb)
    return reshape(mul(reshape(a, tuple(a_spread)), reshape(b, tuple(b_spread))),
                   tuple(out_shape))


# ---- cdist ---------------------------------------------------------------------------------
class Cdist(Op):
    """out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p.

    With diff = x1_i - x2_j and d = out_ij, d/dx1_i = sum_j grad_ij * dd/ddiff and
    d/dx2_j = -sum_i grad_ij * dd/ddiff, where dd/ddiff is
      p = 2:   diff / d
      p = 1:   sign(diff)
      p = inf: sign(diff) where |diff| == d (every tie gets it in full, as torch)
      p = 0:   0 (the count of nonzero entries is piecewise constant)
      else:    sign(diff) |diff|^(p-1) / d^(p-1)
    and 0 where d == 0 or diff == 0 (torch's choice; the formulas give 0/0 or inf there).
    """

    @staticmethod
    def forward(ctx, x1, x2, p):
        xp = backend.array_module(x1)
        diff = x1[..., :, None, :] - x2[..., None, :, :]  # (..., P, R, M)
        a = xp.abs(diff)
        if p == 0:
            out = (diff != 0).sum(axis=-1).astype(x1.dtype)
        elif p == 1:
            out = a.sum(axis=-1)
        elif p == 2:
            out = xp.sqrt((diff * diff).sum(axis=-1))
        elif p == float("inf"):
            out = a.max(axis=-1) if a.shape[-1] else xp.zeros(a.shape[:-1], x1.dtype)
        else:
            out = (a ** p).sum(axis=-1) ** (1.0 / p)
        ctx.save_for_backward(x1, x2, out)
        ctx.p = p
        return out

    @staticmethod
    def backward(ctx, grad):
        x1, x2, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        p = ctx.p
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        d = out[..., None]
        with backend.ignore_float_errors(xp):
            if p == 0:
                slope = xp.zeros_like(diff)
            elif p == 1:
                slope = xp.sign(diff)
            elif p == 2:
                slope = diff / d
            elif p == float("inf"):
                slope = xp.sign(diff) * (xp.abs(diff) == d)
            else:
                slope = xp.sign(diff) * (xp.abs(diff) / d) ** (p - 1)
            slope = xp.where((d == 0) | (diff == 0), 0, slope).astype(grad.dtype)
        g = grad[..., None] * slope
        return g.sum(axis=-2), -g.sum(axis=-3)

    @staticmethod
    def backward_graph(ctx, grad, x1, x2, p):
        return CdistBackward.apply(grad, x1, x2, ctx)


class CdistBackward(Op):
    """Cdist's gradient as a node of its own: like torch's `_cdist_backward`, it has no
    derivative, so create_graph=True works and differentiating the result raises."""

    @staticmethod
    def forward(ctx, grad, x1, x2, node):
        return Cdist.backward(node, grad)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("the derivative for '_cdist_backward' is not implemented.")

    backward_graph = backward


@public
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M):
    out (..., P, R), batch dims broadcast.

    Computed from the differences directly (torch switches to a matrix-product formula
    for p=2 above 25 rows, which differs in the last bits).
    """
    for which, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {which} got: "
                               f"{x.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for which, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {which} got: "
                               f"{dtypes.scalar_type_name(x.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {dtypes.scalar_type_name(x1.dtype)} but "
                           f"found {dtypes.scalar_type_name(x2.dtype)}")
    batch1, batch2 = tuple(x1.shape[:-2]), tuple(x2.shape[:-2])
    if batch1 != batch2:  # the batch dims broadcast, as in elementwise ops
        n = max(len(batch1), len(batch2))
        b1, b2 = (1,) * (n - len(batch1)) + batch1, (1,) * (n - len(batch2)) + batch2
        for i, (s, t) in enumerate(zip(b1, b2)):
            if s != t and s != 1 and t != 1:
                raise RuntimeError(f"The size of tensor a ({s}) must match the size of tensor "
                                   f"b ({t}) at non-singleton dimension {i}")
        batch = tuple(t if s == 1 else s for s, t in zip(b1, b2))
        x1 = expand(x1, batch + tuple(x1.shape[-2:]))
        x2 = expand(x2, batch + tuple(x2.shape[-2:]))
    return Cdist.apply(x1, x2, float(p))
