"""torch.linalg's SVD family: svd, pinv and lstsq's solution, forward and backward.

Notation as in linalg_decomp.py: `g` the upstream gradient, `mT` swaps the last two axes;
A is (..., m, n), k = min(m, n), A = U diag(S) Vh with S descending. The gradients are
torch's formulas for real inputs (FunctionsManual.cpp: svd_backward, pinv_backward,
linalg_lstsq_backward). The public functions, with torch's checks, are in linalg.py.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .layout import broadcast_shapes


def _mT(x):
    """x with its last two axes swapped: an xp array, or a Tensor (for the formulas that
    serve both `backward` and `backward_graph`)."""
    if hasattr(x, "_data"):
        return x.mT
    return backend.array_module(x).swapaxes(x, -1, -2)



def _svd(xp, a, full_matrices):
    """xp.linalg.svd, with torch's LinAlgError (not NumPy's) when LAPACK gives up, which it
    does on inf/NaN entries (CuPy returns NaN instead)."""
    try:
        return xp.linalg.svd(a, full_matrices=full_matrices)
    except Exception as exc:
        if type(exc).__name__ != "LinAlgError":
            raise
        from .. import linalg

        raise linalg.LinAlgError("linalg.svd: The algorithm failed to converge because the "
                                 "input matrix contained non-finite values.") from None

class SVD(Op):
    """(U, S, Vh) = svd(A);  with skew(M) = M - M^T, E[i, j] = S[j]^2 - S[i]^2 (1 on the
    diagonal) and J = (skew(U^T gU) S_j + S_i skew(Vh gVh^T)) / E + diag(gS):
    d/dA = U J Vh, plus (I - U U^T) gU S^-1 Vh when m > n, or U S^-1 gVh (I - V V^T)
    when m < n. With full_matrices only the first k columns of U (rows of Vh) carry a
    gradient (torch narrows them first).

    NOTE: as in torch, repeated singular values divide by zero in E and give inf/NaN
    gradients (not an error) when U or Vh get a gradient; S alone is fine.
    """

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = _svd(backend.array_module(a), a, full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, grad_u, grad_s, grad_vh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        u, vh = u[..., :k], vh[..., :k, :]
        grad_u = None if grad_u is None else grad_u[..., :k]
        grad_vh = None if grad_vh is None else grad_vh[..., :k, :]
        return svd_backward(grad_u, grad_s, grad_vh, u, s, vh)

    @staticmethod
    def backward_graph(ctx, grad_u, grad_s, grad_vh, a, full_matrices):
        u, s, vh = SVD.apply(a, False)
        k = s.shape[-1]
        grad_u = None if grad_u is None else grad_u[..., :k]
        grad_vh = None if grad_vh is None else grad_vh[..., :k, :]
        return svd_backward_graph(grad_u, grad_s, grad_vh, u, s, vh)


def svd_backward(grad_u, grad_s, grad_vh, u, s, vh):
    """torch's svd_backward for the reduced factors (U (..., m, k), Vh (..., k, n))."""
    xp = backend.array_module(s)
    m, n = u.shape[-2], vh.shape[-1]
    if grad_u is None and grad_vh is None:  # svdvals: U diag(gS) Vh
        return xp.matmul(u * grad_s[..., None, :], vh)
    squares = s * s
    gaps = squares[..., None, :] - squares[..., :, None]
    k = s.shape[-1]
    gaps[..., xp.arange(k), xp.arange(k)] = 1  # any nonzero: it divides a zero diagonal
    inner = xp.zeros(s.shape + (k,), dtype=s.dtype)
    if grad_u is not None:
        uu = xp.matmul(_mT(u), grad_u)
        inner = inner + (uu - _mT(uu)) * s[..., None, :]
    if grad_vh is not None:
        vv = xp.matmul(vh, _mT(grad_vh))
        inner = inner + s[..., :, None] * (vv - _mT(vv))
    inner = inner / gaps
    if grad_s is not None:
        inner[..., xp.arange(k), xp.arange(k)] += grad_s
    if m > n and grad_u is not None:
        # the part of gU outside U's column space: (I - U U^T) gU S^-1
        outside = grad_u / s[..., None, :]
        outside = outside - xp.matmul(u, xp.matmul(_mT(u), outside))
        return xp.matmul(xp.matmul(u, inner) + outside, vh)
    if m < n and grad_vh is not None:
        outside = grad_vh / s[..., :, None]
        outside = outside - xp.matmul(xp.matmul(outside, _mT(vh)), vh)
        return xp.matmul(u, xp.matmul(inner, vh) + outside)
    return xp.matmul(xp.matmul(u, inner), vh)


def svd_backward_graph(grad_u, grad_s, grad_vh, u, s, vh):
    """svd_backward on Tensors (recorded, for create_graph=True): the same steps, with
    `+ I` and `diag_embed` where the array version writes the diagonal in place."""
    m, n = u.shape[-2], vh.shape[-1]
    if grad_u is None and grad_vh is None:
        return (u * grad_s[..., None, :]).matmul(vh)
    xp = backend.array_module(s._data)
    eye = s.new_tensor(xp.eye(s.shape[-1], dtype=s._data.dtype))
    squares = s * s
    gaps = squares[..., None, :] - squares[..., :, None] + eye
    inner = 0 * gaps
    if grad_u is not None:
        uu = u.mT.matmul(grad_u)
        inner = inner + (uu - uu.mT) * s[..., None, :]
    if grad_vh is not None:
        vv = vh.matmul(grad_vh.mT)
        inner = inner + s[..., :, None] * (vv - vv.mT)
    inner = inner / gaps
    if grad_s is not None:
        inner = inner + grad_s.diag_embed()
    if m > n and grad_u is not None:
        outside = grad_u / s[..., None, :]
        outside = outside - u.matmul(u.mT.matmul(outside))
        return (u.matmul(inner) + outside).matmul(vh)
    if m < n and grad_vh is not None:
        outside = grad_vh / s[..., :, None]
        outside = outside - outside.matmul(vh.mT).matmul(vh)
        return u.matmul(inner.matmul(vh) + outside)
    return u.matmul(inner).matmul(vh)


def pinv_forward(a, atol, rtol, hermitian):
    """A^+ = V diag(1/S where S > tol, else 0) U^T, tol = max(atol, rtol * max(S)), with
    atol, rtol arrays broadcasting against A's batch shape; hermitian: from eigh, with
    |eigenvalue| for S (torch's linalg_pinv)."""
    xp = backend.array_module(a)
    if hermitian:
        w, v = xp.linalg.eigh(a)
        magnitude = xp.abs(w)
        tol = xp.maximum(atol[..., None], rtol[..., None] * magnitude.max(-1, keepdims=True))
        inverse = xp.where(magnitude > tol, 1 / w, 0).astype(a.dtype)
        return xp.matmul(v * inverse[..., None, :], _mT(v))
    u, s, vh = _svd(xp, a, False)
    tol = xp.maximum(atol[..., None], rtol[..., None] * s[..., :1])
    inverse = xp.where(s > tol, 1 / s, 0).astype(a.dtype)
    return xp.matmul(_mT(vh) * inverse[..., None, :], _mT(u))


def pinv_backward(grad, pinv_a, a):
    """torch's pinv_backward (real case), ordered to keep the products small. Only
    products, sums and transposes: it runs on xp arrays and, recorded, on Tensors."""
    def mm(x, y):
        return x @ y

    m, n = a.shape[-2], a.shape[-1]
    pinv_t, grad_t = _mT(pinv_a), _mT(grad)
    if m <= n:
        k = mm(grad_t, pinv_a)
        k_pinv_t = mm(k, pinv_t)
        return (-_mT(mm(pinv_a, k)) + k_pinv_t - mm(mm(a, pinv_a), k_pinv_t)
                + mm(mm(pinv_t, pinv_a), grad_t - mm(k, a)))
    k = mm(pinv_a, grad_t)
    pinv_t_k = mm(pinv_t, k)
    return (-_mT(mm(k, pinv_a)) + mm(mm(grad_t - mm(a, k), pinv_a), pinv_t) + pinv_t_k
            - mm(mm(pinv_t_k, pinv_a), a))


class Pinv(Op):
    """The Moore-Penrose pseudo-inverse A^+;  d/dA: pinv_backward (torch's formula, which
    treats the rank as locally constant)."""

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        out = pinv_forward(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        return pinv_backward(grad, out, a)

    @staticmethod
    def backward_graph(ctx, grad, a, atol, rtol, hermitian):
        return pinv_backward(grad, Pinv.apply(a, atol, rtol, hermitian), a)


class LstsqSolution(Op):
    """X = A^+ B, the minimum-norm least-squares solution (what LAPACK's gelsy/gelsd
    return; singular values <= rcond * max(S) count as zero).

    d/dA = pinv_backward(g B^T, A^+, A), d/dB = (A^+)^T g -- torch's
    linalg_lstsq_backward, which uses pinv(A) with its default tolerance.
    """

    @staticmethod
    def forward(ctx, a, b, rcond):
        xp = backend.array_module(a)
        batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        a = xp.broadcast_to(a, batch + a.shape[-2:])
        zero = xp.zeros(batch, dtype=xp.float64)
        out = xp.matmul(pinv_forward(a, zero, zero + rcond, False), b)
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(a)
        zero = xp.zeros(a.shape[:-2], dtype=xp.float64)
        default_rtol = zero + xp.finfo(a.dtype).eps * max(a.shape[-2:])
        pinv_a = pinv_forward(a, zero, default_rtol, False)
        grad_a = pinv_backward(xp.matmul(grad, _mT(b)), pinv_a, a)
        return grad_a, xp.matmul(_mT(pinv_a), grad)

    @staticmethod
    def backward_graph(ctx, grad, a, b, rcond):
        xp = backend.array_module(a._data)
        batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        a = a.expand(batch + tuple(a.shape[-2:]))
        zero = xp.zeros(batch, dtype=xp.float64)
        default_rtol = zero + xp.finfo(a._data.dtype).eps * max(a.shape[-2:])
        pinv_a = Pinv.apply(a, zero, default_rtol, False)
        grad_a = pinv_backward(grad.matmul(b.mT), pinv_a, a)
        return grad_a, pinv_a.mT.matmul(grad)
