"""Questions about dtypes: finfo/iinfo (a type's limits) and the promotion queries
result_type, promote_types and can_cast. The rules themselves live in dtypes.py."""
from __future__ import annotations

import numbers

import numpy as np

from . import dtypes


def _as_dtype(value, fn, argname, position):
    if isinstance(value, dtypes.dtype):
        return value
    if value in (float, int, bool):  # Python types name float64, int64, bool
        return dtypes.to_dtype(value)
    raise TypeError(f"{fn}(): argument '{argname}' (position {position}) must be "
                    f"torch.dtype, not {type(value).__name__}")


class finfo:
    """torch.finfo(dtype): the limits of a floating dtype (default: the default dtype).

    bits, eps (1.0's distance to the next number), max, min (= -max), tiny and
    smallest_normal (the smallest positive normal number), resolution (10**-digits), and
    dtype (its name, a str, as in torch).
    """

    def __init__(self, type=None):
        d = dtypes.get_default_dtype() if type is None else _as_dtype(type, "finfo", "type", 1)
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(d.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # NumPy's is rounded to the dtype
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo(dtype): bits, min, max and dtype (its name) of an integer dtype."""

    def __init__(self, type):
        d = _as_dtype(type, "iinfo", "type", 1)
        if d is dtypes.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(d.np)
        self.bits, self.min, self.max = int(info.bits), int(info.min), int(info.max)
        self.dtype = d.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"  # as torch


def result_type(tensor, other):
    """The dtype an elementwise op on `tensor` and `other` computes in (torch's
    promotion: dimensioned tensors > zero-dim tensors > Python numbers, unless the lower
    one is of a higher category bool < int < float)."""
    # NumPy scalars (np.bool_ is no numbers.Number) count as the Python numbers torch reads
    tensor, other = dtypes.as_python_scalar(tensor), dtypes.as_python_scalar(other)
    for x in (tensor, other):
        if not (hasattr(x, "_data") or isinstance(x, numbers.Number)):
            raise TypeError("result_type() received an invalid combination of arguments - "
                            f"got ({type(tensor).__name__}, {type(other).__name__})")
    return dtypes.result_type(tensor, other)


def promote_types(type1, type2):
    """The smallest dtype both dtypes convert to (int64 + float16 -> float16)."""
    return dtypes.promote_types(_as_dtype(type1, "promote_types", "type1", 1),
                                _as_dtype(type2, "promote_types", "type2", 2))


def can_cast(from_, to):
    """Whether torch's casting rules allow an op to write a `from_` result into `to`."""
    return dtypes.can_cast(_as_dtype(from_, "can_cast", "from_", 1),
                           _as_dtype(to, "can_cast", "to", 2))
