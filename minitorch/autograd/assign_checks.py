"""torch's checks on assigning `t.requires_grad = ...` and `t.grad = ...`.

Both are plain attributes to the user, but torch refuses values that would corrupt the
graph or the optimizer step later, far from the mistake: a non-leaf's requires_grad is
decided by its inputs, and a `.grad` of another shape or dtype would broadcast or
promote silently inside `p -= lr * p.grad`.
"""
from __future__ import annotations

from .. import dtypes

# torch names the gradient's dtype by its C type, the tensor's by its ScalarType
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}


def check_requires_grad(t, value):
    if not isinstance(value, bool):
        raise RuntimeError("requires_grad must be a bool")
    if t.grad_fn is not None:
        raise RuntimeError(
            "you can only change requires_grad flags of leaf variables." + ("" if value else
            " If you want to use a computed variable in a subgraph that doesn't require "
            "differentiation use var_no_grad = var.detach()."))
    if value and not t.dtype.is_floating_point:
        raise RuntimeError(
            "only Tensors of floating point and complex dtype can require gradients")


def check_grad(t, grad):
    if grad is None:
        return
    if not hasattr(grad, "_data"):
        kind = type(grad)
        name = kind.__name__ if kind.__module__ == "builtins" else (
            f"{kind.__module__.partition('.')[0]}.{kind.__qualname__}")
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{name}")
    if grad.dtype != t.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype "
            f"'{_C_NAMES.get(grad.dtype.name, grad.dtype.name)}' to a tensor with grad_dtype "
            f"'{dtypes.scalar_type_name(t.dtype)}'. The gradient must match the tensor's "
            "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
            "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with "
            "caution. Diverging the dtypes of a tensor and its gradient may break downstream "
            "systems that assume they match.")
    if grad.shape != t.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(grad.shape)}' to a tensor of size "
            f"'{list(t.shape)}'. Please ensure that the gradient and the tensor are the same "
            "size")
    if grad.device != t.device:
        raise RuntimeError(
            f"attempting to assign a gradient with device type '{grad.device.type}' to a tensor "
            f"with device type '{t.device.type}'. Please ensure that the gradient and the "
            "tensor are on the same device")
