"""Adam (and the decoupled-weight-decay switch AdamW uses), torch.optim.Adam's twin."""
from __future__ import annotations

import numpy as np

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


class Adam(Optimizer):
    r"""Adam: adaptive moment estimation (Kingma & Ba, 2014), in torch's exact form.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g     = g + weight_decay * p        (L2; or p *= 1 - lr*weight_decay if decoupled)
        m     = beta1 * m + (1 - beta1) * g
        v     = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)               (amsgrad; the max of v, not of v_hat)
        p     = p - lr / (1 - beta1^t) * m / (sqrt(v or v_max) / sqrt(1 - beta2^t) + eps)

    eps is added to the bias-corrected sqrt(v_hat), not to sqrt(v).

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-3).
        betas: coefficients of the running averages of the gradient and its square
            (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: L2 penalty added to the gradient (default: 0).
        amsgrad: use the AMSGrad variant (default: False).
        maximize: maximize the objective instead of minimizing (default: False).
        decoupled_weight_decay: decay the weights directly, as AdamW (default: False).

    Example:
        >>> optimizer = minitorch.optim.Adam(model.parameters(), lr=1e-3)
        >>> optimizer.zero_grad(); loss.backward(); optimizer.step()
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(amsgrad=False, maximize=False,
                                         decoupled_weight_decay=False)

    def _group_hyper(self, group):
        beta1, beta2 = (_hyper(b) for b in group["betas"])
        return dict(lr=_hyper(group["lr"]), beta1=beta1, beta2=beta2,
                    eps=float(group["eps"]), weight_decay=float(group["weight_decay"]),
                    decoupled=bool(group["decoupled_weight_decay"]),
                    maximize=bool(group["maximize"]), amsgrad=bool(group["amsgrad"]))

    def _init_state(self, p, state, group):
        state["exp_avg"] = _zeros_state(p)
        state["exp_avg_sq"] = _zeros_state(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        max_sq = state["max_exp_avg_sq"]._data if hyper["amsgrad"] else None
        adam_update(p._data, grad, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                    max_sq, step=step, lr=hyper["lr"], beta1=hyper["beta1"],
                    beta2=hyper["beta2"], eps=hyper["eps"],
                    weight_decay=hyper["weight_decay"], decoupled=hyper["decoupled"],
                    maximize=hyper["maximize"])


def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, step, lr, beta1,
                beta2, eps, weight_decay, decoupled, maximize):
    """One Adam step on raw arrays, all updated in place (torch's single-tensor algorithm).

    `max_exp_avg_sq` is None unless amsgrad. On CuPy (float32/float64, no amsgrad) this
    dispatches to a fused elementwise kernel: one pass over memory instead of about ten.
    """
    xp = backend.array_module(param)
    fusable = param.dtype in (np.float32, np.float64) and grad.dtype == param.dtype
    if xp is not np and max_exp_avg_sq is None and fusable:
        from ._adam_cuda import adam_update_cuda

        adam_update_cuda(param, grad, exp_avg, exp_avg_sq, step=step, lr=lr, beta1=beta1,
                         beta2=beta2, eps=eps, weight_decay=weight_decay,
                         decoupled=decoupled, maximize=maximize)
        return
    if maximize:
        grad = -grad
    grad = _apply_weight_decay(param, grad, lr=lr, weight_decay=weight_decay,
                               decoupled=decoupled)
    _lerp_(exp_avg, grad, 1.0 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1.0 - beta2) * grad * grad

    step_size = lr / (1.0 - beta1 ** step)
    bias_correction2_sqrt = (1.0 - beta2 ** step) ** 0.5
    if max_exp_avg_sq is not None:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = xp.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps
    else:
        denom = xp.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
    param += (-step_size) * exp_avg / denom
