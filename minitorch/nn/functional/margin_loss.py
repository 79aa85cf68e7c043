"""Margin and embedding losses (torch.nn.functional): margin_ranking_loss,
hinge_embedding_loss, soft_margin_loss, cosine_embedding_loss, triplet_margin_loss,
multilabel_soft_margin_loss and multi_margin_loss.

Each is composed from differentiable ops in the order torch composes it, so the values
and the gradients (of the targets too, where torch differentiates them) agree with
torch's to rounding. A hinge max(0, z) is written clamp(z, min=0) where torch uses
clamp_min (the gradient passes at z = 0) and relu where torch's kernel tests z > 0.
"""
from __future__ import annotations

from ... import dtypes, ops
from ...autograd import grad_mode
from ...autograd.function import same_device
from ...creation import arange
from ._validate import require_tensor
from .activation import logsigmoid
from .distance import pairwise_distance
from .loss import _apply_reduction, _check_reduction, _legacy_reduction

__all__ = [
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
]


def _reduction(size_average, reduce, reduction):
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return reduction


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): input1 should rank above input2
    where target = 1, below where target = -1."""
    for i, (name, t) in enumerate((("input1", input1), ("input2", input2),
                                   ("target", target))):
        require_tensor("margin_ranking_loss", t, name, i + 1)
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got "
            f"sizes: input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    loss = ops.clamp(-target * (input1 - input2) + float(margin), min=0)
    return _apply_reduction(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target = 1, max(0, margin - input) where target = -1 (input is
    usually a distance)."""
    require_tensor("hinge_embedding_loss", input)
    require_tensor("hinge_embedding_loss", target, "target", 2)
    reduction = _reduction(size_average, reduce, reduction)
    margin_clamp = ops.clamp(float(margin) - input, min=0)
    loss = ops.where(target != 1, margin_clamp, 0.0) + ops.where(target != -1, input, 0.0)
    if not input.dtype.is_floating_point:  # torch keeps an integer input's dtype
        loss = loss.to(input.dtype)
    return _apply_reduction(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), the logistic loss of labels +-1.
    torch differentiates it with respect to input only."""
    require_tensor("soft_margin_loss", input)
    require_tensor("soft_margin_loss", target, "target", 2)
    reduction = _reduction(size_average, reduce, reduction)
    if target.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with "
                           "respect to argument 'target'. This input cannot have "
                           "requires_grad True.")
    if not input.dtype.is_floating_point:  # torch writes the result in input's dtype
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{dtypes.scalar_type_name(input.dtype)}")
    target = target.to(input.dtype)
    loss = ops.log1p(ops.exp(-input * target))
    return _apply_reduction(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target = 1, max(0, cos(x1, x2) - margin) where target = -1
    (0 for any other target). cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)).

    Shape:
        input1, input2 (N, D) with target (N,), or (D,) with a 0-dim target.
    """
    for i, (name, t) in enumerate((("input1", input1), ("input2", input2),
                                   ("target", target))):
        require_tensor("cosine_embedding_loss", t, name, i + 1)
    reduction = _reduction(size_average, reduce, reduction)
    target_dim = target.dim()
    if target_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != target_dim + 1 or input2.dim() != target_dim + 1:
        raise RuntimeError(
            f"{target_dim}D target tensor expects {target_dim + 1}D input tensors, but found "
            f"inputs with sizes {list(input1.shape)} and {list(input2.shape)}.")
    epsilon = 1e-12  # torch's EPSILON: keeps zero vectors from dividing by zero
    prod_sum = ops.sum(input1 * input2, target_dim)
    mag_square1 = ops.sum(input1 * input1, target_dim) + epsilon
    mag_square2 = ops.sum(input2 * input2, target_dim) + epsilon
    cos = prod_sum / ops.sqrt(mag_square1 * mag_square2)
    positive = ops.where(target == 1, 1 - cos, 0.0)
    negative = ops.where(target == -1, ops.clamp(cos - float(margin), min=0), 0.0)
    return _apply_reduction(positive + negative, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d the pairwise_distance (p-norm, eps);
    swap=True uses min(d(a, n), d(p, n)) as the negative distance.

    Shape:
        (N, D) or (D,) each.
    """
    for i, (name, t) in enumerate((("anchor", anchor), ("positive", positive),
                                   ("negative", negative))):
        require_tensor("triplet_margin_loss", t, name, i + 1)
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.dim() == positive.dim() == negative.dim():
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
            f"negative {negative.dim()}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = ops.minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    loss = ops.clamp(margin + dist_pos - dist_neg, min=0)
    return _apply_reduction(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-(t log sigmoid(x) + (1 - t) log sigmoid(-x)) per class (times weight), averaged
    over the classes (the last dim): one loss per sample.

    Shape:
        input (N, C) or (C,); target the same shape with 0/1 entries.
    """
    require_tensor("multilabel_soft_margin_loss", input)
    require_tensor("multilabel_soft_margin_loss", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    dtypes.require_kernel("log_sigmoid_cpu", input, lambda d: d.is_floating_point)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = ops.sum(loss, class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return _apply_reduction(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: for each sample with target class y,
    sum over j != y of weight[y] * max(0, margin - x[y] + x[j])^p, divided by C.
    p is 1 or 2. The gradient is 0 where margin - x[y] + x[j] = 0 (torch's kernel tests
    > 0), hence relu.

    Shape:
        input (N, C) or (C,); target (N,) or () of int64 class indices.
    """
    require_tensor("multi_margin_loss", input)
    require_tensor("multi_margin_loss", target, "target", 2)
    same_device(input, target, weight)  # x[rows, target] would say "indices should be ..."
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x = _check_multi_margin(input, target, weight)
    rows = arange(x.shape[0], device=x.device)
    t = target.reshape(-1)
    # z[i, j] = margin - x[i, y_i] + x[i, j], zeroed at j = y_i (the target's own column)
    z = float(margin) - x[rows, t].unsqueeze(1) + x
    hinge = ops.relu(z) if p == 1 else ops.relu(z) * ops.relu(z)
    if weight is not None:
        hinge = hinge * weight[t].unsqueeze(1)
    not_target = arange(x.shape[1], device=x.device).unsqueeze(0) != t.unsqueeze(1)
    loss = ops.sum(ops.where(not_target, hinge, 0.0), 1) / x.shape[1]
    if reduction == "none":
        return loss.reshape(target.shape) if input.dim() < 2 else loss
    return _apply_reduction(loss, reduction)


def _check_multi_margin(input, target, weight):
    """torch's shape and dtype checks; returns the input as (N, C)."""
    ndim = input.dim()
    if not ((ndim == 2 and input.shape[1] != 0) or (ndim == 1 and input.shape[0] != 0)
            or ndim == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    frames = input.shape[0] if ndim == 2 else 1
    classes = input.shape[-1] if ndim else 1
    if target.dim() > 1 or target.numel() != frames:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{frames}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got "
                           f"{list(weight.shape)}")
    dtypes.require_kernel("multi_margin_loss_cpu_kernel", input,
                          lambda d: d.is_floating_point)
    for t, want in ((target, dtypes.int64), (weight, input.dtype)):
        if t is not None and t.dtype != want:
            raise RuntimeError(f"expected scalar type {dtypes.scalar_type_name(want)} but "
                               f"found {dtypes.scalar_type_name(t.dtype)}")
    t = target._data
    if t.size and bool(((t < 0) | (t >= classes)).any()):
        raise RuntimeError("target out of range")
    return input.reshape(frames, classes)
