"""MultiheadAttention: project q, k, v, split into heads, attend, join the heads, project.

Notation: L target (query) length, S source (key) length, N batch, E embed_dim, H heads,
hd = E / H head size. Inside, the heads ride in the batch dim: (N*H, L, hd), as in torch's
`F.multi_head_attention_forward`, which `forward` follows step by step.
"""
from __future__ import annotations

import warnings

from ... import dtypes
from ...creation import empty, zeros
from ...ops.shape import cat
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from .linear import Linear


class NonDynamicallyQuantizableLinear(Linear):
    """torch's name for MultiheadAttention.out_proj: a plain Linear (the subclass only tells
    torch's quantization tools to leave it alone)."""


class MultiheadAttention(Module):
    """MultiHead(q, k, v) = concat(head_1..head_H) W_o^T + b_o,
    head_i = softmax(q W_qi^T (k W_ki^T)^T / sqrt(hd)) v W_vi^T.

    Args:
        embed_dim (int): E, the query's features (and the output's).
        num_heads (int): H; E must be divisible by it.
        dropout (float): dropout on the attention weights (training only). Default: 0.0.
        bias (bool): biases on the input and output projections. Default: True.
        add_bias_kv (bool): append a learned key and value (`bias_k`, `bias_v`) to the
            source sequence. Default: False.
        add_zero_attn (bool): append a zero key and value after the projections.
        kdim, vdim (int): key / value features (default E); when either differs from E the
            projections are separate `q_proj_weight`, `k_proj_weight`, `v_proj_weight`
            instead of one stacked `in_proj_weight` (3E, E).
        batch_first (bool): inputs (N, L, E) instead of (L, N, E). Default: False.

    Shape:
        query (L, N, E), key (S, N, kdim), value (S, N, vdim) (or unbatched (L, E), ...)
        -> output (L, N, E) and weights (N, L, S) averaged over heads, (N, H, L, S) with
        average_attn_weights=False, or None with need_weights=False.
        S grows by 1 for add_bias_kv and by 1 for add_zero_attn.

    >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
    >>> x = minitorch.randn(2, 5, 16)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    (minitorch.Size([2, 5, 16]), minitorch.Size([2, 5, 5]))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")  # torch's type
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **factory))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        **factory)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **factory))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **factory))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        # torch's choice: xavier for the projections, zero biases; out_proj.weight keeps
        # Linear's kaiming init
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """Masks: key_padding_mask (N, S), True (or -inf) = padding, ignored; attn_mask
        (L, S) or (N*H, L, S), True (or -inf) = not allowed. Float masks are added to the
        scores. is_causal is only a hint in torch: attn_mask must then hold the causal mask.
        """
        batched = query.dim() == 3
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                           attn_mask, "attn_mask", query.dtype)
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use "
                               "the Transformer module method `generate_square_subsequent_"
                               "mask` to create this mask.")
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype)
        if self.batch_first and batched:
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        if not batched:  # add the batch dim (N = 1) and take it off again at the end
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        out, weights = self._attend(query, key, value, key_padding_mask, attn_mask,
                                    need_weights, average_attn_weights)
        if not batched:
            out = out.squeeze(1)
            weights = weights.squeeze(0) if weights is not None else None
        elif self.batch_first:
            out = out.transpose(1, 0)
        return out, weights

    def _project(self, query, key, value):
        """The input projections q W_q^T + b_q, ... (W_q, W_k, W_v: thirds of in_proj)."""
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def _attend(self, query, key, value, key_padding_mask, attn_mask, need_weights,
                average_attn_weights):
        """(L, N, E) inputs -> (L, N, E) output and the attention weights (or None)."""
        tgt_len, bsz, E = query.shape
        H, hd = self.num_heads, self.head_dim
        _check_shapes(query, key, value, key_padding_mask, E, self.embed_dim)
        q, k, v = self._project(query, key, value)
        attn_mask = _attn_mask_3d(attn_mask, tgt_len, key.size(0), bsz * H)
        if self.bias_k is not None:  # one learned key/value appended to the source
            k = cat([k, self.bias_k.repeat(1, bsz, 1)])
            v = cat([v, self.bias_v.repeat(1, bsz, 1)])
            attn_mask = F.pad(attn_mask, (0, 1)) if attn_mask is not None else None
            key_padding_mask = (F.pad(key_padding_mask, (0, 1))
                                if key_padding_mask is not None else None)
        # split the heads: (L, N, E) -> (N*H, L, hd)
        q = q.reshape(tgt_len, bsz * H, hd).transpose(0, 1)
        k = k.reshape(k.size(0), bsz * H, hd).transpose(0, 1)
        v = v.reshape(v.size(0), bsz * H, hd).transpose(0, 1)
        if self.add_zero_attn:  # one all-zero key/value, after the projections
            k = cat([k, zeros((bsz * H, 1, hd), dtype=k.dtype, device=k.device)], dim=1)
            v = cat([v, zeros((bsz * H, 1, hd), dtype=v.dtype, device=v.device)], dim=1)
            attn_mask = F.pad(attn_mask, (0, 1)) if attn_mask is not None else None
            key_padding_mask = (F.pad(key_padding_mask, (0, 1))
                                if key_padding_mask is not None else None)
        src_len = k.size(1)
        if key_padding_mask is not None:  # (N, S) -> (N*H, 1, S), added to attn_mask
            kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, H, -1, -1)
            kpm = kpm.reshape(bsz * H, 1, src_len)
            attn_mask = kpm if attn_mask is None else attn_mask + kpm
        dropout_p = self.dropout if self.training else 0.0
        if need_weights:
            # written out (not the fused op) because the weights are an output here
            scores = (q * (1.0 / hd) ** 0.5).matmul(k.transpose(-2, -1))
            if attn_mask is not None:
                scores = scores + attn_mask
            weights = F.softmax(scores, dim=-1)
            if dropout_p > 0.0:
                weights = F.dropout(weights, p=dropout_p)
            out = weights.matmul(v)
            weights = weights.reshape(bsz, H, tgt_len, src_len)
            if average_attn_weights:
                weights = weights.mean(dim=1)
        else:
            if attn_mask is not None:  # (1 or N*H, L, S) -> broadcastable to (N, H, L, S)
                attn_mask = (attn_mask.unsqueeze(0) if attn_mask.size(0) == 1
                             else attn_mask.reshape(bsz, H, -1, src_len))
            out = F.scaled_dot_product_attention(
                q.reshape(bsz, H, tgt_len, hd), k.reshape(bsz, H, src_len, hd),
                v.reshape(bsz, H, src_len, hd), attn_mask, dropout_p)
            out = out.reshape(bsz * H, tgt_len, hd)
            weights = None
        # join the heads: (N*H, L, hd) -> (L, N, E), then the output projection
        out = out.transpose(0, 1).reshape(tgt_len * bsz, E)
        out = self.out_proj(out).reshape(tgt_len, bsz, E)
        return out, weights


def _canonical_mask(mask, name, other, other_name, dtype):
    """torch's `F._canonical_mask`: a bool mask becomes a float one (0 where allowed, -inf
    where True); a float mask is kept; any other dtype is refused."""
    if mask is None:
        return None
    if mask.dtype != dtypes.bool and not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if other is not None and other.dtype != mask.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use "
                      "same type for both instead.")
    if mask.dtype == dtypes.bool:
        base = zeros(tuple(mask.shape), dtype=dtype, device=mask.device)
        return base.masked_fill(mask, float("-inf"))
    return mask


def _attn_mask_3d(attn_mask, tgt_len, src_len, batch_heads):
    """attn_mask (L, S) or (N*H, L, S) -> 3-D, with torch's shape errors."""
    if attn_mask is None:
        return None
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but "
                               f"should be {(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (batch_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but "
                               f"should be {(batch_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _check_shapes(query, key, value, key_padding_mask, E, embed_dim):
    if E != embed_dim:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim}, but got {E}")
    if tuple(key.shape[:2]) != tuple(value.shape[:2]):
        raise AssertionError(f"key shape {key.shape} does not match value shape "
                             f"{value.shape}")
    if key_padding_mask is not None and tuple(key_padding_mask.shape) != (key.size(1),
                                                                          key.size(0)):
        raise AssertionError(f"expecting key_padding_mask shape of "
                             f"{(key.size(1), key.size(0))}, but got "
                             f"{key_padding_mask.shape}")
