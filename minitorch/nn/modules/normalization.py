"""LayerNorm (each sample over its last dims), GroupNorm (each group of channels of each
sample) and LocalResponseNorm (each value by its neighbouring channels)."""
from __future__ import annotations

from ...creation import empty
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


def _affine_parameters(module, shape, affine, bias, device, dtype):
    """weight (ones) and bias (zeros) of `shape`, or None in their place (torch's keys)."""
    if affine:
        module.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            module.bias = Parameter(empty(shape, device=device, dtype=dtype))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)
    module.reset_parameters()


def _reset_affine(module):
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias over the last dims.

    Args:
        normalized_shape (int or tuple): the trailing shape to normalize over.
        eps (float): Default: 1e-5.
        elementwise_affine (bool): learn weight (ones) and bias (zeros). Default: True.
        bias (bool): learn the bias too. Default: True.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, device, dtype)

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalize each of num_groups channel groups of each sample:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, weight and bias per channel.

    Args:
        num_groups (int): groups to split the channels into.
        num_channels (int): C, divisible by num_groups.
        eps (float): Default: 1e-5.
        affine (bool): learn weight (ones) and bias (zeros). Default: True.
        bias (bool, keyword-only): learn the bias too. Default: True.

    Shape:
        (N, C, *) -> same shape.

    >>> GroupNorm(2, 6)(minitorch.randn(4, 6, 5)).shape
    minitorch.Size([4, 6, 5])
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, (num_channels,), affine, bias, device, dtype)

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class LocalResponseNorm(Module):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta.

    Args:
        size (int): channels in the window.
        alpha (float): Default: 1e-4.  beta (float): Default: 0.75.  k (float): Default: 1.
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
