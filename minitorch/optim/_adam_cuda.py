"""A fused CuPy kernel for the Adam/AdamW step (CUDA only; `adam.adam_update` is the twin).

Why: the array version in adam.py makes about ten passes over parameter-sized memory
(temporaries for g*g, sqrt, the division, ...); this kernel reads p, g, m, v once and
writes p, m, v once. Same formulas, same order of operations, as `adam_update`.
Used only for CuPy arrays and only without amsgrad.
"""
from __future__ import annotations

from .. import backend

_kernel = None


def _get_kernel():
    global _kernel
    if _kernel is None:
        cp = backend.require_cupy()
        _kernel = cp.ElementwiseKernel(
            "T grad, T sign, T l2, T decay, T w1, T beta2, T w2, T step_size, "
            "T bc2_sqrt, T eps",
            "T param, T exp_avg, T exp_avg_sq",
            """
            T g = sign * grad;
            if (l2 != 0) {
                g = g + l2 * param;       // Adam: L2 penalty in the gradient
            }
            param = param * decay;        // AdamW: decoupled decay (decay == 1 otherwise)
            // torch's lerp: two branches so that w1 == 1 is exact
            if (w1 < 0.5) {
                exp_avg = exp_avg + w1 * (g - exp_avg);
            } else {
                exp_avg = g - (g - exp_avg) * (1 - w1);
            }
            exp_avg_sq = exp_avg_sq * beta2 + w2 * g * g;
            T denom = sqrt(exp_avg_sq) / bc2_sqrt + eps;
            param = param - step_size * exp_avg / denom;
            """,
            "minitorch_adam_step",
        )
    return _kernel


def adam_update_cuda(param, grad, exp_avg, exp_avg_sq, *, step, lr, beta1, beta2, eps,
                     weight_decay, decoupled, maximize):
    """In-place Adam step on CuPy arrays (see `adam.adam_update` for the formulas)."""
    dtype = param.dtype.type
    l2 = 0.0 if decoupled else weight_decay
    decay = 1.0 - lr * weight_decay if decoupled else 1.0
    step_size = lr / (1.0 - beta1 ** step)
    bc2_sqrt = (1.0 - beta2 ** step) ** 0.5
    scalars = (-1.0 if maximize else 1.0, l2, decay, 1.0 - beta1, beta2, 1.0 - beta2,
               step_size, bc2_sqrt, eps)
    _get_kernel()(grad, *(dtype(s) for s in scalars), param, exp_avg, exp_avg_sq)
