"""Linear maps: linear (x W^T + b) and bilinear (x1^T W_k x2 + b_k)."""
from __future__ import annotations

import math

from ... import ops
from ...ops import nn_ops
from ._validate import require_tensor

__all__ = ["bilinear", "linear"]

_SHORT = {"float32": "float", "float64": "double", "float16": "c10::Half"}


def _flat_shape(t):
    rows = 1
    for s in t.shape[:-1]:
        rows *= s
    return rows


def linear(input, weight, bias=None):
    """y = x @ weight.T + bias.

    Args:
        input (Tensor): (*, in_features).
        weight (Tensor): (out_features, in_features).
        bias (Tensor, optional): (out_features,).

    Shape:
        output: (*, out_features).

    >>> linear(minitorch.randn(8, 3), minitorch.randn(2, 3)).shape
    minitorch.Size([8, 2])
    """
    require_tensor("linear", input)
    if input.dim() == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are 0D "
                           f"and {weight.dim()}D")
    if weight.dim() != 2 or input.shape[-1] != weight.shape[-1]:
        w_shape = "x".join(str(s) for s in reversed(weight.shape))
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied "
                           f"({_flat_shape(input)}x{input.shape[-1]} and {w_shape})")
    if input.dtype != weight.dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{_SHORT.get(input.dtype.name, input.dtype.name)} != "
                           f"{_SHORT.get(weight.dtype.name, weight.dtype.name)}")
    if bias is not None:
        _check_bias(input, weight, bias)
        if bias.dtype != input.dtype:
            bias = bias.to(input.dtype)
    return nn_ops.Linear.apply(input, weight, bias)


def _check_bias(input, weight, bias):
    """torch's errors for a bias that doesn't fit (NumPy's would be a ValueError). torch
    folds the input into rows and expands a bias of <= 2 dims to [rows, out] (addmm),
    else adds it to the output with broadcasting."""
    rows, out = math.prod(input.shape[:-1]), weight.shape[0]
    if bias.dim() > 2 and input.dim() <= 2:
        raise RuntimeError(
            f"expand({bias.type()}{{{list(bias.shape)}}}, size={[rows, out]}): the number of "
            f"sizes provided (2) must be greater or equal to the number of dimensions in the "
            f"tensor ({bias.dim()})")
    if bias.dim() > 2:
        shape = tuple(input.shape[:-1]) + (out,)
        ndim = max(len(shape), bias.dim())
        for back in range(1, ndim + 1):
            a = shape[-back] if back <= len(shape) else 1
            b = bias.shape[-back] if back <= bias.dim() else 1
            if a != b and 1 not in (a, b):
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor "
                                   f"b ({b}) at non-singleton dimension {ndim - back}")
        return
    target, shape = [rows, out], list(bias.shape)
    for back in range(1, len(shape) + 1):  # torch reports the last mismatching dim
        if shape[-back] not in (1, target[-back]):
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-back]}) must match the existing "
                f"size ({shape[-back]}) at non-singleton dimension {2 - back}.  Target sizes: "
                f"{target}.  Tensor sizes: {shape}")


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T weight[k] x2 + bias[k].

    Args:
        input1 (Tensor): (*, in1_features).  input2 (Tensor): (*, in2_features).
        weight (Tensor): (out_features, in1_features, in2_features).
        bias (Tensor, optional): (out_features,).
    """
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {in2}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (n, in1) @ (in1, out*in2) -> (n, out, in2), then contract in2 with x2
    w = weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    out = (ops.matmul(x1, w).reshape(-1, out_f, in2) * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (out_f,))
