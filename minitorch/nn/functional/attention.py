"""scaled_dot_product_attention: checks torch's arguments, turns the masks into one additive
bias, draws the dropout mask, and calls the fused op in ops/attention.py."""
from __future__ import annotations

import math

from ... import dtypes
from ...creation import ones, zeros
from ...ops import attention as attention_ops
from ...ops.layout import broadcast_shapes
from ...sampling import rand

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    """softmax(query key^T * scale + bias) value, with dropout on the attention weights.

    Args:
        query, key, value: (..., L, E), (..., S, E), (..., S, Ev); leading dims broadcast.
        attn_mask: bool mask (True = take part in attention; note: the opposite of
            MultiheadAttention's key_padding_mask) or a float mask added to the scores;
            broadcastable to (..., L, S).
        dropout_p (float): dropout on the weights -- always applied, as in torch: pass 0.0
            outside training.
        is_causal (bool): query i sees keys j <= i (top-left aligned when L != S). Not
            together with attn_mask (torch's math kernel refuses the pair; its no-grad CPU
            kernel ANDs them instead -- we follow the reference kernel).
        scale (float): defaults to 1 / sqrt(E).
        enable_gqa (bool): grouped-query attention -- key/value heads (dim -3) are repeated
            to match the query's heads.

    Shape:
        output (..., L, Ev).

    >>> q = minitorch.randn(2, 4, 5, 8)
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    minitorch.Size([2, 4, 5, 8])
    """
    _check(query, key, value, attn_mask, dropout_p, is_causal)
    if enable_gqa and query.dim() >= 3 and key.size(-3) != query.size(-3):
        if query.size(-3) % key.size(-3) or query.size(-3) % value.size(-3):
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in query")
        key = key.repeat_interleave(query.size(-3) // key.size(-3), -3)
        value = value.repeat_interleave(query.size(-3) // value.size(-3), -3)
    if scale is None:
        scale = 1.0 / math.sqrt(query.size(-1))
    bias = _mask_to_bias(attn_mask, is_causal, query, key.size(-2))
    keep = _dropout_keep(query, key, dropout_p) if dropout_p > 0.0 else None
    return attention_ops.scaled_dot_product_attention(query, key, value, bias, keep,
                                                      float(scale))


def _check(query, key, value, attn_mask, dropout_p, is_causal):
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} "
            "instead.")
    if not (query.dtype == key.dtype == value.dtype):
        name = dtypes.scalar_type_name
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{name(query.dtype)} key.dtype: {name(key.dtype)} and value.dtype: "
            f"{name(value.dtype)} instead.")
    if attn_mask is not None and not (attn_mask.dtype == dtypes.bool
                                      or attn_mask.dtype.is_floating_point):
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {dtypes.scalar_type_name(attn_mask.dtype)} and  query.dtype: "
            f"{dtypes.scalar_type_name(query.dtype)} instead.")
    if query.size(-1) != key.size(-1):
        raise RuntimeError(f"scaled_dot_product_attention: query and key need the same "
                           f"feature size, but got query.shape={tuple(query.shape)} and "
                           f"key.shape={tuple(key.shape)}")
    if key.size(-2) != value.size(-2):
        raise RuntimeError(f"scaled_dot_product_attention: key and value need the same "
                           f"sequence length, but got key.shape={tuple(key.shape)} and "
                           f"value.shape={tuple(value.shape)}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                           "set when is_causal=True")
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got "
                           f"{dropout_p}")


def _mask_to_bias(attn_mask, is_causal, query, key_len):
    """One additive float bias from the mask, as torch's reference builds it: a bool mask
    (or the causal one) becomes 0 where attention is allowed and -inf elsewhere; a float
    mask is added as is (and keeps its gradient)."""
    if attn_mask is not None and attn_mask.dtype != dtypes.bool:
        return attn_mask.to(query.dtype)
    if is_causal:
        allowed = ones((query.size(-2), key_len), dtype=dtypes.bool,
                       device=query.device).tril()
    elif attn_mask is not None:
        allowed = attn_mask
    else:
        return None
    bias = zeros(tuple(allowed.shape), dtype=query.dtype, device=query.device)
    return bias.masked_fill(allowed.logical_not(), float("-inf"))


def _dropout_keep(query, key, p):
    """The dropout multiplier on the weights: 0 with probability p, else 1/(1-p)."""
    batch = broadcast_shapes(tuple(query.shape[:-2]), tuple(key.shape[:-2]))
    shape = tuple(batch) + (query.size(-2), key.size(-2))
    # drawn in float32 whatever the dtype, like F.dropout's mask: it is only compared with p
    u = rand(shape, dtype=dtypes.float32, device=query.device)
    scale = 1.0 / (1.0 - p) if p < 1.0 else 0.0
    return (u >= p).to(query.dtype) * scale
