"""RAdam: Adam with a rectified warm-up of the adaptive step (torch.optim.RAdam's twin)."""
from __future__ import annotations

from .. import backend
from .optimizer import (
    Optimizer,
    _apply_weight_decay,
    _check_adam_args,
    _check_not_differentiable,
    _hyper,
    _lerp_,
    _zeros_state,
)


class RAdam(Optimizer):
    r"""RAdam (Liu et al., 2019): Adam that takes plain momentum steps while v is unreliable.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g      = g + weight_decay * p       (L2; or p *= 1 - lr*weight_decay if decoupled)
        m      = beta1 * m + (1 - beta1) * g
        v      = beta2 * v + (1 - beta2) * g^2
        rho_inf = 2 / (1 - beta2) - 1
        rho_t  = rho_inf - 2 t beta2^t / (1 - beta2^t)      (length of the approximated SMA)
        m_hat  = m / (1 - beta1^t)
        if rho_t > 5:
            r  = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p  = p - lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
        else:
            p  = p - lr * m_hat                                   (SGD with momentum)

    In the first few steps the variance of the adaptive rate is unbounded (rho_t <= 4),
    which is why Adam needs a warm-up; r is the factor that removes that variance.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-3).
        betas: coefficients of the running averages (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: weight decay coefficient (default: 0).
        decoupled_weight_decay: decay the weights directly, as AdamW (default: False).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.RAdam(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False, decoupled_weight_decay=False)

    def _group_hyper(self, group):
        beta1, beta2 = (_hyper(b) for b in group["betas"])
        return dict(lr=_hyper(group["lr"]), beta1=beta1, beta2=beta2, eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]),
                    decoupled=group["decoupled_weight_decay"], maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["exp_avg"] = _zeros_state(p)
        state["exp_avg_sq"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        lr, beta1, beta2 = hyper["lr"], hyper["beta1"], hyper["beta2"]
        grad = -grad if hyper["maximize"] else grad
        grad = _apply_weight_decay(p._data, grad, lr=lr, weight_decay=hyper["weight_decay"],
                                   decoupled=hyper["decoupled"])
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(exp_avg, grad, 1.0 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * grad * grad

        bias_correction1 = 1.0 - beta1 ** step
        bias_correction2 = 1.0 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * step * (beta2 ** step) / bias_correction2
        # rho_t is a Python float (the step lives on the CPU): no device sync here
        if rho_t > 5.0:
            rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)) ** 0.5
            sqrt_sq = xp.sqrt(exp_avg_sq)
            sqrt_sq += hyper["eps"]
            adaptive_lr = bias_correction2 ** 0.5 / sqrt_sq
            p._data -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            p._data -= bias_corrected_exp_avg * lr
