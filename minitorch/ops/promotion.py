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


def type_name(value):
    """A value's type as torch's argument errors print it: Tensor, int, numpy.float64."""
    if _is_tensor(value):
        return "Tensor"
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def require_tensor(fn_name, value, arg_name="input", position=1):
    """The argument check of torch's functions that take no numbers (maximum, logical_and,
    isclose, ...): a Python or NumPy scalar or an array there is a TypeError naming it.
    Returns `value` so a method can check its operand inline (its position is then 1)."""
    if not _is_tensor(value):
        raise TypeError(f"{fn_name}(): argument '{arg_name}' (position {position}) must be "
                        f"Tensor, not {type_name(value)}")
    return value


def promote(*operands, to_float=False, broadcast=True):
    """Cast Tensor operands to their common dtype; Python scalars stay scalars.
    NumPy scalars count as Python numbers (see `dtypes.as_python_scalar`).
    With `broadcast` (elementwise ops), shapes that don't broadcast raise torch's error."""
    dt = _nothing_to_promote(operands, to_float, broadcast)
    if dt is not None:
        return operands, dt
    operands = _cpu_scalars_to_device([dtypes.as_python_scalar(x) for x in operands])
    for x in operands:
        if not (_is_tensor(x) or x is None or isinstance(x, (int, float))):
            # an ndarray too: torch's functions take no arrays (its operators then
            # hand the call to NumPy, see Tensor.__array_wrap__)
            raise TypeError(f"unsupported operand type {type(x).__name__}; expected a "
                            "Tensor or a Python number")
    if broadcast:
        _check_broadcast(operands)
    dt = dtypes.result_type(*operands)
    if to_float and not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    out = []
    for x in operands:
        if _is_tensor(x):
            out.append(x if x._data.dtype == dt.np else cast(x, dt))
        elif isinstance(x, int) and not isinstance(x, bool) and dt.np.kind in "iu":
            out.append(_wrap_int(x, dt.np))
        else:
            out.append(x)
    return out, dt


def _cpu_scalars_to_device(operands):
    """torch's "CPU scalar" rule of elementwise ops: a 0-dim CPU tensor beside a CUDA
    tensor counts as a number, so it moves there (differentiably) instead of raising."""
    kind = None
    for x in operands:
        if _is_tensor(x):
            if kind is None:
                kind = type(x._data)
            elif type(x._data) is not kind:
                break
    else:
        return operands  # the common case: one device
    device = next((x.device for x in operands if _is_tensor(x) and x.device.type != "cpu"),
                  None)
    if device is None:  # two kinds of host array (an ndarray subclass): nothing to move
        return operands
    return [x.to(device) if _is_tensor(x) and x.dim() == 0 and x.device.type == "cpu" else x
            for x in operands]


def _int_range(np_dtype):
    info = backend.np.iinfo(np_dtype)
    return int(info.min), int(info.max)


_INT_RANGES = {backend.np.dtype(t): _int_range(t) for t in
               ("uint8", "int8", "int16", "int32", "int64")}


def _wrap_int(value, np_dtype):
    """An int scalar the integer result dtype can't hold wraps around as torch casts it
    (uint8 tensor + -1 adds 255; int8 tensor == 257 compares with 1). NumPy 2 would
    raise OverflowError instead."""
    low, high = _INT_RANGES[np_dtype]
    if low <= value <= high:
        return value
    if not -2**63 <= value < 2**63:  # torch reads every int scalar as an int64 first
        raise OverflowError("int too big to convert")
    width = high - low + 1
    return (value - low) % width + low


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


check_broadcast = _check_broadcast  # public: normal() checks mean and std with it


def _nothing_to_promote(operands, to_float, broadcast):
    """The result dtype when promotion has nothing to do, else None (then `promote` applies
    the full rules).

    This is the hot path of training, checked first because it runs for every small op:
    Tensors of one dtype on one kind of array (so one device: no CPU scalar to move), maybe
    with exact Python ints and floats that don't raise the tensors' category (a float
    tensor with a Python int or float, an int tensor with an int it can hold). Bools,
    NumPy scalars and everything else take the full path.
    """
    common = array_type = shape = None
    same_shape = True
    for x in operands:
        kind = type(x)
        if kind is float or kind is int:
            continue  # checked below, once the tensors' dtype is known
        data = getattr(x, "_data", None)
        if data is None:
            return None
        if common is None:
            common, array_type, shape = data.dtype, type(data), data.shape
        elif data.dtype != common or type(data) is not array_type:
            return None
        elif data.shape != shape:
            same_shape = False
    if common is None or (to_float and common.kind != "f"):
        return None
    for x in operands:
        kind = type(x)
        if kind is int and common.kind != "f" and not (
                common.kind in "iu" and _INT_RANGES[common][0] <= x <= _INT_RANGES[common][1]):
            return None
        if kind is float and common.kind != "f":
            return None
    if broadcast and not same_shape:
        _check_broadcast(operands)
    return _DTYPE_OF[common]


_DTYPE_OF = {d.np: d for d in dtypes.ALL}  # dtypes.from_numpy_dtype without its checks


def _scalar_as_array(x, like):
    """A Python scalar, as a 0-d array of `like`'s dtype (for ops that need an array)."""
    if _is_tensor(x):
        return x
    from ..tensor import Tensor

    x = dtypes.as_python_scalar(x)
    if isinstance(x, int) and not isinstance(x, bool) and like._data.dtype.kind in "iu":
        x = _wrap_int(x, like._data.dtype)

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

    @staticmethod
    def backward_graph(ctx, grad, x, dtype):
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

    @staticmethod
    def backward_graph(ctx, grad, x, device):
        return (to_device(grad, ctx.source),)


def to_device(x, device):
    return ToDevice.apply(x, device)

