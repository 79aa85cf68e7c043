"""Normalization: batch_norm (one fused op); instance_norm (batch_norm with the batch
folded into the channels, as torch computes it); layer_norm, group_norm and
local_response_norm (composed from differentiable ops)."""
from __future__ import annotations

from ... import dtypes, ops
from ...autograd import grad_mode
from ...autograd.function import check_devices
from ...ops import nn_ops
from ._validate import require_tensor
from .misc import pad

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm"]


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
    # the running statistics reach the op as raw arrays, so the op's own device check
    # can't see them: check them here (a CPU buffer beside a CUDA input is a common slip)
    check_devices([t for t in (input, running_mean, running_var, weight, bias)
                   if t is not None])
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


def _standardize(input, dims, eps):
    """(x - mean) / sqrt(var + eps) over `dims` (biased variance), kept differentiable."""
    mean = ops.mean(input, dims, keepdim=True)
    centered = input - mean
    var = ops.mean(centered * centered, dims, keepdim=True)
    return centered * ops.rsqrt(var + eps)


def _channel_affine(out, weight, bias):
    """out * weight + bias with (C,) weight and bias applied along dim 1."""
    shape = (1, out.shape[1]) + (1,) * (out.dim() - 2)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last len(normalized_shape) dims of each sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias (biased variance)."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    dtypes.require_kernel("LayerNormKernelImpl", input, lambda d: d.is_floating_point)
    k = len(normalized_shape)
    if tuple(input.shape[input.dim() - k:]) != normalized_shape:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
            f"{list(input.shape)}")  # sic: torch prints no space before the list
    dims = tuple(range(input.dim() - k, input.dim()))
    out = _standardize(input, dims, eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the channels into num_groups groups and normalize each group of each sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias (biased variance; weight and bias
    are per channel).

    Args:
        input (Tensor): (N, C, *), C divisible by num_groups.
        num_groups (int): G.
        weight, bias (Tensor, optional): (C,).
        eps (float): Default: 1e-5.
    """
    require_tensor("group_norm", input)
    if input.dim() < 2:
        raise RuntimeError("Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    n, c = input.shape[0], input.shape[1]
    _verify_batch_size([n * c // num_groups, num_groups] + list(input.shape[2:]))
    if c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    # NOTE: torch's bias message shows the weight's shape ([0] without weight); copied
    weight_shape = list(weight.shape) if weight is not None else [0]
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number "
                               f"of channels in input, but got {name} of shape "
                               f"{weight_shape} and input of shape {list(input.shape)}")
    dtypes.require_kernel("GroupNormKernelImpl", input, lambda d: d.is_floating_point)
    grouped = input.reshape(n, num_groups, -1)
    out = _standardize(grouped, 2, eps).reshape(input.shape)
    return _channel_affine(out, weight, bias)


def _verify_spatial_size(shape):
    values = 1
    for s in shape[2:]:
        values *= s
    if values == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"{shape}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalize each channel of each sample over its spatial dims.

    Computed as torch does: (N, C, *) is viewed as one sample with N*C channels and
    batch-normalized; weight, bias and the running statistics are repeated N times, and
    the running statistics are then set to the mean of the N updated copies.

    Args:
        input (Tensor): (N, C, *).
        running_mean, running_var (Tensor, optional): (C,) buffers, updated in place when
            use_input_stats.
        weight, bias (Tensor, optional): (C,) affine parameters.
        use_input_stats (bool): normalize with each instance's statistics. Default: True.
        momentum (float): Default: 0.1.  eps (float): Default: 1e-5.
    """
    require_tensor("instance_norm", input)
    if use_input_stats:
        _verify_spatial_size(input.shape)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    n, c = input.shape[0], input.shape[1]
    dtypes.require_kernel("batch_norm", input, lambda d: d.is_floating_point)

    def repeat(t):
        return t.repeat(n) if t is not None else None

    run_mean, run_var = repeat(running_mean), repeat(running_var)
    folded = input.reshape((1, n * c) + tuple(input.shape[2:]))
    out = batch_norm(folded, run_mean, run_var, repeat(weight), repeat(bias), use_input_stats,
                     momentum, eps)
    with grad_mode.no_grad():  # (even in eval mode, as torch: the mean of N equal copies)
        for buf, copies in ((running_mean, run_mean), (running_var, run_var)):
            if buf is not None:
                buf.copy_(copies.reshape(n, c).mean(0))
    return out.reshape(input.shape)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """y = x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta.

    The window is centered on each channel (size // 2 before, (size - 1) // 2 after) and
    zero-padded at the ends; the mean always divides by `size` (torch's avg_pool with
    count_include_pad).

    Shape:
        (N, C, *) -> same shape.
    """
    require_tensor("local_response_norm", input)
    dim = input.dim()
    if dim < 3:
        raise ValueError("Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    squares = input * input
    padded = pad(squares, (0, 0) * (dim - 2) + (size // 2, (size - 1) // 2))
    window_sum = padded[:, 0:channels]
    for offset in range(1, size):  # a loop over the window, not over the data
        window_sum = window_sum + padded[:, offset:offset + channels]
    if input.dtype.is_floating_point:
        window_mean = window_sum / size
    else:  # torch's integer avg_pool truncates
        window_mean = ops.div(window_sum, size, rounding_mode="trunc")
    return input / (window_mean * alpha + k) ** beta
