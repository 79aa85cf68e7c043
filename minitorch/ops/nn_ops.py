"""Neural-network ops that are faster (or more exact) fused than composed:
activations, linear, embedding, dropout, batch norm, interpolation and padding.

relu, sigmoid, tanh, softmax and log_softmax live with the other elementwise and
reduction ops (ops/unary.py, ops/softmax.py). Every forward here gets xp arrays and
runs on NumPy and CuPy alike; Python-float constants keep float32 data float32.
"""
from __future__ import annotations

import math

from .. import backend
from .. import tensor as tensor_module
from ..autograd.function import Op
from .error_function import erf  # the exact GELU needs it: erf(xp, x)
from .indexing import moved_grad_graph, scatter_add_into
from .unary import _sigmoid


def _constant(array):
    """An array as a Tensor outside the graph (a mask, for a `backward_graph`)."""
    return tensor_module.Tensor._wrap(array)


# ---- activations ------------------------------------------------------------------------------
class LeakyRelu(Op):
    """out = x if x > 0 else slope * x;  d/dx = 1 if x > 0 else slope (slope at 0, torch).

    Saves x, as torch does; in place (F.leaky_relu(x, inplace=True)) x is gone and the
    sign of out stands in for the sign of x, which needs slope >= 0 (torch's rule)."""

    @staticmethod
    def forward(ctx, x, negative_slope):
        xp = backend.array_module(x)
        out = xp.where(x > 0, x, x * negative_slope)
        ctx.save_for_backward(x)
        ctx.slope = negative_slope
        return out

    def became_inplace(self, out):
        self.save_for_backward(out)
        self.in_place_with_negative_slope = self.slope < 0
        return True

    @staticmethod
    def backward(ctx, grad):
        if getattr(ctx, "in_place_with_negative_slope", False):
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope "
                "which is not supported. This is caused by calling in-place forward function "
                "with a negative slope, please call out-of-place version instead. File an "
                "issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope")
        (ref,) = ctx.saved_tensors  # x, or out in place
        return (backend.array_module(ref).where(ref > 0, grad, grad * ctx.slope),)

    @staticmethod
    def backward_graph(ctx, grad, x, negative_slope):
        if getattr(ctx, "in_place_with_negative_slope", False):
            LeakyRelu.backward(ctx, grad._data)  # raises torch's in-place error
        (ref,) = ctx.saved_tensors
        return ((grad * ctx.slope).where(_constant(ref <= 0), grad),)


class Elu(Op):
    """out = scale * x if x > 0 else scale * alpha * (e^(input_scale x) - 1), torch's elu
    kernel, which selu (scale, alpha fixed) and celu (input_scale = 1/alpha) share;
    d/dx = scale for x > 0, else scale alpha input_scale e^(input_scale x)
    = input_scale (out + scale alpha) (the x <= 0 branch at 0, as torch).
    Saves x, as torch does; in place only out is left, and the second form needs
    alpha >= 0 (torch's elu_ rule)."""

    @staticmethod
    def forward(ctx, x, alpha, scale=1.0, input_scale=1.0):
        xp = backend.array_module(x)
        negative = xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)
        out = xp.where(x > 0, x * scale if scale != 1.0 else x, negative)
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale, ctx.from_out = alpha, scale, input_scale, False
        return out.astype(x.dtype, copy=False)

    def became_inplace(self, out):
        self.save_for_backward(out)
        self.from_out = True
        return True

    @staticmethod
    def backward(ctx, grad):
        (ref,) = ctx.saved_tensors
        xp = backend.array_module(ref)
        alpha, scale, input_scale = ctx.alpha, ctx.scale, ctx.input_scale
        if not ctx.from_out:
            slope = xp.exp(xp.minimum(ref, 0) * input_scale) * (alpha * scale * input_scale)
            return (xp.where(ref > 0, grad * scale, grad * slope),)
        if alpha < 0:
            raise RuntimeError(
                "In-place elu backward calculation is triggered with a negative slope which "
                "is not supported. This is caused by calling in-place forward function with "
                "a negative slope, please call out-of-place version instead.")
        return (xp.where(ref > 0, grad * scale, grad * ((ref + alpha * scale) * input_scale)),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        alpha, scale, input_scale = ctx.alpha, ctx.scale, ctx.input_scale
        if ctx.from_out:  # in place: only the output is left (torch's is_result formula)
            Elu.backward(ctx, grad._data)  # raises torch's error for alpha < 0
            out = ctx.output_tensor(ctx.saved_tensors[0])
            # out < 0 strictly: at out = 0 torch's second derivative is 0
            slope = (out.where(out < 0, 0.0) + alpha * scale) * input_scale
            return ((grad * scale).where(out > 0, grad * slope),)
        # x where x < 0, else 0: exp of the x > 0 branch, unused, must not overflow (0 * inf =
        # NaN), and strictly below 0, as torch's elu_double_backward: at x = 0 the second
        # derivative is 0 (clamp(max=0) would pass the gradient at its bound)
        slope = (x.where(x < 0, 0.0) * input_scale).exp() * (alpha * scale * input_scale)
        return ((grad * scale).where(x > 0, grad * slope),)


class Gelu(Op):
    """out = x Phi(x) (exact, with erf) or the tanh approximation
    0.5 x (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi)."""

    @staticmethod
    def forward(ctx, x, approximate):
        xp = backend.array_module(x)
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + xp.tanh(inner))
        return 0.5 * x * (1 + erf(xp, x * (1 / math.sqrt(2))))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(x)
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = xp.tanh(k * (x + 0.044715 * x * x * x))
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
            return (grad * d,)
        cdf = 0.5 * (1 + erf(xp, x * (1 / math.sqrt(2))))
        pdf = xp.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
        return (grad * (cdf + x * pdf),)

    @staticmethod
    def backward_graph(ctx, grad, x, approximate):
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = (k * (x + 0.044715 * x * x * x)).tanh()
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
            return (grad * d,)
        cdf = 0.5 * (1 + (x * (1 / math.sqrt(2))).erf())
        pdf = (-0.5 * x * x).exp() * (1 / math.sqrt(2 * math.pi))
        return (grad * (cdf + x * pdf),)


class Softplus(Op):
    """out = log(1 + e^(beta x)) / beta, linear where beta x > threshold;
    computed as max(z, 0) + log1p(e^-|z|) so it never overflows. d/dx = sigmoid(beta x)."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = backend.array_module(x)
        z = x * beta
        soft = (xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))) / beta
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        return xp.where(z > threshold, x, soft)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(x)
        z = x * ctx.beta
        return (xp.where(z > ctx.threshold, grad, grad * _sigmoid(xp, z)),)

    @staticmethod
    def backward_graph(ctx, grad, x, beta, threshold):
        z = x * ctx.beta
        return ((grad * z.sigmoid()).where(_constant(z._data <= ctx.threshold), grad),)


class Hardtanh(Op):
    """out = clamp(x, min_val, max_val);  d/dx = 1 strictly inside, 0 at the bounds (torch;
    unlike clamp, whose gradient passes at the bounds). Saves x, as torch does (also in
    place: torch's hardtanh_ keeps the original x, so changing the result later is fine)."""

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        xp = backend.array_module(x)
        out = xp.clip(x, min_val, max_val)
        ctx.save_for_backward(x)
        ctx.bounds = (min_val, max_val)
        return out

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return (backend.array_module(x).where((x > lo) & (x < hi), grad, 0),)

    @staticmethod
    def backward_graph(ctx, grad, x, min_val, max_val):
        lo, hi = ctx.bounds
        return (grad.where(_constant((x._data > lo) & (x._data < hi)), 0.0),)


class Silu(Op):
    """out = x sigmoid(x);  d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        xp = backend.array_module(x)
        ctx.save_for_backward(x)
        return x * _sigmoid(xp, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = _sigmoid(backend.array_module(x), x)
        return (grad * s * (1 + x * (1 - s)),)

    @staticmethod
    def backward_graph(ctx, grad, x):
        s = x.sigmoid()
        return (grad * s * (1 + x * (1 - s)),)


class Mish(Op):
    """out = x tanh(softplus(x));  d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus x)."""

    @staticmethod
    def forward(ctx, x):
        xp = backend.array_module(x)
        ctx.save_for_backward(x)
        return x * xp.tanh(xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x))))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(x)
        t = xp.tanh(xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x))))
        return (grad * (t + x * _sigmoid(xp, x) * (1 - t * t)),)

    @staticmethod
    def backward_graph(ctx, grad, x):
        t = (x.relu() + (-x.abs()).exp().log1p()).tanh()
        return (grad * (t + x * x.sigmoid() * (1 - t * t)),)


# ---- linear layers ------------------------------------------------------------------------------
def _rows(a):
    """a (*, n) as a (rows, n) matrix (rows spelled out: -1 fails when n is 0)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class Linear(Op):
    """out = x @ W^T + b for x of shape (*, in);  d/dx = g @ W,  d/dW = g^T x,  d/db = sum g."""

    # x of shape (*, in) is seen as one (rows, in) matrix: one GEMM for all leading dims.
    # (NumPy's matmul on a 3-D x runs one small GEMM per leading index: the transformer's
    # (16, 64, 128) activations took 2.3 ms that way, 1.9 ms as one GEMM.)

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        xp = backend.array_module(x)
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        out = xp.matmul(_rows(x), weight.T)
        if bias is not None:
            out += bias  # in place: out is our own fresh array
        return out.reshape(x.shape[:-1] + (weight.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        xp = backend.array_module(grad)
        need = ctx.needs_input_grad
        g2 = _rows(grad)  # (rows, out)
        grad_x = xp.matmul(g2, weight).reshape(x.shape) if need[0] else None
        grad_w = grad_b = None
        if need[1]:
            grad_w = xp.matmul(g2.T, _rows(x))
        if ctx.has_bias and need[2]:
            grad_b = g2.sum(axis=0)
        return grad_x, grad_w, grad_b

    @staticmethod
    def backward_graph(ctx, grad, x, weight, bias=None):
        need = ctx.needs_input_grad
        grad_x = grad.matmul(weight) if need[0] else None
        grad_w = grad_b = None
        g2 = grad.reshape(-1, grad.shape[-1]) if grad.dim() != 1 else grad.unsqueeze(0)
        if need[1]:
            x2 = x.reshape(-1, x.shape[-1]) if x.dim() != 1 else x.unsqueeze(0)
            grad_w = g2.transpose(0, 1).matmul(x2)
        if ctx.has_bias and need[2]:
            grad_b = g2.sum(0)
        return grad_x, grad_w, grad_b


class Embedding(Op):
    """out = weight[indices];  d/dweight scatter-adds the gradient rows back (repeated
    indices accumulate; the padding_idx row gets no gradient)."""

    @staticmethod
    def forward(ctx, indices, weight, padding_idx):
        ctx.save_for_backward(indices)
        ctx.weight_shape, ctx.padding_idx = weight.shape, padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        grad_w = xp.zeros(ctx.weight_shape, dtype=grad.dtype)
        scatter_add_into(grad_w, indices.reshape(-1), grad.reshape(-1, ctx.weight_shape[1]))
        if ctx.padding_idx is not None:
            grad_w[ctx.padding_idx] = 0
        return None, grad_w

    @staticmethod
    def backward_graph(ctx, grad, indices, weight, padding_idx):
        (index,) = ctx.saved_tensors

        def move(w):  # the rows read, with the padding row's left out (numbered 0)
            rows = w[index]
            if ctx.padding_idx is not None:
                rows[index == ctx.padding_idx] = 0
            return rows
        return None, moved_grad_graph(grad, ctx.weight_shape, move)


class MaskScale(Op):
    """out = x * mask * scale (dropout with a precomputed keep-mask);  d/dx = mask * scale."""

    @staticmethod
    def forward(ctx, x, mask, scale):
        ctx.save_for_backward(mask)
        ctx.scale = scale
        return backend.array_module(x).where(mask, x * scale, 0)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return backend.array_module(grad).where(mask, grad * ctx.scale, 0), None

    @staticmethod
    def backward_graph(ctx, grad, x, mask, scale):
        (mask,) = ctx.saved_tensors
        return (grad * ctx.scale).where(tensor_module.Tensor._wrap(mask), 0.0), None


# ---- batch normalization ----------------------------------------------------------------------
class BatchNorm(Op):
    """Normalize over every dim but the channel dim 1, then scale and shift:
    out = (x - mean) / sqrt(var + eps) * weight + bias.

    Training (`mean`/`var` None): the batch's mean and *biased* variance are used, and the
    running buffers (arrays, updated in place) get `(1 - m) running + m batch` with the
    *unbiased* variance (torch). Otherwise the given running statistics are used.

    Backward with batch statistics, x_hat = (x - mean) * inv_std, n values per channel:
    dx = inv_std / n * (n dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat)), dx_hat = g weight.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, mean, var, eps, momentum, running_mean, running_var):
        xp = backend.array_module(x)
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        use_batch = mean is None
        if use_batch:
            n = x.size // x.shape[1]
            mean = x.mean(axis=axes)
            centered = x - mean.reshape(shape)
            var = (centered * centered).mean(axis=axes)
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean.astype(running_mean.dtype, copy=False)
            if running_var is not None:
                unbiased = var * (n / max(n - 1, 1))
                running_var *= 1 - momentum
                running_var += momentum * unbiased.astype(running_var.dtype, copy=False)
        else:
            centered = x - mean.reshape(shape).astype(x.dtype, copy=False)
        inv_std = (1 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat = centered * inv_std.reshape(shape)
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.use_batch, ctx.axes, ctx.shape = use_batch, axes, shape
        out = x_hat
        if weight is not None:
            out = out * weight.reshape(shape)
        if bias is not None:
            out = out + bias.reshape(shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        x_hat, inv_std, weight = ctx.saved_tensors
        axes, shape = ctx.axes, ctx.shape
        need = ctx.needs_input_grad
        grad_w = (grad * x_hat).sum(axis=axes) if weight is not None and need[1] else None
        grad_b = grad.sum(axis=axes) if need[2] else None
        grad_x = None
        if need[0]:
            dx_hat = grad * weight.reshape(shape) if weight is not None else grad
            if ctx.use_batch:
                n = grad.size // grad.shape[1]
                sum_d = dx_hat.sum(axis=axes).reshape(shape)
                sum_dx = (dx_hat * x_hat).sum(axis=axes).reshape(shape)
                grad_x = (dx_hat - sum_d / n - x_hat * (sum_dx / n)) * inv_std.reshape(shape)
            else:
                grad_x = dx_hat * inv_std.reshape(shape)
        return grad_x, grad_w, grad_b

    @staticmethod
    def backward_graph(ctx, grad, x, weight, bias, mean, var, eps, *running):
        """The same formula on Tensors, with x_hat and inv_std recomputed from x so that
        they carry the graph (eval mode: inv_std comes from the running stats, a constant)."""
        axes, shape = ctx.axes, ctx.shape
        need = ctx.needs_input_grad
        if ctx.use_batch:
            centered = x - x.mean(axes, keepdim=True)
            inv_std = ((centered * centered).mean(axes, keepdim=True) + eps).rsqrt()
        else:
            inv_std = _constant(ctx.saved_tensors[1].reshape(shape))
            centered = x - _constant(backend.array_module(x._data).asarray(
                getattr(mean, "_data", mean)).reshape(shape).astype(x._data.dtype))
        x_hat = centered * inv_std
        grad_w = (grad * x_hat).sum(axes) if weight is not None and need[1] else None
        grad_b = grad.sum(axes) if need[2] else None
        grad_x = None
        if need[0]:
            dx_hat = grad * weight.reshape(shape) if weight is not None else grad
            if ctx.use_batch:
                n = grad.numel() // grad.shape[1]
                sum_d = dx_hat.sum(axes, keepdim=True)
                sum_dx = (dx_hat * x_hat).sum(axes, keepdim=True)
                grad_x = (dx_hat - sum_d / n - x_hat * (sum_dx / n)) * inv_std
            else:
                grad_x = dx_hat * inv_std
        return grad_x, grad_w, grad_b
