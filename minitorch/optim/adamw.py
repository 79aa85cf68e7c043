"""AdamW: Adam with decoupled weight decay (torch.optim.AdamW's twin)."""
from __future__ import annotations

from .adam import Adam


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Same as `Adam` except the decay acts on the weights, not through the gradient::

        p = p * (1 - lr * weight_decay)
        ... the Adam update of `Adam`, with g left undecayed ...

    It is `Adam(..., decoupled_weight_decay=True)` with a default weight_decay of 1e-2,
    exactly as torch defines it.

    Args:
        params: iterable of Tensors or dicts of parameter groups.
        lr: learning rate (default: 1e-3).
        betas: coefficients of the running averages (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: decoupled weight decay coefficient (default: 1e-2).
        amsgrad: use the AMSGrad variant (default: False).
        maximize: maximize the objective instead of minimizing (default: False).

    Example:
        >>> optimizer = minitorch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        # a state dict saved from Adam must not switch AdamW back to L2 decay
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
