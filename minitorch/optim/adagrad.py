"""Adagrad (torch.optim.Adagrad's twin)."""
from __future__ import annotations

from .. import backend
from ..tensor import Tensor
from .optimizer import Optimizer, _bump_version, _hyper, _increment_step, _step_tensor, _update_grad


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
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if differentiable:
            raise NotImplementedError("minitorch optimizers do not support differentiable=True")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p)

    def _init_state(self, group, p):
        xp = backend.array_module(p._data)
        state = self.state[p]
        state["step"] = _step_tensor(0.0)
        state["sum"] = Tensor._wrap(
            xp.full_like(p._data, float(group["initial_accumulator_value"])))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)

    def step(self, closure=None):
        """Perform one Adagrad update; returns the closure's loss if a closure is given."""
        loss = self._evaluate_closure(closure)
        for group in self.param_groups:
            lr, lr_decay = _hyper(group["lr"]), float(group["lr_decay"])
            eps, weight_decay = float(group["eps"]), float(group["weight_decay"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                xp = backend.array_module(p._data)
                if len(self.state[p]) == 0:  # a group added after construction
                    self._init_state(group, p)
                state = self.state[p]
                step = _increment_step(state)
                grad = _update_grad(p, maximize=group["maximize"], weight_decay=weight_decay)
                clr = lr / (1.0 + (step - 1.0) * lr_decay)
                state_sum = state["sum"]._data
                state_sum += grad * grad
                std = xp.sqrt(state_sum)
                std += eps
                p._data += (-clr) * grad / std
                _bump_version(p)
        return loss
