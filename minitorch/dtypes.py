"""dtypes (`minitorch.float32`, ...) and torch's type-promotion rules."""
from __future__ import annotations

import builtins

import numpy as np

# this module defines dtypes named float, int and bool, like torch; keep the builtins
_py_float, _py_int, _py_bool = builtins.float, builtins.int, builtins.bool


class dtype:
    """A tensor element type; wraps the NumPy dtype that backs it."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"minitorch.{self.name}"

    def __reduce__(self):  # pickle as the module-level singleton
        return (from_numpy_dtype, (self.np.str,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NP = {d.np: d for d in ALL}

_default_float = float32

# torch's C++ "scalar type" names, which its error messages use ("not implemented for 'Long'")
_SCALAR_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double",
                      "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                      "int64": "Long", "bool": "Bool"}


def scalar_type_name(d: dtype) -> str:
    """torch's name for `d` in error messages: float32 -> 'Float', int64 -> 'Long'."""
    return _SCALAR_TYPE_NAMES.get(d.name, d.name)


def require_kernel(kernel: str, input, allowed) -> None:
    """Raise torch's NotImplementedError when torch has no `kernel` for input's dtype
    (instead of quietly computing in another dtype). `allowed(dtype) -> bool`."""
    if not allowed(input.dtype):
        raise NotImplementedError(
            f'"{kernel}" not implemented for \'{scalar_type_name(input.dtype)}\'')


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    global _default_float
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def from_numpy_dtype(np_dtype) -> dtype:
    key = np.dtype(np_dtype)
    try:
        return _BY_NP[key]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {key}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d) -> dtype:
    """Accept a minitorch dtype, a NumPy dtype/type or a Python type; return a dtype."""
    if isinstance(d, dtype):
        return d
    if d is _py_float:  # torch maps Python's float to float64, not the default dtype
        return float64
    if d is _py_int:
        return int64
    if d is _py_bool:
        return bool
    return from_numpy_dtype(d)


def _category(d: dtype) -> _py_int:
    """bool < integer < floating, the ordering torch promotes along."""
    if d is bool:
        return 0
    return 2 if d.is_floating_point else 1


def as_python_scalar(value):
    """A NumPy scalar as the Python number torch's argument parser makes of it; anything
    else unchanged.

    torch reads NumPy integers as Python ints and every other NumPy scalar -- np.bool_
    included, since it is no Python bool -- as a Python float, so they are "weak" like
    Python numbers: a float32 tensor times np.float64(2) stays float32, an int64 tensor
    plus np.bool_(True) becomes float32. Without this NumPy 2 would promote by the
    scalar's own dtype (float64), the trap described in shared/TRAPS.md.
    np.complex64 (no Python complex, unlike np.complex128) is read as a float as well:
    torch keeps its real part.
    """
    if isinstance(value, np.generic):
        if isinstance(value, np.integer):
            return _py_int(value)
        if isinstance(value, (np.floating, np.bool_)):
            return _py_float(value)
        if isinstance(value, np.complexfloating) and not isinstance(value, complex):
            return _py_float(value.real)
    return value


def scalar_dtype(value) -> dtype:
    """The dtype torch gives a Python number: bool, int64 or the default float."""
    if isinstance(value, _py_bool):
        return bool
    if isinstance(value, _py_int):
        return int64
    return get_default_dtype()


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both convert to without leaving their
    category; a higher category wins with its own width (int64 + float16 -> float16)."""
    if _category(type1) != _category(type2):
        return type1 if _category(type1) > _category(type2) else type2
    return _BY_NP[np.promote_types(type1.np, type2.np)]


def can_cast(from_: dtype, to: dtype) -> bool:
    """torch.can_cast: whether an op may write a `from_` result into a `to` tensor; casts
    down the category order (float -> int, int -> bool) are refused."""
    return _category(from_) <= _category(to)


def result_type(*operands) -> dtype:
    """torch.result_type: tensors with dims win over 0-dim tensors, which win over
    Python scalars, unless the lower-priority operand is of a higher category
    (bool < int < float); within one priority level the usual widening applies."""
    levels = [None, None, None]  # dim tensors, zero-dim tensors, Python scalars
    for op in operands:
        op = as_python_scalar(op)  # a NumPy scalar has .dtype and .shape, yet is a number
        if hasattr(op, "dtype") and hasattr(op, "shape"):
            lvl, d = (0 if len(op.shape) else 1), op.dtype
        else:
            lvl, d = 2, scalar_dtype(op)
        cur = levels[lvl]
        if cur is None:
            levels[lvl] = d
        else:
            levels[lvl] = promote_types(cur, d)
    result = None
    for d in levels:
        if d is None:
            continue
        if result is None:
            result = d
        elif _category(d) > _category(result):
            # a scalar float promotes an int tensor to the *default* float type
            result = get_default_dtype() if (d is levels[2] and _category(d) == 2) else d
    return result
