"""Negative log-likelihood losses of distributions (torch.nn.functional):
poisson_nll_loss and gaussian_nll_loss, composed from differentiable ops as torch
composes them (so the target and var get torch's gradients too)."""
from __future__ import annotations

import math

from ... import ops
from ...autograd import grad_mode
from ...creation import ones_like
from ._validate import require_tensor
from .loss import _apply_reduction, _legacy_reduction

__all__ = ["gaussian_nll_loss", "poisson_nll_loss"]


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Poisson negative log-likelihood of target given the rate input:
    exp(input) - target * input (log_input=True, input is the log-rate) or
    input - target * log(input + eps). full=True adds Stirling's approximation of
    log(target!), target log target - target + 0.5 log(2 pi target), where target > 1.
    """
    require_tensor("poisson_nll_loss", input)
    require_tensor("poisson_nll_loss", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        stirling = target * ops.log(target) - target + 0.5 * ops.log(2 * math.pi * target)
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log-likelihood of target given mean input and variance var:
    0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) if full).

    var may have input's shape, lack its last dim, or have size 1 in one dim (one variance
    shared along it); a float is one variance for all. NOTE: var is clamped at eps without
    recording the clamp (torch does it in no_grad), so var's gradient flows as if
    unclamped.
    """
    require_tensor("gaussian_nll_loss", input)
    require_tensor("gaussian_nll_loss", target, "target", 2)
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool(ops.any(var < 0)):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):  # one variance per sample
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(
                v for i, v in zip(input.shape, var.shape) if i != v) == 1:
            pass  # size 1 in one dim: broadcast along it
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (ops.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, reduction)
