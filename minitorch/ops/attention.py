"""Scaled dot-product attention: one fused forward/backward pair, and its textbook reference.

Notation: L query length, S key length, E query/key features, Ev value features; the
leading dims (batch, heads) broadcast as in matmul.

    scores  s = scale * q k^T + bias          (..., L, S)   bias: masks as 0 / -inf, or floats
    weights p = softmax(s, dim=-1)            (..., L, S)
    dropped d = p * keep                      keep: 0 or 1/(1-dropout_p), or None for no dropout
    output  o = d v                           (..., L, Ev)

`ScaledDotProductAttention` runs this as one op and saves the softmax `p` once; the
`attention_reference` below composes the same thing from matmul, softmax and mul, and
the tests hold the two against each other and against torch.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op


def _safe_softmax(xp, s):
    """softmax over the last dim, max-shifted; a row whose scores are all -inf (fully
    masked) gets weights 0 instead of 0/0 = nan -- torch's `_safe_softmax` rule, which makes
    that row's output (and every gradient through it) 0."""
    m = s.max(axis=-1, keepdims=True)
    e = xp.exp(s - xp.where(xp.isfinite(m), m, 0))
    denom = e.sum(axis=-1, keepdims=True)
    return e / xp.where(denom == 0, 1, denom)


class ScaledDotProductAttention(Op):
    """o = (softmax(scale * q k^T + bias) * keep) v, with p = the softmax.

    Backward, with g = dL/do (the chain rule through each line of the forward):
        d_d    = g v^T                          dL/dv = d^T g
        d_p    = d_d * keep
        d_s    = p * (d_p - sum(d_p * p, -1))   (softmax's Jacobian-vector product)
        dL/dq  = scale * d_s k,   dL/dk = scale * d_s^T q,   dL/dbias = d_s
    The engine sums each gradient over the batch dims its input was broadcast along.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias, keep, scale):
        xp = backend.array_module(q)
        s = xp.matmul(q, xp.swapaxes(k, -1, -2)) * scale
        if bias is not None:
            s = s + bias
        p = _safe_softmax(xp, s)
        d = p if keep is None else p * keep
        ctx.save_for_backward(q, k, v, p, keep)
        ctx.scale = scale
        return xp.matmul(d, v)

    @staticmethod
    def backward(ctx, grad):
        q, k, v, p, keep = ctx.saved_tensors
        xp = backend.array_module(grad)
        need_q, need_k, need_v, need_bias = ctx.needs_input_grad[:4]
        grad_v = None
        if need_v:
            d = p if keep is None else p * keep
            grad_v = xp.matmul(xp.swapaxes(d, -1, -2), grad)
        if not (need_q or need_k or need_bias):
            return None, None, grad_v, None, None, None
        grad_p = xp.matmul(grad, xp.swapaxes(v, -1, -2))
        if keep is not None:
            grad_p = grad_p * keep
        grad_s = p * (grad_p - (grad_p * p).sum(axis=-1, keepdims=True))
        grad_q = xp.matmul(grad_s, k) * ctx.scale if need_q else None
        grad_k = xp.matmul(xp.swapaxes(grad_s, -1, -2), q) * ctx.scale if need_k else None
        return grad_q, grad_k, grad_v, grad_s if need_bias else None, None, None

    @staticmethod
    def backward_graph(ctx, grad, q, k, v, bias, keep, scale):
        # the same formulas on Tensors, recorded, so create_graph=True can differentiate them
        p = _safe_softmax_tensor(_scores(q, k, bias, scale))
        d = p if keep is None else p * keep
        grad_p = grad.matmul(v.mT)
        if keep is not None:
            grad_p = grad_p * keep
        grad_s = p * (grad_p - (grad_p * p).sum(-1, keepdim=True))
        need_q, need_k, need_v, need_bias = ctx.needs_input_grad[:4]
        return (grad_s.matmul(k) * scale if need_q else None,
                grad_s.mT.matmul(q) * scale if need_k else None,
                d.mT.matmul(grad) if need_v else None,
                grad_s if need_bias else None, None, None)


def _scores(q, k, bias, scale):
    s = q.matmul(k.mT) * scale
    return s if bias is None else s + bias


def _safe_softmax_tensor(s):
    """`_safe_softmax` from differentiable ops: fully masked rows -> weights 0."""
    dead = (s == float("-inf")).all(-1, keepdim=True)
    return s.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def attention_reference(q, k, v, bias=None, keep=None, scale=1.0):
    """The textbook version: matmul, softmax, (dropout), matmul -- each its own op, each
    saving its own inputs; autograd derives the backward. Same arguments as the fused op
    (Tensors), kept as the fused op's reference."""
    p = _safe_softmax_tensor(_scores(q, k, bias, scale))
    if keep is not None:
        p = p * keep
    return p.matmul(v)


def scaled_dot_product_attention(q, k, v, bias=None, keep=None, scale=1.0):
    """The fused op on Tensors (arguments already checked by nn.functional)."""
    return ScaledDotProductAttention.apply(q, k, v, bias, keep, scale)
