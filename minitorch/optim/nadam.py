"""NAdam: Adam with Nesterov momentum (torch.optim.NAdam's twin)."""
from __future__ import annotations

from .. import backend
from .optimizer import (
    Optimizer,
    _apply_weight_decay,
    _check_adam_args,
    _check_not_differentiable,
    _check_not_negative,
    _hyper,
    _lerp_,
    _step_tensor,
    _zeros_state,
)


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016): Adam whose step looks ahead along the momentum, in torch's form.

    For each parameter with a gradient g (``-g`` when ``maximize``), at step t::

        g      = g + weight_decay * p       (L2; or p *= 1 - lr*weight_decay if decoupled)
        mu_t   = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))     (momentum warm-up)
        prod   = mu_1 * ... * mu_t                                  (state 'mu_product')
        m      = beta1 * m + (1 - beta1) * g
        v      = beta2 * v + (1 - beta2) * g^2
        denom  = sqrt(v / (1 - beta2^t)) + eps
        p      = p - lr * (1 - mu_t) / (1 - prod) * g / denom
                   - lr * mu_{t+1} / (1 - prod * mu_{t+1}) * m / denom

    The first term is the fresh gradient, the second the momentum one step ahead
    (Nesterov). Like 'step', 'mu_product' is a 0-d CPU tensor of the default float dtype,
    so in float32 it is rounded to float32 every step, exactly as in torch.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 2e-3).
        betas: coefficients of the running averages (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: weight decay coefficient (default: 0).
        momentum_decay: how fast mu_t warms up to beta1 (default: 4e-3).
        decoupled_weight_decay: decay the weights directly, as AdamW (NAdamW)
            (default: False).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.NAdam(model.parameters(), lr=2e-3)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_not_negative(momentum_decay, "momentum_decay value")
        _check_not_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    _defaults_for_old_checkpoints = dict(maximize=False, decoupled_weight_decay=False)

    def __setstate__(self, state):
        super().__setstate__(state)
        for param_state in self.state.values():
            if "mu_product" in param_state and not hasattr(param_state["mu_product"], "_data"):
                param_state["mu_product"] = _step_tensor(float(param_state["mu_product"]))

    def _group_hyper(self, group):
        beta1, beta2 = (_hyper(b) for b in group["betas"])
        return dict(lr=_hyper(group["lr"]), beta1=beta1, beta2=beta2, eps=float(group["eps"]),
                    momentum_decay=float(group["momentum_decay"]),
                    weight_decay=float(group["weight_decay"]),
                    decoupled=group["decoupled_weight_decay"], maximize=group["maximize"])

    def _init_state(self, p, state, group):
        state["mu_product"] = _step_tensor(1.0)
        state["exp_avg"] = _zeros_state(p)
        state["exp_avg_sq"] = _zeros_state(p)

    def _update(self, p, grad, state, hyper, step):
        xp = backend.array_module(p._data)
        lr, beta1, beta2 = hyper["lr"], hyper["beta1"], hyper["beta2"]
        momentum_decay = hyper["momentum_decay"]
        grad = -grad if hyper["maximize"] else grad
        grad = _apply_weight_decay(p._data, grad, lr=lr, weight_decay=hyper["weight_decay"],
                                   decoupled=hyper["decoupled"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        # 'mu_product' lives on the CPU, so reading it back is no device sync
        mu_product = state["mu_product"]._data
        mu_product *= mu
        mu_product = float(mu_product)
        mu_product_next = mu_product * mu_next

        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        _lerp_(exp_avg, grad, 1.0 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * grad * grad
        denom = xp.sqrt(exp_avg_sq / (1.0 - beta2 ** step))
        denom += hyper["eps"]
        p._data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
        p._data += ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
