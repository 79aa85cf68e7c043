"""A fused CuPy kernel for cross-entropy's input gradient (CUDA only; the array code in
`ops/loss.py: CrossEntropy.backward` is its twin and runs on the CPU).

    grad_x[i, j] = exp(logp[i, j]) * coef[i] - (j == target[i]) * coef[i]

Why: the twin launches an exp, a multiply, and a gather/subtract/scatter for the
`grad_x[rows, target] -= coef` step (plus its index arrays): about six kernels and three
passes over the (rows, classes) array; this is one kernel and one pass. Same operations
in the same order as the twin, so the results agree to the last bit wherever `exp` does.
Used without label smoothing (the common case); with it, the twin runs on CuPy too.
"""
from __future__ import annotations

from ... import backend

_kernel = None


def _get_kernel():
    global _kernel
    if _kernel is None:
        cp = backend.require_cupy()
        _kernel = cp.ElementwiseKernel(
            "T logp, T coef, int64 target, int64 col",
            "T grad_x",
            """
            T g = exp(logp) * coef;
            grad_x = (col == target) ? g - coef : g;   // the target class: p - 1
            """,
            "minitorch_cross_entropy_backward",
        )
    return _kernel


def cross_entropy_grad_cuda(logp, coef, target):
    """grad_x (rows, classes) from log-probabilities `logp` (rows, classes), the per-row
    upstream gradient times the target's weight `coef` (rows,) and the (safe, in-range)
    target class per row (rows,); all CuPy arrays."""
    cp = backend.array_module(logp)
    classes = cp.arange(logp.shape[1], dtype=cp.int64)
    grad_x = cp.empty_like(logp)
    _get_kernel()(logp, coef.astype(logp.dtype, copy=False)[:, None],
                  target.astype(cp.int64, copy=False)[:, None], classes, grad_x)
    return grad_x
