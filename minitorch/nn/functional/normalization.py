"""Normalization: batch_norm (one fused op) and layer_norm (composed)."""
from __future__ import annotations

from ... import ops
from ...autograd import grad_mode
from ...ops import nn_ops

__all__ = ["batch_norm", "layer_norm"]


def _verify_batch_size(shape):
    values = shape[0]
    for s in shape[2:]:
        values *= s
    if values == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input "
                         f"size {shape}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalize each channel (dim 1) over the batch and spatial dims.

    y = (x - mean) / sqrt(var + eps) * weight + bias. In training mode the batch's mean
    and biased variance are used and the running statistics (if given) are updated in
    place: running = (1 - momentum) * running + momentum * batch_stat, with the unbiased
    batch variance. In eval mode the running statistics are used.

    Args:
        input (Tensor): (N, C), (N, C, L) or (N, C, H, W) ...
        running_mean, running_var (Tensor or None): (C,) buffers.
        weight, bias (Tensor, optional): (C,) affine parameters.
        training (bool): use (and update) batch statistics. Default: False.
        momentum (float): weight of the new batch statistics. Default: 0.1.
        eps (float): added to the variance. Default: 1e-5.
    """
    if input.dim() < 2:
        raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if training:
        _verify_batch_size(input.shape)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    if training:
        run_m = running_mean._data if running_mean is not None else None
        run_v = running_var._data if running_var is not None else None
        out = nn_ops.BatchNorm.apply(input, weight, bias, None, None, eps, momentum, run_m,
                                     run_v)
        with grad_mode.no_grad():
            for buf in (running_mean, running_var):
                if buf is not None:
                    buf._version[0] += 1
        return out
    return nn_ops.BatchNorm.apply(input, weight, bias, running_mean._data, running_var._data,
                                  eps, momentum, None, None)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last len(normalized_shape) dims of each sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias (biased variance)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.dim() - k:]) != normalized_shape:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
            f"{input.shape}")
    dims = tuple(range(input.dim() - k, input.dim()))
    mean = ops.mean(input, dims, keepdim=True)
    centered = input - mean
    var = ops.mean(centered * centered, dims, keepdim=True)
    out = centered * ops.rsqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
