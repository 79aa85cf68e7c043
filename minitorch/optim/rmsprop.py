"""RMSprop, optionally centered and with momentum (torch.optim.RMSprop's twin)."""
from __future__ import annotations

from .. import backend
from .optimizer import (
    Optimizer,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _lerp_,
    _update_grad,
    _zeros_state,
)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture notes), in torch's form.

    For each parameter with a gradient g (``-g`` when ``maximize``)::

        g   = g + weight_decay * p                  (if weight_decay != 0)
        v   = alpha * v + (1 - alpha) * g^2
        avg = sqrt(v - g_avg^2) + eps,  g_avg = alpha * g_avg + (1 - alpha) * g  (centered)
        avg = sqrt(v) + eps                                                      (otherwise)
        buf = momentum * buf + g / avg;  p = p - lr * buf     (if momentum > 0)
        p   = p - lr * g / avg                                (otherwise)

    eps is added outside the square root.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-2).
        alpha: smoothing constant of the squared-gradient average (default: 0.99).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: L2 penalty added to the gradient (default: 0).
        momentum: momentum factor (default: 0).
        centered: normalize by an estimate of the gradient's variance (default: False).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.RMSprop(model.parameters(), lr=1e-2, alpha=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_not_negative(lr, "learning rate")
        _check_not_negative(eps, "epsilon value")
        _check_not_negative(momentum, "momentum value")
        _check_not_negative(weight_decay, "weight_decay value")
        _check_not_negative(alpha, "alpha value")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(momentum=0, centered=False, maximize=False)

    def _group_hyper(self, group):
        return dict(lr=_hyper(group["lr"]), alpha=float(group["alpha"]),
                    eps=float(group["eps"]), weight_decay=float(group["weight_decay"]),
                    momentum=float(group["momentum"]), centered=group["centered"],
                    maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["square_avg"] = _zeros_state(p)
        if float(group["momentum"]) > 0:
            state["momentum_buffer"] = _zeros_state(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        alpha = hyper["alpha"]
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if hyper["centered"]:
            grad_avg = state["grad_avg"]._data
            _lerp_(grad_avg, grad, 1.0 - alpha)
            avg = xp.sqrt(square_avg + (-1.0 * grad_avg) * grad_avg)
        else:
            avg = xp.sqrt(square_avg)
        avg += hyper["eps"]
        if hyper["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            buf *= hyper["momentum"]
            buf += grad / avg
            p._data -= hyper["lr"] * buf
        else:
            p._data += (-hyper["lr"]) * grad / avg
