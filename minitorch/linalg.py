"""torch.linalg's twin (a subset): inv, det, slogdet, solve, solve_triangular, cholesky,
eigh, eigvalsh, qr, svd, svdvals, pinv, lstsq, matrix_rank, vector_norm, matrix_norm, norm,
cross, multi_dot.

Matrices come in batches: `A` is (*, n, n), any number of leading batch dims. The checks
and errors are torch's, made here at the public boundary; the ops themselves (forward
and backward side by side) live in ops/linalg_decomp.py.

    >>> A = minitorch.randn(4, 3, 3, dtype=minitorch.float64) + 3 * minitorch.eye(3)
    >>> minitorch.linalg.solve(A, minitorch.ones(4, 3, 1, dtype=minitorch.float64)).shape
    minitorch.Size([4, 3, 1])
"""
from __future__ import annotations

from collections import namedtuple

from . import backend, dtypes, ops
from .autograd import grad_mode
from .ops.linalg_decomp import (
    QR,
    Cholesky,
    Cross,
    Det,
    Eigh,
    Inv,
    Slogdet,
    Solve,
    SolveTriangular,
    Svdvals,
)
from .ops.linalg_svd import SVD, LstsqSolution, Pinv
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq",
           "matrix_norm", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
           "solve", "solve_triangular", "svd", "svdvals", "vector_norm"]

inf = float("inf")


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular or not positive-definite input."""


# torch.return_types.linalg_slogdet / linalg_eigh
linalg_slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
linalg_eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_qr = namedtuple("linalg_qr", ["Q", "R"])
linalg_svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
linalg_lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _check_square(name, A):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {dtypes.scalar_type_name(A.dtype)}")


def _is_linalg_error(exc):
    # numpy.linalg.LinAlgError, named without importing NumPy (CuPy returns NaN instead)
    return type(exc).__name__ == "LinAlgError"


def _batch_prefix(A, index):
    return f"(Batch element {index}): " if A.dim() > 2 else ""


def _first_zero_pivot(matrix):
    """1-based index of the first zero pivot of LU with partial pivoting (LAPACK getrf's
    `info`), or 0. Only runs to word an error, so a plain loop is fine."""
    xp = backend.array_module(matrix)
    u = matrix.astype(xp.float64)  # a copy
    n = u.shape[0]
    for k in range(n):
        p = k + int(xp.argmax(xp.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        u[[k, p]] = u[[p, k]]
        u[k + 1:] -= u[k + 1:, k:k + 1] / u[k, k] * u[k]
    return 0


def _singular_batch(A):
    """(batch index, pivot) of the first singular matrix in A."""
    flat = A._data.reshape((-1,) + A._data.shape[-2:])
    for index in range(flat.shape[0]):
        pivot = _first_zero_pivot(flat[index])
        if pivot:
            return index, pivot
    return 0, A.shape[-1]


def inv(A):
    """A^-1 for a batch of invertible matrices;  d/dA = -A^-T g A^-T.

    Args:
        A: (*, n, n) floating point tensor.
    Raises:
        LinAlgError: when a matrix is singular (on NumPy; CuPy gives NaN/inf).
    """
    _check_square("linalg.inv", A)
    try:
        return Inv.apply(A)
    except Exception as exc:
        if not _is_linalg_error(exc):
            raise
        index, pivot = _singular_batch(A)
        raise LinAlgError(f"linalg.inv: {_batch_prefix(A, index)}The diagonal element "
                          f"{pivot} is zero, the inversion could not be completed because "
                          f"the input matrix is singular.") from None


def det(A):
    """det(A) for (*, n, n) A, shape (*);  d/dA = g det(A) A^-T (A invertible)."""
    _check_square("linalg.det", A)
    return Det.apply(A)


def slogdet(A):
    """(sign, log|det A|), a named tuple of two (*) tensors;  d/dA = g_logabsdet A^-T."""
    _check_square("linalg.slogdet", A)
    return linalg_slogdet(*Slogdet.apply(A))


def solve(A, B, *, left=True):
    """X with A X = B (`left=False`: X A = B); batch dims broadcast.

    Args:
        A: (*, n, n).
        B: (*, n, k), or (*, n) -- a batch of vectors -- when B.dim() == 1 or
            B.shape == A.shape[:-1] (torch's rule).
    Shape:
        X has B's shape, batch dims broadcast with A's.
    """
    _check_square("linalg.solve", A)
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if not left:
        if vector:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is "
                               "not supported for left=False. In this case linalg.solve is "
                               "equivalent to B / A.squeeze(-1)")
        return solve(A.transpose(-1, -2), B.transpose(-1, -2)).transpose(-1, -2)
    b = B.unsqueeze(-1) if vector else B
    if b.dim() < 2 or b.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{'x'.join(str(s) for s in b.shape[-2:])})")
    try:
        out = Solve.apply(A, b)
    except Exception as exc:
        if not _is_linalg_error(exc):
            raise
        index, _ = _singular_batch(A)
        raise LinAlgError(f"torch.linalg.solve: {_batch_prefix(A, index)}The solver failed "
                          f"because the input matrix is singular.") from None
    return out.squeeze(-1) if vector else out


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with A X = B (`left=False`: X A = B) for triangular A; batch dims broadcast.

    Only A's upper (`upper=True`) or lower triangle is read, and its diagonal is taken as
    ones when `unitriangular`; A's gradient is zero outside that part (torch's rule).

    Args:
        A: (*, n, n).
        B: (*, n, k) (`left=False`: (*, k, n)).
    """
    _check_square("linalg.solve_triangular", A)
    if not left:  # X A = B  <=>  A^T X^T = B^T, and A^T is triangular the other way
        return solve_triangular(A.mT, B.mT, upper=not upper,
                                unitriangular=unitriangular).mT
    if B.dim() < 2 or B.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation AX = B ({A.shape[-2]}x{A.shape[-1]} and "
                           f"{'x'.join(str(s) for s in B.shape[-2:])})")
    return SolveTriangular.apply(A, B, upper, unitriangular)


def _leading_minor_failure(A):
    """(batch index, order) of the first matrix whose leading minor is not positive."""
    xp = backend.array_module(A._data)
    flat = A._data.reshape((-1,) + A._data.shape[-2:])
    for index in range(flat.shape[0]):
        for order in range(1, flat.shape[-1] + 1):
            try:
                xp.linalg.cholesky(flat[index, :order, :order])
            except Exception as exc:
                if not _is_linalg_error(exc):
                    raise
                return index, order
    return 0, A.shape[-1]


def cholesky(A, *, upper=False):
    """L with A = L L^T (`upper`: U with A = U^T U) for symmetric positive-definite A.

    Only A's lower triangle is read. Gradient: torch's formula (ops/linalg_decomp.py).
    """
    _check_square("linalg.cholesky", A)
    try:
        return Cholesky.apply(A, upper)
    except Exception as exc:
        if not _is_linalg_error(exc):
            raise
        index, order = _leading_minor_failure(A)
        raise LinAlgError(f"linalg.cholesky: {_batch_prefix(A, index)}The factorization "
                          f"could not be completed because the input is not "
                          f"positive-definite (the leading minor of order {order} is not "
                          f"positive-definite).") from None


def eigh(A, UPLO="L"):
    """Eigen-decomposition of symmetric A: (eigenvalues ascending, eigenvectors as columns).

    Only the `UPLO` ('L' or 'U') triangle is read. As in torch, the gradient is inf/NaN
    when eigenvalues repeat and eigenvectors get a gradient.
    """
    _check_square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return linalg_eigh(*Eigh.apply(A, UPLO))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of symmetric A, ascending: eigh(A, UPLO).eigenvalues."""
    return eigh(A, UPLO).eigenvalues


def svdvals(A):
    """The singular values of (*, m, n) A, descending, shape (*, min(m, n)).

    Gradient U diag(g) V^T, as torch's (finite only for distinct nonzero values' vectors;
    the values themselves are differentiable everywhere but at ties).
    """
    if A.dim() < 2:
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.svd: Expected a floating point or complex tensor as "
                           f"input. Got {dtypes.scalar_type_name(A.dtype)}")
    return Svdvals.apply(A)


def _check_svd_input(name, A):
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {dtypes.scalar_type_name(A.dtype)}")


def svd(A, full_matrices=True, *, driver=None):
    """A = U diag(S) Vh for (*, m, n) A: a named tuple (U, S, Vh), S descending.

    full_matrices: U (*, m, m) and Vh (*, n, n); else U (*, m, k), Vh (*, k, n),
    k = min(m, n). Gradient: torch's formula (ops/linalg_svd.py); like torch it is
    inf/NaN, not an error, when singular values repeat and U or Vh get a gradient.
    """
    _check_svd_input("linalg.svd", A)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported "
                           "on CUDA inputs with cuSOLVER backend.")
    return linalg_svd(*SVD.apply(A, full_matrices))


def _tolerances(A, atol, rtol):
    """torch's get_atol_rtol: float64 arrays (atol, rtol); rtol defaults to
    eps(A.dtype) * max(m, n), or to 0 where atol is given and > 0."""
    xp = backend.array_module(A._data)

    def as_array(t):  # a number or a Tensor
        return xp.asarray(t._data if hasattr(t, "_data") else t, dtype=xp.float64)

    atol_array = xp.zeros((), dtype=xp.float64) if atol is None else as_array(atol)
    default = xp.finfo(A._data.dtype).eps * max(A.shape[-2], A.shape[-1])
    if rtol is not None:
        return atol_array, as_array(rtol)
    if atol is None:
        return atol_array, xp.asarray(default, dtype=xp.float64)
    return atol_array, xp.where(atol_array > 0, 0.0, default)


def pinv(input, *, atol=None, rtol=None, hermitian=False):
    """The pseudo-inverse A^+ of (*, m, n) A, shape (*, n, m): singular values (|eigenvalues|
    when hermitian) <= max(atol, rtol * largest) count as zero. Gradient: torch's
    pinv_backward."""
    A = input  # torch's docs call it A
    if A.dim() < 2 or not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.pinv({dtypes.scalar_type_name(A.dtype)}"
                           f"{{{list(A.shape)}}}): expected a tensor with 2 or more dimensions "
                           f"of float, double, cfloat or cdouble types")
    atol_array, rtol_array = _tolerances(A, atol, rtol)
    return Pinv.apply(A, atol_array, rtol_array, hermitian)


def matrix_rank(input, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (|eigenvalues| when hermitian) above
    max(atol, rtol * largest), an int64 tensor of shape (*)."""
    A = input
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    atol_array, rtol_array = _tolerances(A, atol, rtol)
    xp = backend.array_module(A._data)
    values = eigvalsh(A.detach()).abs() if hermitian else svdvals(A.detach())
    largest = values.amax(-1, keepdim=True) if A.shape[-1] * A.shape[-2] else values
    tol = xp.maximum(atol_array[..., None], rtol_array[..., None] * largest._data)
    return (values > Tensor._wrap(tol)).sum(-1)


def lstsq(input, b, rcond=None, *, driver=None):
    """The least-squares solution X of A X = B: a named tuple (solution, residuals, rank,
    singular_values), torch's CPU semantics.

    driver: 'gelsy' (the default), 'gelsd', 'gelss' or 'gels' (A assumed full rank). The
    solution is the minimum-norm one, with singular values <= rcond * largest counted as
    zero (rcond default: eps(A.dtype) * max(m, n)); it is differentiable in A and B.
    rank: for every driver but 'gels'; singular_values: for 'gelsd' and 'gelss';
    residuals |A X - B|^2 summed over rows: when m > n, every A has full rank, and the
    driver is not 'gelsy'. The others are empty tensors, as in torch.
    """
    A, B = input, b
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    vector = B.dim() == A.dim() - 1
    b = B.unsqueeze(-1) if vector else B  # (*, m, k)
    if b.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2], A.shape[-1]
    if rcond is None or rcond < 0:
        rcond = backend.array_module(A._data).finfo(A._data.dtype).eps * max(m, n)
    solution = LstsqSolution.apply(A, b, float(rcond))
    empty = A.new_zeros((0,))
    with grad_mode.no_grad():
        values = svdvals(A.detach())
        rank = (values > rcond * values[..., :1]).sum(-1)
        residuals = empty
        if driver != "gelsy" and m > n and bool((rank == n).all()):
            residuals = ((ops.matmul(A, solution) - b) ** 2).sum(-2)
            residuals = residuals.squeeze(-1) if vector else residuals
    return linalg_lstsq(solution.squeeze(-1) if vector else solution, residuals,
                        A.new_zeros((0,), dtype=rank.dtype) if driver == "gels" else rank,
                        values if driver in ("gelsd", "gelss") else empty)


def qr(A, mode="reduced"):
    """A = Q R for (*, m, n) A: a named tuple (Q, R). mode 'reduced': Q (*, m, k),
    R (*, k, n), k = min(m, n); 'complete': Q (*, m, m), R (*, m, n). The gradient is
    implemented for 'reduced' with m >= n (torch's formula, ops/linalg_decomp.py).
    """
    if A.dim() < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if mode not in ("reduced", "complete"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return linalg_qr(*QR.apply(A, mode))


def _dims(x, dim):
    if dim is None:
        return tuple(range(x.dim()))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """(sum |x|^ord)^(1/ord) over `dim` (all of x when None); ord inf/-inf: max/min |x|,
    ord 0: the number of nonzeros."""
    if dtype is not None:
        x = x.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex "
                           f"tensor as input. Got {dtypes.scalar_type_name(x.dtype)}")
    dims = _dims(x, dim)
    if ord == inf:
        return ops.amax(ops.abs(x), dims, keepdim)
    if ord == -inf:
        return ops.amin(ops.abs(x), dims, keepdim)
    if ord == 0:
        return ops.sum((x != 0).to(x.dtype), dims, keepdim)
    return ops.norm(x, float(ord), dims, keepdim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False):
    """'fro': sqrt(sum A^2); 'nuc': the sum of the singular values, 2 / -2 the largest /
    smallest; 1 / -1: max / min column sum of |A|; inf / -inf: max / min row sum."""
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    rows, cols = (d % A.dim() for d in dim)
    if ord in ("nuc", 2, -2):
        moved = ops.movedim(A, (rows, cols), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else s[..., 0] if ord == 2 else s[..., -1]
        if keepdim:
            out = out.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols))
        return out
    if ord not in (1, -1, inf, -inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, reduced = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = ops.sum(ops.abs(A), summed, True)
    out = (ops.amax if ord > 0 else ops.amin)(sums, reduced, True)
    return out if keepdim else out.squeeze(max(rows, cols)).squeeze(min(rows, cols))


def norm(A, ord=None, dim=None, keepdim=False):
    """A vector norm (dim an int, or ord None with no dim) or a matrix norm (dim a pair,
    or a 2-D input with ord given)."""
    if dim is not None:
        if isinstance(dim, int) or len(dim) == 1:
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim)
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim)
    if ord is None:
        return vector_norm(A, 2, None, keepdim)
    if A.dim() not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                           f"must be 1D or 2D. Got {A.dim()}D.")
    if A.dim() == 1:
        return vector_norm(A, ord, None, keepdim)
    return matrix_norm(A, ord, (-2, -1), keepdim)


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along `dim`; batch dims broadcast."""
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    ops.promotion.check_broadcast((input, other))  # torch's words, not NumPy's
    ndim = max(input.dim(), other.dim())
    return Cross.apply(input, other, dim % ndim - ndim)


def multi_dot(tensors):
    """tensors[0] @ tensors[1] @ ...; the first and last may be 1-D, the rest are 2-D."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = ops.matmul(out, t)
    return out
