"""Activation functions (torch.nn.functional): relu, gelu, softmax, ...

Each checks its arguments and calls an op: relu/sigmoid/tanh/softmax/log_softmax from
the core ops, the rest from ops/nn_ops.py. `inplace=True` writes the result back into
the input (tensor_methods._inplace handles the autograd bookkeeping).
"""
from __future__ import annotations

import math
import warnings

from ... import dtypes, ops
from ...ops import nn_ops
from ...ops.shape import normalize_dim
from ...tensor_methods import _inplace
from ._validate import require_tensor

__all__ = [
    "celu",
    "elu",
    "elu_",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "hardtanh_",
    "leaky_relu",
    "leaky_relu_",
    "log_softmax",
    "logsigmoid",
    "mish",
    "prelu",
    "relu",
    "relu6",
    "relu_",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
]


def _maybe_inplace(input, inplace, fn):
    return _inplace(input, fn) if inplace else fn(input)


def _check_float(kernel, input):
    """torch has no integer kernel for these: its NotImplementedError."""
    dtypes.require_kernel(kernel, input, lambda d: d.is_floating_point)


def relu(input, inplace=False):
    """relu(x) = max(x, 0);  relu'(0) = 0.

    Args:
        input (Tensor): any shape.
        inplace (bool): overwrite `input` with the result. Default: False.
    """
    require_tensor("relu", input)
    if inplace:
        # relu saves only its output, which is `input` now: a later in-place change of it
        # makes backward raise, as torch's relu_ does
        return _inplace(input, ops.relu)
    return ops.relu(input)


def relu_(input):
    return relu(input, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """hardtanh(x) = clamp(x, min_val, max_val); the gradient is 0 at the bounds."""
    require_tensor("hardtanh", input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace,
                          lambda t: nn_ops.Hardtanh.apply(t, min_val, max_val))


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """relu6(x) = min(max(x, 0), 6) (= hardtanh(x, 0, 6))."""
    require_tensor("relu6", input)
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """leaky_relu(x) = x if x > 0 else negative_slope * x."""
    require_tensor("leaky_relu", input)
    dtypes.require_kernel("leaky_relu_cpu", input, lambda d: d.is_floating_point)
    return _maybe_inplace(input, inplace,
                          lambda t: nn_ops.LeakyRelu.apply(t, negative_slope))


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    """elu(x) = x if x > 0 else alpha * (exp(x) - 1)."""
    require_tensor("elu", input)
    return _maybe_inplace(input, inplace, lambda t: nn_ops.Elu.apply(t, alpha))


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """selu(x) = scale * elu(x, alpha) with the self-normalizing constants."""
    require_tensor("selu", input)
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    # one op (not elu * scale), so selu_ saves its result and a later in-place change
    # makes backward raise, as torch's selu_ does
    return _maybe_inplace(input, inplace, lambda t: nn_ops.Elu.apply(t, alpha, scale))


def celu(input, alpha=1.0, inplace=False):
    """celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    require_tensor("celu", input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _maybe_inplace(input, inplace,
                          lambda t: nn_ops.Elu.apply(t, alpha, 1.0, 1.0 / alpha))


def gelu(input, *, approximate="none"):
    """gelu(x) = x * Phi(x) (Phi the standard normal CDF), or its tanh approximation.

    Args:
        approximate (str): "none" (exact, via erf) or "tanh".
    """
    require_tensor("gelu", input)
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_float("GeluKernelImpl", input)
    return nn_ops.Gelu.apply(input, approximate)


def sigmoid(input):
    """sigmoid(x) = 1 / (1 + exp(-x)), computed without overflow."""
    require_tensor("sigmoid", input)
    return ops.sigmoid(input)


def tanh(input):
    require_tensor("tanh", input)
    return ops.tanh(input)


def softplus(input, beta=1.0, threshold=20.0):
    """softplus(x) = log(1 + exp(beta x)) / beta, and x where beta x > threshold."""
    require_tensor("softplus", input)
    return nn_ops.Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    """logsigmoid(x) = log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    require_tensor("logsigmoid", input)
    return -nn_ops.Softplus.apply(-input, 1.0, math.inf)


def silu(input, inplace=False):
    """silu(x) = x * sigmoid(x) (a.k.a. swish)."""
    require_tensor("silu", input)
    return _maybe_inplace(input, inplace, nn_ops.Silu.apply)


def mish(input, inplace=False):
    """mish(x) = x * tanh(softplus(x))."""
    require_tensor("mish", input)
    return _maybe_inplace(input, inplace, nn_ops.Mish.apply)


def softsign(input):
    """softsign(x) = x / (1 + |x|)."""
    require_tensor("softsign", input)
    return input / (ops.abs(input) + 1)


def hardsigmoid(input, inplace=False):
    """hardsigmoid(x) = relu6(x + 3) / 6."""
    require_tensor("hardsigmoid", input)
    return _maybe_inplace(input, inplace,
                          lambda t: nn_ops.Hardtanh.apply(t + 3, 0.0, 6.0) * (1.0 / 6))


def hardswish(input, inplace=False):
    """hardswish(x) = x * relu6(x + 3) / 6; the gradient is 0 at x = -3 and 1 at x = 3
    (torch's: hardtanh's zero gradient at its bounds gives exactly that)."""
    require_tensor("hardswish", input)
    _check_float("hardswish_cpu", input)
    return _maybe_inplace(input, inplace,
                          lambda t: t * nn_ops.Hardtanh.apply(t + 3, 0.0, 6.0) / 6)


def glu(input, dim=-1):
    """glu(a, b) = a * sigmoid(b), with a and b the two halves of `input` along `dim`.

    Shape:
        input (*, 2n, *) -> output (*, n, *).
    """
    require_tensor("glu", input)
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = normalize_dim(dim, input.dim())
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size "
                           f"{input.shape[dim]}")
    _check_float("glu_cpu", input)
    a, b = ops.chunk(input, 2, dim)
    return a * ops.sigmoid(b)


def tanhshrink(input):
    """tanhshrink(x) = x - tanh(x)."""
    require_tensor("tanhshrink", input)
    return input - ops.tanh(input)


def _check_lambd(input, lambd):
    # torch accepts lambd in [0, the dtype's max]; its message prints the bound like C++
    largest = 3.4028234663852886e38 if input.dtype.itemsize <= 4 else 1.7976931348623157e308
    if not 0 <= lambd <= largest:
        raise RuntimeError(f"lambda must be in range [0, {largest:g}] for input dtype "
                           f"{dtypes.scalar_type_name(input.dtype)}, but found {lambd:g}")


def softshrink(input, lambd=0.5):
    """softshrink(x) = x - lambd if x > lambd, x + lambd if x < -lambd, else 0;
    the gradient is 0 at |x| = lambd (torch)."""
    require_tensor("softshrink", input)
    _check_float("softshrink_check", input)
    _check_lambd(input, lambd)
    return ops.where(input > lambd, input - lambd,
                     ops.where(input < -lambd, input + lambd, input * 0))


def hardshrink(input, lambd=0.5):
    """hardshrink(x) = x if |x| > lambd else 0; the gradient is 0 at |x| = lambd (torch)."""
    require_tensor("hardshrink", input)
    _check_float("hardshrink_cpu", input)
    return ops.where((input > lambd) | (input < -lambd), input, input * 0)


def threshold(input, threshold, value, inplace=False):
    """y = value if x <= threshold else x (torch's test: a NaN x stays NaN, gradient 1)."""
    require_tensor("threshold", input)
    return _maybe_inplace(input, inplace,
                          lambda t: ops.where(t <= threshold, value, t))


def prelu(input, weight):
    """prelu(x) = x if x > 0 else weight * x, weight one value or one per channel (dim 1)."""
    require_tensor("prelu", input)
    if weight.numel() != 1 and (input.dim() < 2 or input.shape[1] != weight.numel()):
        channels = input.shape[1] if input.dim() >= 2 else 1
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter numbers "
            f"= {weight.numel()} and channel size = {channels}.")
    if weight.numel() != 1:
        weight = weight.reshape((1, -1) + (1,) * (input.dim() - 2))
    return ops.where(input > 0, input, input * weight)


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j) along `dim` (max-shifted: no overflow).

    Args:
        dim (int): the dimension to normalize. None is deprecated (picks 0 for 0/1/3-D
            input, else 1, with a warning, like torch).
        dtype: cast the input to this dtype first.
    """
    require_tensor("softmax", input)
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    return ops.softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    require_tensor("softmin", input)
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    return ops.softmax(-input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log_softmax(x) = x - logsumexp(x) along `dim` (stable)."""
    require_tensor("log_softmax", input)
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    return ops.log_softmax(input, dim, dtype=dtype)
