"""ASGD: averaged stochastic gradient descent (torch.optim.ASGD's twin)."""
from __future__ import annotations

from .optimizer import (
    Optimizer,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _step_tensor,
    _update_grad,
    _zeros_state,
)


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky, 1992), in torch's form.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g   = g + weight_decay * p                  (if weight_decay != 0)
        p   = p * (1 - lambd * eta) - eta * g       (SGD step with a decay term)
        ax  = p                          if mu == 1  (before averaging starts)
        ax  = ax + mu * (p - ax)         otherwise   (running average of the iterates)
        eta = lr / (1 + lambd * lr * t)^alpha
        mu  = 1 / max(1, t - t0)

    The parameters keep following SGD; the average 'ax' is what the method returns
    (copy it into the model for evaluation). Averaging begins after t0 steps.
    'eta' and 'mu', like 'step', are 0-d CPU tensors of the default float dtype.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-2).
        lambd: decay term (default: 1e-4).
        alpha: power of the eta update (default: 0.75).
        t0: the step at which averaging starts (default: 1e6).
        weight_decay: L2 penalty added to the gradient (default: 0).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.ASGD(model.parameters(), lr=0.01, t0=100)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_not_negative(lr, "learning rate")
        _check_not_negative(weight_decay, "weight_decay value")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False)

    def __setstate__(self, state):
        super().__setstate__(state)
        for param_state in self.state.values():
            for key in ("eta", "mu"):
                if key in param_state and not hasattr(param_state[key], "_data"):
                    param_state[key] = _step_tensor(float(param_state[key]))

    def _group_hyper(self, group):
        return dict(lr=_hyper(group["lr"]), lambd=float(group["lambd"]),
                    alpha=float(group["alpha"]), t0=float(group["t0"]),
                    weight_decay=float(group["weight_decay"]), maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["eta"] = _step_tensor(_hyper(group["lr"]))
        state["mu"] = _step_tensor(1.0)
        state["ax"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        lr, lambd = hyper["lr"], hyper["lambd"]
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        # eta and mu live on the CPU, so reading them is no device sync
        eta, mu = float(state["eta"]._data), float(state["mu"]._data)
        p._data *= 1.0 - lambd * eta
        p._data += (-eta) * grad
        ax = state["ax"]._data
        if mu != 1:
            ax += (p._data - ax) * mu
        else:
            ax[...] = p._data
        # torch builds the new values with torch.as_tensor (the default float
        # dtype) before copying them in: float32 rounding even for float64 'eta'
        state["eta"]._data[...] = _as_default_float(
            lr / ((1.0 + lambd * lr * step) ** hyper["alpha"]))
        state["mu"]._data[...] = _as_default_float(1.0 / max(1.0, step - hyper["t0"]))


def _as_default_float(value):
    """A Python float rounded to the default float dtype, as torch.as_tensor(value) is."""
    return float(_step_tensor(value)._data)
