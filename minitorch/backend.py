"""The only module that knows about CuPy.

Every array a Tensor holds is either a NumPy array (device "cpu") or a CuPy array
(device "cuda:N"). Code elsewhere asks `get_xp(device)` or `array_module(array)` for
the right module and then writes `xp.exp(x)` once for both backends.

CuPy is imported lazily, the first time a CUDA device is asked for, so
`import minitorch` stays fast and works on machines without a GPU.
"""
from __future__ import annotations

import numpy as np

_cupy = None          # the cupy module once imported
_cupy_error = None    # why importing/initialising cupy failed, for the error message


def _load_cupy():
    """Import cupy and check that it sees a GPU; remember the failure reason."""
    global _cupy, _cupy_error
    if _cupy is not None or _cupy_error is not None:
        return _cupy
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("CuPy sees no CUDA device")
        _cupy = cupy
    except Exception as exc:  # ImportError, CUDA driver errors, ...
        _cupy_error = f"{type(exc).__name__}: {exc}"
    return _cupy


def cuda_available() -> bool:
    return _load_cupy() is not None


def require_cupy():
    cp = _load_cupy()
    if cp is None:
        raise RuntimeError(
            "minitorch: CUDA is not available (no CuPy or no NVIDIA GPU: "
            f"{_cupy_error}). Install the cuda12/cuda13 extra on a machine with a GPU."
        )
    return cp


class device:
    """A device, as in `torch.device`: `device("cpu")`, `device("cuda")`, `device("cuda", 0)`."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string or device, but got {type!r}")
        name = type
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name not in ("cpu", "cuda"):
            raise RuntimeError(
                "Expected one of cpu, cuda device type at start of device string: " + type
            )
        if name == "cpu" and index not in (None, 0):
            raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        self.type = name
        self.index = index if name == "cuda" else None

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self):
        return hash((self.type, self.index or 0))


CPU = device("cpu")


def as_device(dev) -> device:
    """Accept None, a string, an int (CUDA ordinal) or a device; return a device."""
    if dev is None:
        return CPU
    if isinstance(dev, device):
        return dev
    if isinstance(dev, int):
        return device("cuda", dev)
    return device(dev)


def get_xp(dev: device):
    """numpy for the CPU, cupy for a CUDA device (raising a clear error if unusable)."""
    if dev.type == "cpu":
        return np
    return require_cupy()


def array_module(array):
    """The module (numpy or cupy) an array belongs to."""
    if isinstance(array, np.ndarray) or _cupy is None:
        return np
    return _cupy if isinstance(array, _cupy.ndarray) else np


def device_of(array) -> device:
    if isinstance(array, np.ndarray) or _cupy is None or not isinstance(array, _cupy.ndarray):
        return CPU
    return device("cuda", array.device.id)


def move(array, dev: device):
    """Copy an array to `dev` (a no-op if it is already there)."""
    if dev.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        return array.get() if hasattr(array, "get") else np.asarray(array)
    cp = require_cupy()
    if isinstance(array, cp.ndarray) and array.device.id == (dev.index or 0):
        return array
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(array)
