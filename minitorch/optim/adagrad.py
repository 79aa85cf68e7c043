"""Adagrad (torch.optim.Adagrad's twin)."""
from __future__ import annotations

from .. import backend
from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _update_grad,
)


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011): per-coordinate steps shrink with the summed squares.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g     = g + weight_decay * p                  (if weight_decay != 0)
        clr   = lr / (1 + (t - 1) * lr_decay)
        sum   = sum + g^2                              (sum starts at initial_accumulator_value)
        p     = p - clr * g / (sqrt(sum) + eps)

    Unlike the other optimizers, the state ('step', 'sum') is created in the constructor.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-2).
        lr_decay: learning rate decay (default: 0).
        weight_decay: L2 penalty added to the gradient (default: 0).
        initial_accumulator_value: starting value of the sum of squares (default: 0).
        eps: added to the denominator for numerical stability (default: 1e-10).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.Adagrad(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check_not_negative(lr, "learning rate")
        _check_not_negative(lr_decay, "lr_decay value")
        _check_not_negative(weight_decay, "weight_decay value")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check_not_negative(eps, "epsilon value")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:  # as torch: the state exists before the first step
            for p in group["params"]:
                self.state[p] = self._state_for(p, group)

    def _init_state(self, p, state, group):
        xp = backend.array_module(p._data)
        state["sum"] = Tensor._wrap(
            xp.full_like(p._data, float(group["initial_accumulator_value"])))

    _defaults_for_old_checkpoints = dict(maximize=False)

    def _group_hyper(self, group):
        return dict(lr=_hyper(group["lr"]), lr_decay=float(group["lr_decay"]),
                    eps=float(group["eps"]), weight_decay=float(group["weight_decay"]),
                    maximize=group["maximize"])

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        clr = hyper["lr"] / (1.0 + (step - 1.0) * hyper["lr_decay"])
        state_sum = state["sum"]._data
        state_sum += grad * grad
        std = xp.sqrt(state_sum)
        std += hyper["eps"]
        p._data += (-clr) * grad / std
