"""torch's top-level linear algebra (the names older than torch.linalg): det logdet slogdet
cholesky qr svd pinverse matrix_power matrix_exp inner cross, and their Tensor methods.

Each is a thin wrapper over minitorch.linalg (ops/linalg_decomp.py, linalg_svd.py), with
torch's legacy argument conventions (`some=`, `upper=`, `rcond=`, svd's V rather than Vh)
and error messages; the gradients come from those ops by composition. matrix_exp is the
one op of its own here. minitorch.linalg loads on first use (`import minitorch` stays the
core), so it is imported when one of these functions first runs.
"""
from __future__ import annotations

import importlib
import warnings
from collections import namedtuple

from .. import backend, dtypes
from ..autograd.function import Op
from .arithmetic import mul
from .comparison import where
from .linalg import tensordot
from .matmul import matmul
from .registry import public
from .shape import cat, normalize_dim
from .view_ops import int_arg

# torch.return_types.slogdet / qr / svd
slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])
qr_result = namedtuple("qr", ["Q", "R"])
svd_result = namedtuple("svd", ["U", "S", "V"])


def _linalg():
    return importlib.import_module("minitorch.linalg")


def _check_square(name, A, floating=True):
    """torch's squareCheckInputs (and checkFloatingOrComplex), with its message prefix."""
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if floating and not A.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {dtypes.scalar_type_name(A.dtype)}")


# ---- determinants -------------------------------------------------------------------------
@public(method=True)
def det(input):
    """det(A) for (*, n, n) A, shape (*): linalg.det."""
    return _linalg().det(input)


@public(method=True)
def slogdet(input):
    """(sign, log|det A|), a named tuple of two (*) tensors: linalg.slogdet."""
    return slogdet_result(*_linalg().slogdet(input))


@public(method=True)
def logdet(input):
    """log det(A): log|det A| where det(A) > 0, NaN where it is negative, -inf where A is
    singular (torch's values); the gradient is slogdet's, 0 where the value is NaN."""
    _check_square("logdet", input)
    sign, logabsdet = _linalg().slogdet(input)
    return where(sign == -1, float("nan"), logabsdet)


# ---- decompositions with torch's legacy arguments -------------------------------------------
@public(method=True)
def cholesky(input, upper=False):
    """L with A = L L^T (`upper`: U = L^T, A = U^T U) for symmetric positive-definite A
    (deprecated in torch for linalg.cholesky; same values and gradient)."""
    warnings.warn(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed "
        "in a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
        "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be "
        "replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce "
        "equivalent results for all valid (symmetric positive definite) inputs.",
        stacklevel=2)
    _check_square("cholesky", input, floating=False)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"cholesky_cpu\" not implemented for "
                                  f"'{dtypes.scalar_type_name(input.dtype)}'")
    linalg = _linalg()
    try:
        return linalg.cholesky(input, upper=upper)
    except linalg.LinAlgError as exc:  # torch words it "cholesky: ...", not "linalg.cholesky"
        raise linalg.LinAlgError(str(exc).replace("linalg.cholesky", "cholesky", 1)) from None


@public(method=True)
def qr(input, some=True):
    """A = Q R: `some` gives the reduced factors (Q (*, m, k), R (*, k, n), k = min(m, n)),
    else the complete ones (Q (*, m, m), R (*, m, n)); linalg.qr's, in a named tuple.

    For wide A (m < n), A = [X | Y] with X square: X = Q U, R = [U | Q^T Y], so the
    gradient follows from the square factorization's (torch's formula for m < n).
    """
    warnings.warn(
        "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
        "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
        "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\n"
        "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')", stacklevel=2)
    if input.dim() < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.qr: Expected a floating point or complex tensor as input. "
                           f"Got {dtypes.scalar_type_name(input.dtype)}")
    m, n = input.shape[-2], input.shape[-1]
    if m >= n:  # square: 'complete' is 'reduced' (and linalg.qr differentiates that one)
        return qr_result(*_linalg().qr(input, "reduced" if some or m == n else "complete"))
    q, upper = _linalg().qr(input.narrow(-1, 0, m))
    return qr_result(q, cat([upper, matmul(q.mT, input.narrow(-1, m, n - m))], -1))


@public(method=True)
def svd(input, some=True, compute_uv=True):
    """A = U diag(S) V^T: a named tuple (U, S, V) -- V, not linalg.svd's Vh.

    some: the reduced factors (U (*, m, k), V (*, n, k), k = min(m, n)), else the full
    ones. compute_uv=False: only S (linalg.svdvals), with U (*, m, m) and V (*, n, n)
    zero-filled, as torch returns them.
    """
    if input.dim() < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                           f"{input.dim()} dimensions instead")
    if compute_uv:
        u, s, vh = _linalg().svd(input, full_matrices=not some)
        return svd_result(u, s, vh.mT)
    s = _linalg().svdvals(input)
    batch, m, n = tuple(input.shape[:-2]), input.shape[-2], input.shape[-1]
    return svd_result(input.new_zeros(batch + (m, m)), s, input.new_zeros(batch + (n, n)))


@public(method=True)
def pinverse(input, rcond=1e-15):
    """The pseudo-inverse A^+ of (*, m, n) A, shape (*, n, m): linalg.pinv with singular
    values <= rcond * the largest counted as zero."""
    return _linalg().pinv(input, atol=0.0, rtol=rcond)


# ---- matrix functions -----------------------------------------------------------------------
@public(method=True)
def matrix_power(input, n):
    """A^n for (*, m, m) A by repeated squaring (torch's order of products); n < 0 is
    inv(A)^|n|, n = 0 the identity (with a zero gradient, as torch)."""
    n = int_arg(n, "matrix_power", "n")
    _check_square("linalg.matrix_power", input, floating=False)
    if n == 0:
        eye = input.new_ones(input.shape[-1]).diag_embed()
        return where(input.new_ones(input.shape, dtype=dtypes.bool), eye, input)
    a = input
    if n < 0:
        a, n = _linalg().inv(input), -n
    if n == 1:
        return a.clone()
    if n in (2, 3):
        return matmul(a, a) if n == 2 else matmul(matmul(a, a), a)
    # the bits of n from the lowest: z runs through a, a^2, a^4, ...
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


# Higham (2005), "The scaling and squaring method for the matrix exponential revisited":
# the [13/13] Pade approximant is accurate to float64 rounding for ||A||_1 <= THETA_13.
PADE_13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
THETA_13 = 5.371920351148152


def expm(a):
    """e^A for an xp array (..., n, n): each matrix scaled by 2^-s so that its 1-norm is
    at most THETA_13, the Pade approximant r(A / 2^s), then squared s times."""
    xp = backend.array_module(a)
    if a.size == 0:
        return a.copy()
    norm = xp.abs(a).sum(axis=-2).max(axis=-1)
    with backend.ignore_float_errors(xp):  # inf/NaN inputs: no squaring, NaN out
        s = xp.ceil(xp.log2(xp.maximum(norm / THETA_13, 1.0)))
        s = xp.where(xp.isfinite(s), s, 0).astype(xp.int64)
    a = a * (0.5 ** s.astype(a.dtype))[..., None, None]
    b = PADE_13
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    a2 = xp.matmul(a, a)
    a4 = xp.matmul(a2, a2)
    a6 = xp.matmul(a4, a2)
    u = xp.matmul(a, xp.matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
                  + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = (xp.matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2)
         + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye)
    out = xp.linalg.solve(v - u, v + u)
    for i in range(int(s.max())):  # every matrix squared its own number of times
        out = xp.where((s > i)[..., None, None], xp.matmul(out, out), out)
    return out


class MatrixExp(Op):
    """out = e^A = sum_k A^k / k!;  d/dA = L(A^T, g), the Frechet derivative of exp at A^T
    in the direction g: the top-right block of exp([[A^T, g], [0, A^T]]) (Mathias 1996;
    torch's linalg_matrix_exp_differential). The block form is made of matrix_exp, so it
    is differentiable again."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return expm(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        n = a.shape[-1]
        a_t = xp.swapaxes(a, -1, -2)
        block = xp.zeros(a.shape[:-2] + (2 * n, 2 * n), dtype=a.dtype)
        block[..., :n, :n] = a_t
        block[..., n:, n:] = a_t
        block[..., :n, n:] = grad
        return expm(block)[..., :n, n:]

    @staticmethod
    def backward_graph(ctx, grad, a):
        n = a.shape[-1]
        a_t = a.mT
        block = cat([cat([a_t, grad], -1), cat([a.new_zeros(tuple(a.shape)), a_t], -1)], -2)
        return MatrixExp.apply(block)[..., :n, n:]


@public(method=True)
def matrix_exp(input):
    """e^A = sum_k A^k / k! for (*, n, n) A (scaling and squaring, [13/13] Pade)."""
    _check_square("linalg.matrix_exp", input)
    return MatrixExp.apply(input)


# ---- products -------------------------------------------------------------------------------
@public(method=True)
def inner(input, other):
    """The sum of products over the last dims: out[i..., j...] = sum_k a[i..., k] b[j..., k];
    a 0-dim operand multiplies instead (torch's rule)."""
    if not hasattr(other, "_data"):
        raise TypeError(f"inner(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    if input.dim() == 0 or other.dim() == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


@public(method=True)
def cross(input, other, dim=None):
    """The cross product of 3-vectors along `dim`: linalg.cross. dim=None (deprecated, with
    torch's warning) takes input's first dim of size 3, where linalg.cross takes -1."""
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release.",
            stacklevel=2)
        dim = next((i for i, size in enumerate(input.shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    if input.dim() != other.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    normalize_dim(dim, input.dim())  # torch's IndexError for a dim out of range
    if input.shape[dim] == 3 and other.shape[dim] == 3 and input.dtype != other.dtype:
        raise RuntimeError(f"expected scalar type {dtypes.scalar_type_name(input.dtype)} but "
                           f"found {dtypes.scalar_type_name(other.dtype)}")
    return _linalg().cross(input, other, dim=dim)
