"""Loss functions (torch.nn.functional): validation and reduction around the ops.

`reduction` is "none" (per-element losses), "mean" or "sum"; the deprecated
size_average/reduce arguments are still understood, with torch's warning.
"""
from __future__ import annotations

import math
import warnings

from ... import backend, dtypes, ops
from ...autograd.function import same_device
from ...ops import loss as loss_ops
from ...ops import nn_ops
from ._validate import require_tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
]


def _legacy_reduction(size_average, reduce, reduction):
    """Map the deprecated size_average/reduce pair to a reduction string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else ("sum" if reduce else "none")
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _apply_reduction(loss, reduction):
    if reduction == "mean":
        return ops.mean(loss)
    if reduction == "sum":
        return ops.sum(loss)
    return loss


def _warn_size(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _require_floating(kernel, *tensors):
    """torch has no integer kernel for these losses: NotImplementedError, not a float64
    result computed behind the user's back."""
    if not any(t.dtype.is_floating_point for t in tensors):
        dtype = tensors[0].dtype
        name = dtypes.scalar_type_name(dtype)
        raise NotImplementedError(
            f'"{kernel}" not implemented for \'{name}\' (got input.dtype={dtype}; '
            "convert the input with .float())")


def _same_dtype(input, target):
    return target if target.dtype == input.dtype else target.to(input.dtype)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean((input - target)^2) (or sum / none)."""
    require_tensor("mse_loss", input)
    require_tensor("mse_loss", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _require_floating("mse_cpu", input, target)
    _warn_size(input, target)
    diff = input - target
    loss = diff * diff
    if weight is not None:
        loss = loss * weight
    return _apply_reduction(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean(|input - target|); the gradient at a tie is 0 (torch)."""
    require_tensor("l1_loss", input)
    require_tensor("l1_loss", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _warn_size(input, target)
    loss = ops.abs(input - target)
    if weight is not None:
        loss = loss * weight
    return _apply_reduction(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
                   beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target)."""
    require_tensor("smooth_l1_loss", input)
    require_tensor("smooth_l1_loss", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _warn_size(input, target)
    ops.promotion.check_broadcast((input, target))  # torch's words, not NumPy's ValueError
    loss = loss_ops.SmoothL1.apply(input, _same_dtype(input, target), float(beta), 1)
    return _apply_reduction(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target)."""
    require_tensor("huber_loss", input)
    require_tensor("huber_loss", target, "target", 2)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    loss = loss_ops.SmoothL1.apply(input, _same_dtype(input, target), float(delta),
                                   float(delta))
    if weight is not None:
        loss = loss * weight
    return _apply_reduction(loss, reduction)


def _check_class_target(input, target, weight):
    """Shapes and dtypes for class-index targets; returns (input, target) with a batch dim."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError("0D target tensor expected, multi-target not supported")
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    elif input.shape[0] != (target.shape[0] if target.dim() else -1):
        got = target.shape[0] if target.dim() else 1
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({got}).")
    if input.dim() == 2 and target.dim() != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() > 2:
        expected = [input.shape[0]] + list(input.shape[2:])
        if list(target.shape) != expected:
            raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{dtypes.scalar_type_name(target.dtype)}")
    classes = input.shape[1]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes "
                           f"or no classes but got weight tensor of shape: "
                           f"{list(weight.shape)}")
    return input, target


def _check_target_range(target, classes, ignore_index):
    t = target._data
    bad = ((t < 0) | (t >= classes)) & (t != ignore_index)
    backend.check_values(bad, IndexError,
                         f"Target out of bounds: a class index is < 0 or >= {classes}",
                         lambda: f"Target {int(t[bad][0])} is out of bounds.")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of class-index targets on log-probabilities.

    loss_i = -weight[t_i] * input[i, t_i]; "mean" divides by the sum of the targets'
    weights; targets equal to ignore_index count for nothing.

    Shape:
        input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...).
    """
    require_tensor("nll_loss", input)
    require_tensor("nll_loss", target, "target", 2)
    same_device(input, target, weight)  # the target is read as an array, outside an Op
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _require_floating("nll_loss_out_frame", input)
    squeeze = input.dim() == 1
    x, t = _check_class_target(input, target, weight)
    _check_target_range(t, x.shape[1], ignore_index)
    w = weight._data.astype(x._data.dtype) if weight is not None else None
    out = loss_ops.NLLLoss.apply(x, t._data, w, ignore_index, reduction)
    return out.squeeze(0) if squeeze and reduction == "none" else out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits and class indices or class probabilities.

    Class indices: loss_i = -weight[t_i] log softmax(input_i)[t_i] ("mean" divides by the
    sum of the target weights; ignore_index rows are skipped). Probabilities (target has
    input's shape and a float dtype): loss_i = -sum_c weight[c] target_ic log softmax_ic,
    "mean" divides by the number of rows. label_smoothing mixes the target with the
    uniform distribution over classes.

    Shape:
        input (C,), (N, C) or (N, C, d1, ...); target (), (N,) or (N, d1, ...) of int64,
        or the shape of input of floats.

    >>> cross_entropy(minitorch.randn(3, 5), minitorch.tensor([1, 0, 4]))
    """
    require_tensor("cross_entropy_loss", input)
    require_tensor("cross_entropy_loss", target, "target", 2)
    same_device(input, target, weight)  # the target is read as an array, outside an Op
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    _require_floating("log_softmax_lastdim_kernel_impl", input)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    squeeze = input.dim() == 1
    x, t = _check_class_target(input, target, weight)
    _check_target_range(t, x.shape[1], ignore_index)
    w = weight._data.astype(x._data.dtype) if weight is not None else None
    out = loss_ops.cross_entropy(x, t._data, w, ignore_index, reduction,
                                 float(label_smoothing))
    return out.squeeze(0) if squeeze and reduction == "none" else out


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    if input.shape != target.shape:
        raise RuntimeError(f"Expected target size {list(input.shape)}, got "
                           f"{list(target.shape)}")
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    logp = ops.log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = logp * target
    if weight is not None:
        terms = terms * weight.reshape((classes,) + (1,) * (input.dim() - class_dim - 1))
    loss = -ops.sum(terms, class_dim)
    if reduction == "mean":
        return ops.sum(loss) / (input.numel() // classes)  # rows, not the weights
    return _apply_reduction(loss, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) with each log clamped at -100 (torch), x in [0, 1]."""
    require_tensor("binary_cross_entropy", input)
    require_tensor("binary_cross_entropy", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         "the same size.")
    _require_floating("binary_cross_entropy", input)
    if target.dtype != input.dtype:  # torch's kernel takes one dtype and never casts
        raise RuntimeError(f"Found dtype {dtypes.scalar_type_name(target.dtype)} but expected "
                           f"{dtypes.scalar_type_name(input.dtype)}")
    data = input._data
    backend.check_values((data < 0) | (data > 1), RuntimeError,
                         "all elements of input should be between 0 and 1")
    loss = loss_ops.BinaryCrossEntropy.apply(input, _same_dtype(input, target))
    if weight is not None:
        loss = loss * weight.expand(loss.shape)
    return _apply_reduction(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """BCE on logits x, fused with the sigmoid for stability:
    loss = (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x)."""
    require_tensor("binary_cross_entropy_with_logits", input)
    require_tensor("binary_cross_entropy_with_logits", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if input.dtype.is_floating_point and not target.dtype.is_floating_point \
            and target.dtype is not dtypes.bool:
        # torch computes in place on a tensor of the target's dtype
        raise RuntimeError(f"result type {dtypes.scalar_type_name(input.dtype)} can't be cast "
                           f"to the desired output type {dtypes.scalar_type_name(target.dtype)}")
    softplus_neg = nn_ops.Softplus.apply(-input, 1.0, math.inf)  # = -log sigmoid(x)
    if pos_weight is not None:
        log_weight = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + log_weight * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _apply_reduction(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) pointwise: target (log target - input), input given as
    log-probabilities. reduction "batchmean" divides the sum by the batch size (the true
    KL divergence); "mean" averages over all elements (with torch's warning)."""
    require_tensor("kl_div", input)
    require_tensor("kl_div", target, "target", 2)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    loss = loss_ops.KLDiv.apply(input, _same_dtype(input, target), bool(log_target))
    if reduction == "batchmean":
        total = ops.sum(loss)
        return total / input.shape[0] if input.dim() != 0 else total
    return _apply_reduction(loss, reduction)
