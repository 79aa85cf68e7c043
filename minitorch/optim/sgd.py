"""SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD's twin)."""
from __future__ import annotations

from ..tensor import Tensor
from .optimizer import Optimizer, _check_not_differentiable, _hyper, _update_grad


class SGD(Optimizer):
    r"""Stochastic gradient descent, in torch's momentum form.

    For each parameter with a gradient g (``-g`` when ``maximize``)::

        g   = g + weight_decay * p                     (if weight_decay != 0)
        buf = g                                        (first step)
        buf = momentum * buf + (1 - dampening) * g     (later steps)
        g   = g + momentum * buf  if nesterov  else  buf    (if momentum != 0)
        p   = p - lr * g

    Note the velocity is not pre-multiplied by lr (unlike Sutskever et al.), so changing
    lr mid-training changes the step size at once.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-3).
        momentum: momentum factor (default: 0).
        dampening: dampening of the momentum (default: 0).
        weight_decay: L2 penalty added to the gradient (default: 0).
        nesterov: use Nesterov momentum (default: False).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> optimizer.zero_grad()
        >>> loss_fn(model(x), y).backward()
        >>> optimizer.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(nesterov=False, maximize=False)

    _counts_steps = False  # torch's SGD state is the momentum buffer alone

    def _group_hyper(self, group):
        return dict(lr=_hyper(group["lr"]), momentum=float(group["momentum"]),
                    dampening=float(group["dampening"]),
                    weight_decay=float(group["weight_decay"]),
                    nesterov=group["nesterov"], maximize=group["maximize"])

    def _update(self, p, grad, state, hyper, step):
        grad = _update_grad(p, maximize=hyper["maximize"], weight_decay=hyper["weight_decay"])
        momentum = hyper["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:  # first step: buf = g (not (1 - dampening) * g)
                buf = grad.copy()
                state["momentum_buffer"] = Tensor._wrap(buf)
            else:
                buf = buf._data
                buf *= momentum
                buf += (1.0 - hyper["dampening"]) * grad
            grad = grad + momentum * buf if hyper["nesterov"] else buf
        p._data -= hyper["lr"] * grad

