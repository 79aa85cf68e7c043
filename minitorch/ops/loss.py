"""Loss ops whose fused forms are faster or more stable than composing them.

Cross-entropy with class-index targets is, by definition, the composition
`nll_loss(log_softmax(x), target)` (`cross_entropy_reference`, which autograd
differentiates). The fused op `CrossEntropy` does both in one node: its gradient is
simply softmax(x) - onehot(target) (scaled by the class weights), computed without
building a one-hot matrix, and on a GPU in one kernel (`_fast/cross_entropy_cuda.py`).
`minitorch.backends.reference` picks one (`cross_entropy` below).

Notation: M rows (the batch and any extra dims flattened), C classes, t the target index,
w_t the weight of row's target class (0 for rows whose target is ignore_index).
"""
from __future__ import annotations

from .. import backend
from .. import tensor as tensor_module
from ..autograd.function import Op
from ..backends import reference
from ._fast.cross_entropy_cuda import cross_entropy_grad_cuda
from .softmax import log_softmax_array


def _rows_first(x, target):
    """(N, C, d1, ...) -> (M, C) and (N, d1, ...) -> (M,): the class axis goes last."""
    xp = backend.array_module(x)
    return xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1]), target.reshape(-1)


def _rows_back(grad2d, shape):
    """Inverse of _rows_first for the input gradient."""
    xp = backend.array_module(grad2d)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return xp.moveaxis(grad2d.reshape(moved), -1, 1)


def _target_weights(xp, target, weight, ignore_index, dtype, classes):
    """(valid mask, safe target indices, per-row weight w_t).

    `safe` is always a real class index: ignored targets read class 0 (weighted by 0),
    and so do out-of-range ones, which nn.functional has already reported on the CPU
    and will report at the next sync on a GPU (reading past the row there is undefined)."""
    valid = target != ignore_index
    safe = xp.where(valid & (target >= 0) & (target < classes), target, 0)
    w_t = weight[safe] * valid if weight is not None else valid.astype(dtype)
    return valid, safe, w_t


def _reduce(xp, loss, reduction, denom):
    if reduction == "none":
        return loss
    total = loss.sum()
    with backend.ignore_float_errors(xp):  # every target ignored: 0 / 0 = nan, like torch
        return xp.asarray(total / denom if reduction == "mean" else total, dtype=loss.dtype)


def _row_grads(xp, grad, reduction, denom, rows):
    """The upstream gradient of every row's loss."""
    if reduction == "none":
        return grad
    g = grad / denom if reduction == "mean" else grad
    return xp.broadcast_to(g, (rows,))


def _constants(like):
    """Wrap arrays as constant Tensors (no graph) on `like`'s device, for the formulas."""
    return lambda a: tensor_module.Tensor._wrap(backend.array_module(like).asarray(a))


def _rows_first_graph(x):
    """_rows_first on a Tensor: (N, C, d1, ...) -> (M, C)."""
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def _rows_back_graph(grad2d, shape):
    """_rows_back on a Tensor."""
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return grad2d.reshape(moved).movedim(-1, 1)


def _row_grads_graph(grad, reduction, denom):
    """_row_grads on a Tensor: 'none' gives one per row; the others broadcast later."""
    if reduction == "none":
        return grad.reshape(-1)
    return grad / denom if reduction == "mean" else grad


def cross_entropy_reference(logits, target, weight, ignore_index, reduction,
                            label_smoothing):
    """loss_i = -w_t log_softmax(x_i)[t] (NLL: a gather of the target's log-probability),
    mixed with label smoothing's uniform term ls / C * sum_c -w_c log_softmax(x_i)_c.

    Args: logits (N, C, d1, ...) Tensor; target (N, d1, ...) xp int array; weight (C,)
    xp array or None. 'mean' divides by sum w_t, as torch.
    """
    logp = logits.log_softmax(1)
    if label_smoothing == 0:
        return NLLLoss.apply(logp, target, weight, ignore_index, reduction)
    xp = backend.array_module(target)
    const = _constants(target)
    classes = logits.shape[1]
    valid, _safe, w_t = _target_weights(xp, target, weight, ignore_index, logp._data.dtype,
                                        classes)
    per_class = logp if weight is None else logp * const(weight).reshape(
        (classes,) + (1,) * (logp.dim() - 2))
    smooth = -per_class.sum(1) * const(valid.astype(logp._data.dtype))
    nll = NLLLoss.apply(logp, target, weight, ignore_index, "none")
    loss = (1 - label_smoothing) * nll + (label_smoothing / classes) * smooth
    if reduction == "none":
        return loss
    return loss.sum() / const(w_t.sum()) if reduction == "mean" else loss.sum()


def cross_entropy(logits, target, weight, ignore_index, reduction, label_smoothing):
    """The fused op, or the composition it replaces (`minitorch.backends.reference`)."""
    if reference.enabled:
        return cross_entropy_reference(logits, target, weight, ignore_index, reduction,
                                       label_smoothing)
    return CrossEntropy.apply(logits, target, weight, ignore_index, reduction,
                              label_smoothing)


class CrossEntropy(Op):
    """loss_i = -w_t log softmax(x_i)_t, optionally mixed with label smoothing:
    (1 - ls) loss_i + ls / C * sum_c -w_c log softmax(x_i)_c. 'mean' divides by sum w_t.

    d/dx_i = g_i [(1 - ls) w_t (p_i - onehot_t) + ls / C * valid_i (p_i sum_c w_c - w)],
    with p_i = softmax(x_i)."""

    @staticmethod
    def forward(ctx, logits, target, weight, ignore_index, reduction, label_smoothing):
        xp = backend.array_module(logits)
        x, t = _rows_first(logits, target)
        m, c = x.shape
        logp = log_softmax_array(x, 1)
        valid, safe, w_t = _target_weights(xp, t, weight, ignore_index, x.dtype, c)
        rows = xp.arange(m)
        loss = -logp[rows, safe] * w_t
        if label_smoothing > 0:
            smooth = -(logp * weight).sum(axis=1) if weight is not None else -logp.sum(axis=1)
            loss = (1 - label_smoothing) * loss + (label_smoothing / c) * (smooth * valid)
        denom = w_t.sum()
        ctx.save_for_backward(logp, safe, w_t, valid, weight)
        ctx.args = (reduction, label_smoothing, denom, logits.shape)
        out = _reduce(xp, loss, reduction, denom)
        return out.reshape(target.shape) if reduction == "none" else out

    @staticmethod
    def backward(ctx, grad):
        logp, safe, w_t, valid, weight = ctx.saved_tensors
        reduction, ls, denom, shape = ctx.args
        xp = backend.array_module(logp)
        m, c = logp.shape
        g = _row_grads(xp, grad.reshape(-1) if reduction == "none" else grad, reduction,
                       denom, m)
        coef = g * w_t
        if ls == 0 and not backend.on_cpu(logp):  # one fused kernel on the GPU (~6 here)
            return _rows_back(cross_entropy_grad_cuda(logp, coef, safe), shape), None, None
        p = xp.exp(logp)
        grad_x = p * coef[:, None]
        grad_x[xp.arange(m), safe] -= coef
        if ls > 0:
            total_w = weight.sum() if weight is not None else c
            w_vec = weight if weight is not None else 1
            grad_x = (1 - ls) * grad_x + (g * valid * (ls / c))[:, None] * (p * total_w - w_vec)
        return _rows_back(grad_x, shape), None, None

    @staticmethod
    def backward_graph(ctx, grad, logits, *args):
        """The same formula on Tensors; p = softmax(x) is recomputed from the logits so
        the gradient depends on them in the graph (target and weights are constants)."""
        logp, safe, w_t, valid, weight = ctx.saved_tensors
        reduction, ls, denom, shape = ctx.args
        const = _constants(logp)
        m, c = logp.shape
        g = _row_grads_graph(grad, reduction, const(denom))
        p = _rows_first_graph(logits).softmax(1)
        onehot = backend.array_module(logp).zeros((m, c), dtype=logp.dtype)
        onehot[backend.array_module(logp).arange(m), safe] = 1
        grad_x = (g * const(w_t)).unsqueeze(-1) * (p - const(onehot))
        if ls > 0:
            total_w = const(weight.sum()) if weight is not None else c
            w_vec = const(weight) if weight is not None else 1
            smooth = (g * const(valid.astype(logp.dtype)) * (ls / c)).unsqueeze(-1)
            grad_x = (1 - ls) * grad_x + smooth * (p * total_w - w_vec)
        return _rows_back_graph(grad_x, shape), None, None


class NLLLoss(Op):
    """loss_i = -w_t x_{i,t} on log-probabilities x; 'mean' divides by sum w_t.
    d/dx_{i,t} = -g_i w_t, 0 elsewhere."""

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        xp = backend.array_module(input)
        x, t = _rows_first(input, target)
        _valid, safe, w_t = _target_weights(xp, t, weight, ignore_index, x.dtype, x.shape[1])
        loss = -x[xp.arange(x.shape[0]), safe] * w_t
        denom = w_t.sum()
        ctx.save_for_backward(safe, w_t)
        ctx.args = (reduction, denom, input.shape, x.shape)
        out = _reduce(xp, loss, reduction, denom)
        return out.reshape(target.shape) if reduction == "none" else out

    @staticmethod
    def backward(ctx, grad):
        safe, w_t = ctx.saved_tensors
        reduction, denom, shape, shape2d = ctx.args
        xp = backend.array_module(grad)
        m = shape2d[0]
        g = _row_grads(xp, grad.reshape(-1) if reduction == "none" else grad, reduction,
                       denom, m)
        grad_x = xp.zeros(shape2d, dtype=grad.dtype)
        grad_x[xp.arange(m), safe] = -(g * w_t)
        return _rows_back(grad_x, shape), None, None

    @staticmethod
    def backward_graph(ctx, grad, input, *args):
        safe, w_t = ctx.saved_tensors
        reduction, denom, shape, shape2d = ctx.args
        xp = backend.array_module(w_t)
        const = _constants(w_t)
        onehot = xp.zeros(shape2d, dtype=input._data.dtype)
        onehot[xp.arange(shape2d[0]), safe] = 1
        g = _row_grads_graph(grad, reduction, const(denom))
        grad_x = -(g * const(w_t)).unsqueeze(-1) * const(onehot)
        return _rows_back_graph(grad_x, shape), None, None


class BinaryCrossEntropy(Op):
    """loss = -(t log x + (1 - t) log(1 - x)), each log clamped at -100 like torch.
    d/dx = (x - t) / max(x (1 - x), 1e-12);  d/dt = log(1 - x) - log x."""

    @staticmethod
    def forward(ctx, x, t):
        xp = backend.array_module(x)
        with backend.ignore_float_errors(xp):  # log(0) = -inf is expected here and clamped
            log_x = xp.maximum(xp.log(x), -100.0)
            log_1mx = xp.maximum(xp.log1p(-x), -100.0)
        ctx.save_for_backward(x, t)
        return (t - 1) * log_1mx - t * log_x

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        xp = backend.array_module(x)
        need = ctx.needs_input_grad
        grad_x = grad * (x - t) / xp.maximum((1 - x) * x, 1e-12) if need[0] else None
        with backend.ignore_float_errors(xp):
            grad_t = grad * (xp.log1p(-x) - xp.log(x)) if need[1] else None
        return grad_x, grad_t

    @staticmethod
    def backward_graph(ctx, grad, x, t):
        need = ctx.needs_input_grad
        grad_x = grad * (x - t) / ((1 - x) * x).clamp(min=1e-12) if need[0] else None
        grad_t = grad * ((-x).log1p() - x.log()) if need[1] else None
        return grad_x, grad_t


class SmoothL1(Op):
    """d = x - t;  loss = scale * (0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta).
    smooth_l1_loss is scale = 1; huber_loss(delta) is beta = scale = delta.
    d/dx = scale * clamp(d / beta, -1, 1) (sign(d) when beta = 0);  d/dt = -d/dx."""

    @staticmethod
    def forward(ctx, x, t, beta, scale):
        xp = backend.array_module(x)
        d = x - t
        ad = xp.abs(d)
        if beta == 0:
            loss = ad
        else:
            loss = xp.where(ad < beta, (0.5 / beta) * d * d, ad - 0.5 * beta)
        ctx.save_for_backward(d)
        ctx.beta, ctx.scale = beta, scale
        return loss * scale if scale != 1 else loss

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved_tensors
        xp = backend.array_module(d)
        if ctx.beta == 0:
            slope = xp.sign(d)
        else:
            slope = xp.clip(d * (1.0 / ctx.beta), -1.0, 1.0)
        g = grad * slope * ctx.scale if ctx.scale != 1 else grad * slope
        return g, -g

    @staticmethod
    def backward_graph(ctx, grad, x, t, beta, scale):
        d = x - t
        slope = d.sign() if ctx.beta == 0 else (d * (1.0 / ctx.beta)).clamp(-1.0, 1.0)
        g = grad * slope * ctx.scale if ctx.scale != 1 else grad * slope
        return g, -g


class KLDiv(Op):
    """Pointwise KL term. log_target=False: t (log t - x) (0 where t = 0);
    log_target=True: e^t (t - x).  d/dx = -t (resp. -e^t)."""

    @staticmethod
    def forward(ctx, x, t, log_target):
        xp = backend.array_module(x)
        ctx.save_for_backward(x, t)
        ctx.log_target = log_target
        if log_target:
            return xp.exp(t) * (t - x)
        positive = t > 0
        t_log_t = xp.where(positive, t * xp.log(xp.where(positive, t, 1)), 0)
        return t_log_t - t * x

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        xp = backend.array_module(x)
        need = ctx.needs_input_grad
        if ctx.log_target:
            e = xp.exp(t)
            return (-grad * e if need[0] else None,
                    grad * e * (t - x + 1) if need[1] else None)
        grad_t = None
        if need[1]:
            positive = t > 0
            grad_t = grad * (xp.where(positive, xp.log(xp.where(positive, t, 1)) + 1, 0) - x)
        return (-grad * t if need[0] else None), grad_t

    @staticmethod
    def backward_graph(ctx, grad, x, t, log_target):
        need = ctx.needs_input_grad
        if ctx.log_target:
            e = t.exp()
            return (-grad * e if need[0] else None,
                    grad * e * (t - x + 1) if need[1] else None)
        grad_t = None
        if need[1]:
            positive = t > 0  # log only where t > 0: a log(0) would make NaN gradients
            log_t = t.where(positive, 1.0).log()
            grad_t = grad * ((log_t + 1).where(positive, 0.0) - x)
        return (-grad * t if need[0] else None), grad_t
