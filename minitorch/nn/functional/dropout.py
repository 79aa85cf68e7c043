"""Dropout: zero elements (or whole channels) with probability p, scale the rest by 1/(1-p)."""
from __future__ import annotations

import warnings

from ... import dtypes
from ... import random as mt_random
from ...ops import nn_ops
from ...tensor_methods import _inplace

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d"]


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_mask(input, mask_shape, p, inplace):
    # the keep-mask is drawn in float32 whatever the data's dtype: it is only compared with p
    u = mt_random.uniform(mask_shape, 0.0, 1.0, dtypes.float32, input.device)
    keep = u >= p
    scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0

    def fn(t):
        return nn_ops.MaskScale.apply(t, keep, scale)
    return _inplace(input, fn) if inplace else fn(input)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the kept ones by 1/(1-p).

    Args:
        p (float): drop probability. Default: 0.5.
        training (bool): apply dropout (else return input unchanged). Default: True,
            like torch's F.dropout -- pass `self.training` from a module.
        inplace (bool): overwrite input.
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _apply_mask(input, tuple(input.shape), p, inplace)


def _channel_dropout(name, input, p, training, inplace, spatial_dims):
    _check_p(p)
    batched = input.dim() == spatial_dims + 2
    if input.dim() not in (spatial_dims + 1, spatial_dims + 2):
        warnings.warn(f"{name}: Received a {input.dim()}-D input to {name}, which is "
                      f"deprecated and will result in an error in a future release. To "
                      f"retain the behavior and silence this warning, please use dropout "
                      f"instead. Note that {name} exists to provide channel-wise dropout "
                      f"on inputs with {spatial_dims} spatial dimensions, a channel "
                      f"dimension, and an optional batch dimension (i.e. "
                      f"{spatial_dims + 1}D or {spatial_dims + 2}D inputs).", stacklevel=3)
    if not training or p == 0.0:
        return input
    lead = 2 if batched or input.dim() > spatial_dims + 2 else 1
    mask_shape = tuple(input.shape[:lead]) + (1,) * (input.dim() - lead)
    return _apply_mask(input, mask_shape, p, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input."""
    if input.dim() not in (2, 3):
        raise RuntimeError("dropout1d: Expected 2D or 3D input, but received a "
                           f"{input.dim()}D input. Note that dropout1d exists to provide "
                           "channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or "
                           "3D inputs).")
    return _channel_dropout("dropout1d", input, p, training, inplace, 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels (feature maps) of (N, C, H, W) or (C, H, W) input.

    A 3-D input is treated as (N, C, L) (channel-wise 1-D dropout), like torch, with a
    warning."""
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will "
                      "change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                      "dropout behavior, please switch to using dropout1d instead.",
                      stacklevel=2)
        _check_p(p)
        if not training or p == 0.0:
            return input
        return _apply_mask(input, tuple(input.shape[:2]) + (1,), p, inplace)
    return _channel_dropout("dropout2d", input, p, training, inplace, 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    return _channel_dropout("dropout3d", input, p, training, inplace, 3)
