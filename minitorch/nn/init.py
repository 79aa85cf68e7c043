"""Weight initialisation (torch.nn.init). Every function fills a tensor in place,
without recording autograd, keeps its dtype and device, and returns it.

Fan computation (`_calculate_fan_in_and_fan_out`), as in torch: for a weight of shape
(out, in, *kernel), fan_in = in * prod(kernel) and fan_out = out * prod(kernel).
Random numbers come from minitorch's generator through Tensor.uniform_/normal_.
"""
from __future__ import annotations

import math
import warnings

from ..autograd import grad_mode

__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (sqrt(2) for relu, 5/3 for tanh, ...).

    Args:
        nonlinearity (str): the `nn.functional` name, e.g. "relu", "leaky_relu", "tanh".
        param (float, optional): negative slope for "leaky_relu" (default 0.01).
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param,
                                                                                     float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _gen_kwargs(generator):
    return {} if generator is None else {"generator": generator}


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    with grad_mode.no_grad():
        return tensor.uniform_(a, b, **_gen_kwargs(generator))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std**2)."""
    with grad_mode.no_grad():
        return tensor.normal_(mean, std, **_gen_kwargs(generator))


def constant_(tensor, val):
    with grad_mode.no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def _write(tensor, array):
    """Copy an xp array into tensor in place (under no_grad, bumping its version)."""
    from ..tensor import Tensor

    with grad_mode.no_grad():
        tensor.copy_(Tensor._wrap(array))
    return tensor


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    xp = _xp(tensor)
    return _write(tensor, xp.eye(*tensor.shape, dtype=tensor._data.dtype))


def dirac_(tensor, groups=1):
    """Fill a {3,4,5}-D conv weight with the Dirac delta (identity convolution)."""
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    xp = _xp(tensor)
    values = xp.zeros(tuple(sizes), dtype=tensor._data.dtype)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for d in range(min_dim):
            values[(g * out_chans_per_grp + d, d) + centre] = 1
    return _write(tensor, values)


def _xp(tensor):
    from .. import backend

    return backend.array_module(tensor._data)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al. 2015).

    Args:
        a (float): negative slope of the leaky_relu that follows (used by the gain).
        mode (str): "fan_in" (default) keeps forward variance, "fan_out" backward.
        nonlinearity (str): "relu" or "leaky_relu" (default).
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std**2) with std = gain / sqrt(fan)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std**2) restricted to [a, b]: values outside are redrawn."""
    from ..creation import empty

    xp = _xp(tensor)
    values = xp.full(tuple(tensor.shape), xp.nan, dtype=tensor._data.dtype)
    bad = xp.ones(values.shape, dtype=bool)
    for _ in range(1000):  # each round keeps the draws that land inside [a, b]
        n_bad = int(bad.sum())
        if n_bad == 0:
            break
        draw = normal_(empty(n_bad, dtype=tensor.dtype, device=tensor.device), mean, std,
                       generator)._data
        values[bad] = draw
        bad = (values < a) | (values > b)
    return _write(tensor, xp.clip(values, a, b))


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix
    (Saxe et al. 2013); dims after the first are flattened."""
    from ..creation import empty

    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = normal_(empty(rows, cols, dtype=tensor.dtype, device=tensor.device), 0.0, 1.0,
                   generator)._data
    if rows < cols:
        flat = flat.T
    xp = _xp(tensor)
    q, r = xp.linalg.qr(flat)
    q = q * xp.sign(xp.diagonal(r))  # makes Q uniformly distributed
    if rows < cols:
        q = q.T
    return _write(tensor, (q * gain).reshape(tuple(tensor.shape)).astype(tensor._data.dtype))
