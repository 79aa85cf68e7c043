"""Matrix products: matmul (@), mm, bmm, dot. One GEMM forward, two GEMMs backward."""
from __future__ import annotations

import math

from .. import backend, dtypes
from ..autograd.function import Op
from .promotion import promote
from .registry import public


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

    @staticmethod
    def backward_graph(ctx, grad, a, b):
        a2 = a.unsqueeze(0) if a.dim() == 1 else a
        b2 = b.unsqueeze(-1) if b.dim() == 1 else b
        g = grad.unsqueeze(-1) if b.dim() == 1 else grad
        g = g.unsqueeze(-2) if a.dim() == 1 else g
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        if need_a:
            grad_a = g.matmul(b2.transpose(-1, -2))
            grad_a = grad_a.squeeze(-2) if a.dim() == 1 else grad_a
        if need_b:
            grad_b = a2.transpose(-1, -2).matmul(g)
            grad_b = grad_b.squeeze(-1) if b.dim() == 1 else grad_b
        return grad_a, grad_b


# how torch's matmul errors spell dtypes: C type names (dot uses dtypes.scalar_type_name)
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool"}


@public(method=True)
def matmul(input, other):
    if input.dim() == 0 or other.dim() == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{input.dim()}D and {other.dim()}D")
    _check_matmul_shapes(input, other)
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


def _check_matmul_shapes(input, other):
    """Raise the error torch's matmul raises for shapes that don't multiply (NumPy's would
    be a ValueError). torch picks a kernel by the operands' dims and layout, and each kernel
    words its own error: dot (1-D @ 1-D); mv or mm when the bigger operand folds into a
    matrix (`_folds`); else bmm over the broadcast batch dims."""
    a, b = tuple(input.shape), tuple(other.shape)
    k_a = a[-1]
    k_b = b[-2] if len(b) > 1 else b[0]
    if k_a == k_b and min(len(a), len(b)) <= 2:
        return  # nothing to broadcast
    if len(a) == 1 and len(b) == 1:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the "
            f"same number of elements, but got {k_a} and {k_b} elements respectively")
    if len(b) <= 2 and (len(a) <= 2 or _folds(input, other, a_is_bigger=True)):
        rows = math.prod(a[:-1])
        if len(b) == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), "
                               f"vec ({k_b})")
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and "
                           f"{k_b}x{b[-1]})")
    if len(a) <= 2 and _folds(other, input, a_is_bigger=False):
        rows = math.prod(b[:-2]) * b[-1]  # torch computes (other^T folded) @ input^T
        if len(a) == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_b}), "
                               f"vec ({k_a})")
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_b} and "
                           f"{k_a}x{a[0]})")
    batch_a, batch_b = a[:-2], b[:-2]
    ndim = max(len(batch_a), len(batch_b))
    for back in range(1, ndim + 1):
        n_a = batch_a[-back] if back <= len(batch_a) else 1
        n_b = batch_b[-back] if back <= len(batch_b) else 1
        if n_a != n_b and n_a != 1 and n_b != 1:
            raise RuntimeError(f"The size of tensor a ({n_a}) must match the size of tensor b "
                               f"({n_b}) at non-singleton dimension {ndim - back}")
    if k_a != k_b:
        batch = math.prod(n_a if n_b == 1 else n_b for n_a, n_b in _pad_zip(batch_a, batch_b))
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch}, {k_a}] but got: [{batch}, {k_b}].")


def _folds(big, small, a_is_bigger):
    """torch's `should_fold`: whether matmul views the >=3-D operand `big` (transposed when it
    is the second operand) as one matrix, which it does when that needs no copy, when `big`
    is empty, or when `small` requires grad."""
    if big.dim() < 3 or small.requires_grad:
        return big.dim() >= 3
    if small.dim() == 2 and not a_is_bigger:
        return False  # measured on torch 2.13: a matrix @ a batch folds only for grad
    if big._data.size == 0:
        return True
    shape = list(big.shape)
    strides = [s // big._data.itemsize for s in big._data.strides]
    if not a_is_bigger:  # other.mT
        shape[-2:], strides[-2:] = shape[:-3:-1], strides[:-3:-1]
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _pad_zip(a, b):
    """Pairs of sizes of two shapes aligned from the right, the shorter padded with 1s."""
    n = max(len(a), len(b))
    return zip((1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b)


@public(method=True)
def mm(input, mat2):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError("self must be a matrix" if input.dim() != 2 else
                           "mat2 must be a matrix")
    return matmul(input, mat2)


@public(method=True)
def bmm(input, mat2):
    if input.dim() != 3 or mat2.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input.dim() != 3 else
                           "batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return matmul(input, mat2)


@public(method=True)
def dot(input, tensor):
    other = tensor  # torch's keyword is `tensor`
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D "
                           "tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{other.shape[0]}] to have the same number of elements, but got "
            f"{input.shape[0]} and {other.shape[0]} elements respectively")
    return matmul(input, other)
