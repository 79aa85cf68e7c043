"""Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), applied in place
to `.grad` between `loss.backward()` and `optimizer.step()`."""
from __future__ import annotations

import math

from ... import ops
from ...autograd import no_grad
from ...creation import tensor
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale all gradients by min(1, max_norm / (total_norm + 1e-6)).

    total_norm is the `norm_type` norm of all gradients together, as if concatenated.

    Args:
        parameters: a Tensor or an iterable of Tensors whose `.grad` is clipped.
        max_norm (float): largest allowed total norm.
        norm_type (float): the p of the p-norm; `inf` for the largest absolute value.
        error_if_nonfinite (bool): raise if the total norm is nan or inf.

    Returns:
        The total norm before clipping (a 0-d Tensor).

    >>> loss.backward()
    >>> clip_grad_norm_(model.parameters(), max_norm=1.0)
    >>> optimizer.step()
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return tensor(0.0)
    with no_grad():
        if norm_type == math.inf:
            norms = [ops.amax(ops.abs(g)) for g in grads]
            total = ops.amax(ops.stack([n.to(grads[0].device) for n in norms]))
        else:
            norms = [ops.norm(g, norm_type) for g in grads]
            total = ops.norm(ops.stack([n.to(grads[0].device) for n in norms]), norm_type)
        if error_if_nonfinite and not bool(ops.isfinite(total)):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        coef = ops.clamp(float(max_norm) / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
