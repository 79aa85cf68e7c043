"""Matrix products: matmul (@), mm, bmm, dot. One GEMM forward, two GEMMs backward."""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import promote


class Matmul(Op):
    """out = a @ b (NumPy/torch matmul rules: 1-D operands, broadcast batch dims).

    d/da = grad @ b^T,  d/db = a^T @ grad; 1-D operands are treated as a row (a) or a
    column (b) vector and the added axis is removed again; the engine sums gradients over
    broadcast batch dims.
    """

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return backend.array_module(a).matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        xp = backend.array_module(grad)
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = grad  # give back the axes the 1-D operands lost: b's column first, then a's row
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        if need_a:
            grad_a = xp.matmul(g, xp.swapaxes(b2, -1, -2))
            if a.ndim == 1:
                grad_a = grad_a.squeeze(-2)
        if need_b:
            grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), g)
            if b.ndim == 1:
                grad_b = grad_b.squeeze(-1)
        return grad_a, grad_b


# how torch's matmul errors spell dtypes: C type names (dot uses dtypes.scalar_type_name)
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool"}


def matmul(input, other):
    if input.dim() == 0 or other.dim() == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{input.dim()}D and {other.dim()}D")
    k_a = input.shape[-1]
    k_b = other.shape[-2] if other.dim() > 1 else other.shape[0]
    if k_a != k_b:
        a_shape = "x".join(map(str, input.shape[-2:] if input.dim() > 1 else (1, k_a)))
        b_shape = "x".join(map(str, other.shape[-2:] if other.dim() > 1 else (k_b, 1)))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a_shape} and "
                           f"{b_shape})")
    if input.dtype != other.dtype:  # torch never promotes inside a matrix product
        if input.dim() == 1 and other.dim() == 1:
            raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                               f"{dtypes.scalar_type_name(input.dtype)} and "
                               f"{dtypes.scalar_type_name(other.dtype)}")
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_NAMES.get(input.dtype.name, input.dtype.name)} != "
                           f"{_C_NAMES.get(other.dtype.name, other.dtype.name)}")
    (a, b), _ = promote(input, other, broadcast=False)
    return Matmul.apply(a, b)


def mm(input, mat2):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError(f"self must be a matrix" if input.dim() != 2 else
                           "mat2 must be a matrix")
    return matmul(input, mat2)


def bmm(input, mat2):
    if input.dim() != 3 or mat2.dim() != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor" if input.dim() != 3 else
                           "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return matmul(input, mat2)


def dot(input, other):
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D "
                           "tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements, but got "
            f"{input.shape[0]} and {other.shape[0]} elements respectively")
    return matmul(input, other)
