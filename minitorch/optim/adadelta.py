"""Adadelta (torch.optim.Adadelta's twin)."""
from __future__ import annotations

from .. import backend
from .optimizer import (
    Optimizer,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _update_grad,
    _zeros_state,
)


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012): steps scaled by the ratio of running RMS of updates and grads.

    For each parameter with a gradient g (``-g`` when ``maximize``)::

        g     = g + weight_decay * p                         (if weight_decay != 0)
        v     = rho * v + (1 - rho) * g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u     = rho * u + (1 - rho) * delta^2
        p     = p - lr * delta

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: coefficient that scales delta before it is applied (default: 1.0).
        rho: coefficient of the running averages of squared gradients and updates
            (default: 0.9).
        eps: added inside the square roots for numerical stability (default: 1e-6).
        weight_decay: L2 penalty added to the gradient (default: 0).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.Adadelta(model.parameters())
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_not_negative(lr, "learning rate")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_not_negative(eps, "epsilon value")
        _check_not_negative(weight_decay, "weight_decay value")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, capturable=capturable, foreach=foreach,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False)

    def _group_hyper(self, group):
        return dict(lr=_hyper(group["lr"]), rho=float(group["rho"]), eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]), maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["square_avg"] = _zeros_state(p)
        state["acc_delta"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        rho, eps = hyper["rho"], hyper["eps"]
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        square_avg = state["square_avg"]._data
        acc_delta = state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1.0 - rho) * grad * grad
        std = xp.sqrt(square_avg + eps)
        delta = xp.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        acc_delta *= rho
        acc_delta += (1.0 - rho) * delta * delta
        p._data -= hyper["lr"] * delta
