"""Rprop: resilient backpropagation, steps from gradient signs only (torch.optim.Rprop)."""
from __future__ import annotations

from .. import backend
from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _zeros_state,
)


class Rprop(Optimizer):
    r"""Rprop (Riedmiller & Braun, 1993): each weight has its own step size, grown or shrunk
    by whether the gradient kept its sign; the gradient's magnitude is never used.

    For each parameter with a gradient g (``-g`` when ``maximize``)::

        s         = sign(g * g_prev)
        step_size = clamp(step_size * (etaplus if s > 0, etaminus if s < 0, 1 if s == 0),
                          min_step, max_step)
        g         = 0 where s < 0          (after a sign flip, skip a step; torch's variant)
        p         = p - sign(g) * step_size
        g_prev    = g

    step_size starts at lr everywhere. Meant for full-batch training: with mini-batches
    the sign of the gradient is noisy and the step sizes wander.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: initial step size (default: 1e-2).
        etas: (etaminus, etaplus), the shrink and growth factors (default: (0.5, 1.2)).
        step_sizes: (min_step, max_step), the allowed step sizes (default: (1e-6, 50)).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.Rprop(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_not_negative(lr, "learning rate")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False)

    def _group_hyper(self, group):
        etaminus, etaplus = (float(e) for e in group["etas"])
        step_size_min, step_size_max = (float(s) for s in group["step_sizes"])
        return dict(etaminus=etaminus, etaplus=etaplus, step_size_min=step_size_min,
                    step_size_max=step_size_max, maximize=group["maximize"])

    def _init_state(self, p, state, group):
        xp = backend.array_module(p._data)
        state["prev"] = _zeros_state(p)
        state["step_size"] = Tensor._wrap(xp.full_like(p._data, _hyper(group["lr"])))

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        grad = -grad if hyper["maximize"] else grad
        prev, step_size = state["prev"]._data, state["step_size"]._data
        sign = _sign(grad * prev)
        flipped = sign < 0
        factor = xp.where(sign > 0, hyper["etaplus"], xp.where(flipped, hyper["etaminus"], 1.0))
        step_size *= factor.astype(step_size.dtype, copy=False)
        xp.clip(step_size, hyper["step_size_min"], hyper["step_size_max"], out=step_size)
        grad = xp.where(flipped, 0, grad).astype(grad.dtype, copy=False)
        p._data -= _sign(grad) * step_size
        prev[...] = grad


def _sign(x):
    """torch's sign: 0 for NaN (NumPy's is NaN), so a NaN gradient leaves its weight as is."""
    sign = (x > 0).astype(x.dtype)
    sign -= x < 0
    return sign
