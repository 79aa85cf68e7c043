"""Argument checks shared by the functional API: say what was passed, in torch's words."""
from __future__ import annotations

from ...tensor import Tensor


def type_name(value):
    """'numpy.ndarray', 'list', 'NoneType': how torch names a Python type in its errors."""
    cls = type(value)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def require_tensor(fn, value, arg="input", position=1):
    """TypeError (torch's) when a NumPy array, list or number is passed where a Tensor
    must go, instead of an AttributeError from deep inside minitorch."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, "
                        f"not {type_name(value)}")
