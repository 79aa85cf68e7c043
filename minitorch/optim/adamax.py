"""Adamax: Adam with the infinity norm in place of the squared average (torch.optim.Adamax)."""
from __future__ import annotations

from .. import backend
from .optimizer import (
    Optimizer,
    _check_adam_args,
    _check_not_differentiable,
    _hyper,
    _lerp_,
    _update_grad,
    _zeros_state,
)


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2014, section 7): Adam's second moment taken to the max norm.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g   = g + weight_decay * p                    (if weight_decay != 0)
        m   = beta1 * m + (1 - beta1) * g
        u   = max(beta2 * u, |g| + eps)
        p   = p - lr / (1 - beta1^t) * m / u

    u needs no bias correction: a max is not pulled towards its zero start the way an
    average is. eps sits inside the max, so u never reaches 0.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 2e-3).
        betas: coefficients of the gradient average and of the max norm's decay
            (default: (0.9, 0.999)).
        eps: added to |g| for numerical stability (default: 1e-8).
        weight_decay: L2 penalty added to the gradient (default: 0).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.Adamax(model.parameters(), lr=2e-3)
        >>> optimizer.zero_grad(); loss.backward(); optimizer.step()
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False)

    def _group_hyper(self, group):
        beta1, beta2 = (_hyper(b) for b in group["betas"])
        return dict(lr=_hyper(group["lr"]), beta1=beta1, beta2=beta2, eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]), maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["exp_avg"] = _zeros_state(p)
        state["exp_inf"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        beta1 = hyper["beta1"]
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
        _lerp_(exp_avg, grad, 1.0 - beta1)
        exp_inf *= hyper["beta2"]
        xp.maximum(exp_inf, xp.abs(grad) + hyper["eps"], out=exp_inf)
        clr = hyper["lr"] / (1.0 - beta1 ** step)
        p._data += (-clr) * exp_avg / exp_inf
