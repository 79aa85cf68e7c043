"""torch.linalg's matrix functions: inv, det, slogdet, solve, solve_triangular,
cholesky, eigh, cross.

Every op works on batches of matrices (..., n, n) through `xp.linalg` (NumPy or CuPy);
the gradients are torch's formulas for real inputs (FunctionsManual.cpp). Notation:
`A^-T` is inv(A) transposed, `g` the upstream gradient, `mT` swaps the last two axes.
The public functions, with torch's argument checks and errors, are in minitorch/linalg.py.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .layout import broadcast_shapes


def _mT(x):
    return backend.array_module(x).swapaxes(x, -1, -2)


class Inv(Op):
    """X = A^-1;  d/dA = -X^T g X^T."""

    @staticmethod
    def forward(ctx, a):
        out = backend.array_module(a).linalg.inv(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        out_t = _mT(out)
        return -xp.matmul(xp.matmul(out_t, grad), out_t)

    @staticmethod
    def backward_graph(ctx, grad, a):
        out_t = Inv.apply(a).mT
        return -out_t.matmul(grad).matmul(out_t)


class Det(Op):
    """d = det(A);  d/dA = g * d * A^-T.

    NOTE: torch gives a zero gradient where det(A) == 0 exactly (not the cofactor matrix,
    which is nonzero for rank n-1); singular matrices are swapped for I before inverting
    so that d == 0 yields that zero.
    """

    @staticmethod
    def forward(ctx, a):
        out = backend.array_module(a).linalg.det(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        singular = (out == 0)[..., None, None]
        safe = xp.where(singular, xp.eye(a.shape[-1], dtype=a.dtype), a)
        return (grad * out)[..., None, None] * _mT(xp.linalg.inv(safe))

    @staticmethod
    def backward_graph(ctx, grad, a):
        out = Det.apply(a)
        xp = backend.array_module(a._data)
        eye = a.new_tensor(xp.eye(a.shape[-1], dtype=a._data.dtype))
        safe = eye.where((out == 0)[..., None, None], a)  # I where det(A) == 0, else A
        return (grad * out)[..., None, None] * Inv.apply(safe).mT


class Slogdet(Op):
    """(sign, log|det A|);  d/dA = g_logabsdet * A^-T. The sign has no gradient."""

    @staticmethod
    def forward(ctx, a):
        sign, logabsdet = backend.array_module(a).linalg.slogdet(a)
        ctx.save_for_backward(a)
        return sign, logabsdet

    @staticmethod
    def backward(ctx, grad_sign, grad_logabsdet):
        (a,) = ctx.saved_tensors
        if grad_logabsdet is None:
            return None
        xp = backend.array_module(grad_logabsdet)
        return grad_logabsdet[..., None, None] * _mT(xp.linalg.inv(a))

    @staticmethod
    def backward_graph(ctx, grad_sign, grad_logabsdet, a):
        if grad_logabsdet is None:
            return None
        return grad_logabsdet[..., None, None] * Inv.apply(a).mT


class Solve(Op):
    """X = A^-1 B (B: (..., n, k));  d/dB = A^-T g,  d/dA = -(A^-T g) X^T.

    Batch dims broadcast; the engine sums the gradients back to each input's shape.
    """

    @staticmethod
    def forward(ctx, a, b):
        xp = backend.array_module(a)
        batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        out = xp.linalg.solve(xp.broadcast_to(a, batch + a.shape[-2:]),
                              xp.broadcast_to(b, batch + b.shape[-2:]))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        a_t = _mT(a)
        grad_b = xp.linalg.solve(xp.broadcast_to(a_t, grad.shape[:-2] + a.shape[-2:]), grad)
        grad_a = -xp.matmul(grad_b, _mT(out)) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b if ctx.needs_input_grad[1] else None

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        grad_b = Solve.apply(a.mT, grad)
        grad_a = -grad_b.matmul(Solve.apply(a, b).mT) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b if ctx.needs_input_grad[1] else None


class SolveTriangular(Op):
    """X = A^-1 B for triangular A (only its `upper` or lower triangle is read; with
    `unitriangular` its diagonal is taken as ones);  d/dB = A^-T g,
    d/dA = -(A^-T g) X^T restricted to the triangle read (torch: the rest gets 0).

    Solved by xp.linalg.solve on the masked triangle (NumPy has no triangular solver;
    LU on a triangular matrix is as accurate, and runs on CuPy unchanged).
    """

    @staticmethod
    def _triangle(xp, a, upper, unitriangular):
        t = xp.triu(a, 1 if unitriangular else 0) if upper else xp.tril(
            a, -1 if unitriangular else 0)
        if unitriangular:
            t = t + xp.eye(a.shape[-1], dtype=a.dtype)
        return t

    @staticmethod
    def forward(ctx, a, b, upper, unitriangular):
        xp = backend.array_module(a)
        t = SolveTriangular._triangle(xp, a, upper, unitriangular)
        batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        out = xp.linalg.solve(xp.broadcast_to(t, batch + a.shape[-2:]),
                              xp.broadcast_to(b, batch + b.shape[-2:]))
        ctx.save_for_backward(t, out)
        ctx.upper, ctx.unitriangular = upper, unitriangular
        return out

    @staticmethod
    def backward(ctx, grad):
        t, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_b = xp.linalg.solve(xp.broadcast_to(_mT(t), grad.shape[:-2] + t.shape[-2:]), grad)
        grad_a = None
        if ctx.needs_input_grad[0]:
            full = -xp.matmul(grad_b, _mT(out))
            offset = 1 if ctx.unitriangular else 0
            grad_a = xp.triu(full, offset) if ctx.upper else xp.tril(full, -offset)
        return grad_a, grad_b if ctx.needs_input_grad[1] else None, None, None

    @staticmethod
    def backward_graph(ctx, grad, a, b, upper, unitriangular):
        # A^T is triangular the other way, and its triangle is A's triangle transposed
        grad_b = SolveTriangular.apply(a.mT, grad, not upper, unitriangular)
        grad_a = None
        if ctx.needs_input_grad[0]:
            out = SolveTriangular.apply(a, b, upper, unitriangular)
            full = -grad_b.matmul(out.mT)
            offset = 1 if unitriangular else 0
            grad_a = full.triu(offset) if upper else full.tril(-offset)
        return grad_a, grad_b if ctx.needs_input_grad[1] else None, None, None


class Cholesky(Op):
    """A = L L^T, L lower triangular (`upper`: U = L^T is returned).

    torch's formula: T = tril(L^T gL), Phi = (T + tril(T, -1)^T) / 2 (the symmetric
    matrix whose lower triangle is T with half its diagonal), d/dA = L^-T Phi L^-1.
    Only the lower triangle of gL matters, since L^T triu(gL, 1) is strictly upper.
    """

    @staticmethod
    def forward(ctx, a, upper):
        lower = backend.array_module(a).linalg.cholesky(a)
        ctx.save_for_backward(lower)
        ctx.upper = upper
        return _mT(lower) if upper else lower

    @staticmethod
    def backward(ctx, grad):
        (lower,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_l = _mT(grad) if ctx.upper else grad
        lower_t = _mT(lower)
        t = xp.tril(xp.matmul(lower_t, grad_l))
        phi = 0.5 * (t + _mT(xp.tril(t, -1)))
        left = xp.linalg.solve(lower_t, phi)  # L^-T Phi
        return _mT(xp.linalg.solve(lower_t, _mT(left)))  # (L^-T (L^-T Phi)^T)^T

    @staticmethod
    def backward_graph(ctx, grad, a, upper):
        lower_t = Cholesky.apply(a, False).mT
        t = lower_t.matmul(grad.mT if upper else grad).tril()
        phi = 0.5 * (t + t.tril(-1).mT)
        return Solve.apply(lower_t, Solve.apply(lower_t, phi).mT).mT


class Eigh(Op):
    """A = V diag(w) V^T, w ascending; only the `UPLO` triangle of A is read.

    d/dA = V (diag(g_w) + skew(V^T g_V) / E) V^T with skew(M) = (M - M^T) / 2 and
    E[i, j] = w[j] - w[i] (1 on the diagonal). NOTE: as in torch, a repeated eigenvalue
    divides by zero and gives inf/NaN gradients rather than an error.
    """

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = backend.array_module(a).linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, grad_w, grad_v):
        w, v = ctx.saved_tensors
        xp = backend.array_module(w)
        n = w.shape[-1]
        inner = xp.zeros(v.shape, dtype=v.dtype)
        if grad_v is not None:
            vg = xp.matmul(_mT(v), grad_v)
            gaps = w[..., None, :] - w[..., :, None]
            gaps[..., xp.arange(n), xp.arange(n)] = 1
            inner = 0.5 * (vg - _mT(vg)) / gaps
        inner[..., xp.arange(n), xp.arange(n)] = 0 if grad_w is None else grad_w
        return xp.matmul(xp.matmul(v, inner), _mT(v))

    @staticmethod
    def backward_graph(ctx, grad_w, grad_v, a, uplo):
        w, v = Eigh.apply(a, uplo)
        xp = backend.array_module(a._data)
        inner = 0 * v
        if grad_v is not None:
            vg = v.mT.matmul(grad_v)
            # + I puts 1 on the gaps' zero diagonal, where skew(vg) is 0 anyway
            eye = a.new_tensor(xp.eye(w.shape[-1], dtype=a._data.dtype))
            inner = 0.5 * (vg - vg.mT) / (w[..., None, :] - w[..., :, None] + eye)
        if grad_w is not None:
            inner = inner + grad_w.diag_embed()
        return v.matmul(inner).matmul(v.mT)


class Cross(Op):
    """out = a x b along `axis`;  d/da = b x g,  d/db = g x a."""

    @staticmethod
    def forward(ctx, a, b, axis):
        ctx.save_for_backward(a, b)
        ctx.axis = axis
        return backend.array_module(a).cross(a, b, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_a = xp.cross(b, grad, axis=ctx.axis) if ctx.needs_input_grad[0] else None
        grad_b = xp.cross(grad, a, axis=ctx.axis) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b

    @staticmethod
    def backward_graph(ctx, grad, a, b, axis):
        return (Cross.apply(b, grad, axis) if ctx.needs_input_grad[0] else None,
                Cross.apply(grad, a, axis) if ctx.needs_input_grad[1] else None)


class Svdvals(Op):
    """s = the singular values of A (..., m, n), descending;  d/dA = U diag(g) V^T with
    the k = min(m, n) leading singular vectors (distinct nonzero values assumed)."""

    @staticmethod
    def forward(ctx, a):
        from .linalg_svd import _svd  # torch's error on inf/NaN (linalg_svd imports us)

        u, s, vh = _svd(backend.array_module(a), a, False)
        ctx.save_for_backward(u, vh)
        return s

    @staticmethod
    def backward(ctx, grad):
        u, vh = ctx.saved_tensors
        return backend.array_module(grad).matmul(u * grad[..., None, :], vh)

    @staticmethod
    def backward_graph(ctx, grad, a):
        from .linalg_svd import SVD  # linalg_svd builds on this module

        u, _, vh = SVD.apply(a, False)
        return (u * grad[..., None, :]).matmul(vh)


class QR(Op):
    """A = Q R, Q with orthonormal columns, R upper triangular (Householder, LAPACK's
    signs).

    torch's formula for m >= n (the reduced factorization): with
    M = triu(gR R^T - Q^T gQ) and S = M + M^T less M's diagonal once,
    d/dA = (Q S + gQ) R^-T.
    """

    @staticmethod
    def forward(ctx, a, mode):
        q, r = backend.array_module(a).linalg.qr(a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, grad_q, grad_r):
        q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if m < n or q.shape[-1] != n:
            raise NotImplementedError("linalg.qr: the gradient is implemented for mode="
                                      "'reduced' with m >= n only")
        xp = backend.array_module(q)
        m_inner = xp.zeros(r.shape[:-2] + (n, n), dtype=r.dtype)
        if grad_r is not None:
            m_inner = m_inner + xp.matmul(grad_r, _mT(r))
        if grad_q is not None:
            m_inner = m_inner - xp.matmul(_mT(q), grad_q)
        m_inner = xp.triu(m_inner)
        sym = m_inner + _mT(m_inner)
        sym[..., xp.arange(n), xp.arange(n)] *= 0.5
        grad_a = xp.matmul(q, sym)
        if grad_q is not None:
            grad_a = grad_a + grad_q
        # grad_a R^-T = (R^-1 grad_a^T)^T
        return _mT(xp.linalg.solve(r, _mT(grad_a)))

    @staticmethod
    def backward_graph(ctx, grad_q, grad_r, a, mode):
        q, r = QR.apply(a, mode)
        m, n = q.shape[-2], r.shape[-1]
        if m < n or q.shape[-1] != n:
            raise NotImplementedError("linalg.qr: the gradient is implemented for mode="
                                      "'reduced' with m >= n only")
        inner = 0 * r
        if grad_r is not None:
            inner = inner + grad_r.matmul(r.mT)
        if grad_q is not None:
            inner = inner - q.mT.matmul(grad_q)
        inner = inner.triu()
        sym = inner + inner.mT - inner.diagonal(dim1=-2, dim2=-1).diag_embed()
        grad_a = q.matmul(sym)
        if grad_q is not None:
            grad_a = grad_a + grad_q
        return Solve.apply(r, grad_a.mT).mT
