"""Type promotion, casts and device moves.

Binary ops follow torch's type promotion (`dtypes.result_type`): `promote` casts the
operands to the result dtype *before* the Op runs, so each Op sees arrays of one dtype
and Python scalars (which NumPy/CuPy treat as "weak", exactly like torch).
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd.function import Op


# ---- promotion helpers --------------------------------------------------------------------
def _is_tensor(x):
    return hasattr(x, "_data")


def promote(*operands, to_float=False, broadcast=True):
    """Cast Tensor operands to their common dtype; Python scalars stay scalars.
    With `broadcast` (elementwise ops), shapes that don't broadcast raise torch's error."""
    if broadcast:
        _check_broadcast(operands)
    fast = _fast_common_dtype(operands)
    if fast is not None and (fast.kind == "f" or not to_float):
        return list(operands), dtypes.from_numpy_dtype(fast)
    dt = dtypes.result_type(*operands)
    if to_float and not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    out = []
    for x in operands:
        if _is_tensor(x):
            out.append(x if x._data.dtype == dt.np else cast(x, dt))
        elif isinstance(x, (int, float, bool)) or x is None:
            out.append(x)
        else:
            raise TypeError(f"unsupported operand type {type(x).__name__}; expected a Tensor "
                            "or a Python number")
    return out, dt


def _check_broadcast(operands):
    """Raise torch's error (not NumPy's ValueError) when tensor shapes don't broadcast."""
    shapes = [x._data.shape for x in operands if _is_tensor(x)]
    if len(shapes) < 2 or all(s == shapes[0] for s in shapes):
        return
    ndim = max(len(s) for s in shapes)
    for back in range(1, ndim + 1):
        sizes = [s[-back] for s in shapes if len(s) >= back and s[-back] != 1]
        if any(n != sizes[0] for n in sizes):
            other = next(n for n in sizes if n != sizes[0])
            raise RuntimeError(
                f"The size of tensor a ({sizes[0]}) must match the size of tensor b ({other}) "
                f"at non-singleton dimension {ndim - back}")


def _fast_common_dtype(operands):
    """The common NumPy dtype when promotion is trivially a no-op, else None.

    The hot path of training: tensors of one dtype, maybe with Python scalars of the same
    or a lower category (a float tensor with a Python int or float, an int tensor with an
    int). Anything else goes through the full `dtypes.result_type` rules.
    """
    common = None
    for x in operands:
        if _is_tensor(x):
            d = x._data.dtype
            if common is None:
                common = d
            elif d != common:
                return None
    if common is None:
        return None
    for x in operands:
        if _is_tensor(x) or x is None or isinstance(x, bool):
            continue  # a bool scalar never raises a tensor's category
        if isinstance(x, int) and common.kind in "iuf":
            continue
        if isinstance(x, float) and common.kind == "f":
            continue
        return None
    return common


def _scalar_as_array(x, like):
    """A Python scalar, as a 0-d array of `like`'s dtype (for ops that need an array)."""
    if _is_tensor(x):
        return x
    from ..tensor import Tensor

    xp = backend.array_module(like._data)
    return Tensor._wrap(xp.asarray(x, dtype=like._data.dtype))


# ---- casts and moves -------------------------------------------------------------------------
class Cast(Op):
    """out = x.astype(dtype); the gradient is cast back (done by the engine)."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return (grad,)


def cast(x, dtype):
    return Cast.apply(x, dtypes.to_dtype(dtype))


class ToDevice(Op):
    """Copy to another device; the gradient travels back to where the input was."""

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = backend.device_of(x)
        return backend.move(x, device)

    @staticmethod
    def backward(ctx, grad):
        return (backend.move(grad, ctx.source),)


def to_device(x, device):
    return ToDevice.apply(x, device)

