"""The arguments torch's factory functions share (zeros, randn, arange, normal, ...).

  size           `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(size=(2, 3))`
  out=           write into an existing tensor (resized to the result's shape), whose
                 dtype is the default when `dtype=` is not given
  requires_grad= only for floating results, checked after `out=` is filled
"""
from __future__ import annotations

import operator

from . import dtypes
from .autograd import grad_mode


def check_dtype(dtype, name):
    """torch's `dtype` argument: a dtype or a Python type, never a string or NumPy dtype."""
    if dtype is None or isinstance(dtype, dtypes.dtype):
        return dtype
    if any(dtype is t for t in (float, int, bool)):
        return dtype
    raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, "
                    f"not {type(dtype).__name__}")


def shape_of(size, name="empty"):
    """The shape tuple from `f(2, 3)` or `f((2, 3))`, checked like torch's `size` argument."""
    if len(size) == 1 and isinstance(size[0], bool):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                        f"not bool")
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    # torch rejects a bool first size (zeros(True), zeros((True, 2))) but, oddly, takes
    # zeros(2, True) as (2, 1); we follow it
    if size and isinstance(size[0], bool):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                        f"but found element of type bool at pos 0")
    try:
        shape = tuple(operator.index(s) for s in size)  # ints, NumPy ints, 0-d int tensors
    except TypeError:
        bad = next(s for s in size if not hasattr(s, "__index__"))
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found "
                        f"element of type {type(bad).__name__} in {tuple(size)}") from None
    for s in shape:
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def size_arg(args, size, name):
    """The shape from the varargs `args` or the keyword `size=` (one of the two)."""
    if size is None:
        if not args:
            raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
        return shape_of(args, name)
    if args:
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"{len(args)} positional sizes and size={size!r}")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    return shape_of((size,), name)


def out_dtype(out, dtype, name):
    """The dtype to make: `dtype=`, else out's, else None (the function's default)."""
    if out is None:
        return dtype
    if not hasattr(out, "_data"):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtypes.to_dtype(dtype) is not out.dtype:
        raise RuntimeError(
            f"dtype {dtypes.scalar_type_name(dtypes.to_dtype(dtype))} does not match dtype of "
            f"out parameter ({dtypes.scalar_type_name(out.dtype)})")
    return out.dtype


def finish(result, name, out=None, requires_grad=False, keep_out_shape=False):
    """Write `result` into `out` (if given) and apply `requires_grad=`; returns the tensor.

    `keep_out_shape`: arange and linspace keep an out of the right size in its own shape
    (torch resizes their out only when the number of elements differs).
    """
    if out is not None:
        result = _write_out(out, result, name, keep_out_shape)
    if requires_grad:
        from .tensor import _created_requiring_grad

        _created_requiring_grad(result)
    return result


def _write_out(out, result, name, keep_out_shape):
    if out.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(
            f"aten::{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.")
    values = result._data.astype(out._data.dtype, copy=False)
    if keep_out_shape and values.size == out._data.size:
        values = values.reshape(out._data.shape)
    if out._data.shape == values.shape:
        out._data[...] = values
    else:  # torch's factories resize out (silently, unlike its ops)
        out._data = values.copy() if values is result._data else values
    out._version[0] += 1
    return out
