"""Distances between pairs of vectors: cosine_similarity and pairwise_distance.

Both are composed from differentiable ops, in the order torch composes them, so values
and gradients agree with torch's to rounding.
"""
from __future__ import annotations

from ... import dtypes, ops
from ...autograd import grad_mode
from ...ops.promotion import promote
from ...ops.shape import normalize_dim
from ._validate import require_tensor

__all__ = ["cosine_similarity", "pairwise_distance"]


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """cos(x1, x2) = sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along `dim`.

    Each input is divided by its own norm first (torch 2.x), which keeps the result in
    [-1, 1]. NOTE: the norms are clamped at eps without recording the clamp (torch does it
    in no_grad), so the gradient flows through a clamped norm as if it were unclamped.

    Args:
        x1, x2 (Tensor): broadcastable to one shape.
        dim (int): the vector dimension. Default: 1.
        eps (float): the smallest norm divided by. Default: 1e-8.

    Shape:
        (*1, D, *2) -> (*1, *2).

    >>> cosine_similarity(minitorch.randn(4, 3), minitorch.randn(4, 3))  # shape (4,)
    """
    require_tensor("cosine_similarity", x1, "x1", 1)
    require_tensor("cosine_similarity", x2, "x2", 2)
    (x1, x2), dtype = promote(x1, x2)
    if not dtype.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{dtypes.scalar_type_name(dtype)}")
    shape = (x1 + x2).shape if x1.shape != x2.shape else x1.shape
    x1, x2 = x1.expand(shape), x2.expand(shape)
    dim = normalize_dim(dim, len(shape))
    x1_norm = ops.norm(x1, 2, dim, keepdim=True).clone()
    x2_norm = ops.norm(x2, 2, dim, keepdim=True).clone()
    with grad_mode.no_grad():
        x1_norm.clamp_(min=eps)
        x2_norm.clamp_(min=eps)
    return ops.sum((x1 / x1_norm) * (x2 / x2_norm), dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dimension (eps keeps the norm differentiable when
    x1 == x2). p=0 counts the nonzero differences.

    Shape:
        (N, D) or (D,) each (broadcast) -> (N,) or ().
    """
    require_tensor("pairwise_distance", x1, "x1", 1)
    require_tensor("pairwise_distance", x2, "x2", 2)
    last = max(x1.dim(), x2.dim()) - 1
    return ops.norm(x1 - x2 + eps, p, last if last >= 0 else None, keepdim)
