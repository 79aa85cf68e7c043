"""The only module that knows about CuPy.

Every array a Tensor holds is either a NumPy array (device "cpu") or a CuPy array
(device "cuda:N"). Code elsewhere asks `get_xp(device)` or `array_module(array)` for
the right module and then writes `xp.exp(x)` once for both backends.

CuPy is imported lazily, the first time a CUDA device is asked for, so
`import minitorch` stays fast and works on machines without a GPU.
"""
from __future__ import annotations

import contextlib

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


def on_cpu(array) -> bool:
    """True for a NumPy array: where a CuPy-only kernel must not run."""
    return array_module(array) is np


def scatter_add(target, index, values):
    """target[index] += values, where repeated indices accumulate (a plain
    `target[index] += values` would keep only one of them): NumPy's `add.at`, CuPy's
    `cupyx.scatter_add` (atomic adds on the GPU)."""
    if array_module(target) is np:
        np.add.at(target, index, values)
    else:
        import cupyx

        cupyx.scatter_add(target, index, values)
    return target


def as_strided(array, shape, strides, writeable=True):
    """A view of `array`'s memory with the given shape and byte strides.

    NumPy can mark the view read-only (`writeable=False`), which guards views whose
    elements overlap in memory against writes; CuPy's `as_strided` has no such flag (its
    arrays are always writable), so there the caller's discipline is the only guard.
    """
    if array_module(array) is np:
        return np.lib.stride_tricks.as_strided(array, shape, strides,
                                               writeable=writeable and array.flags.writeable)
    return array_module(array).lib.stride_tricks.as_strided(array, shape, strides)


def may_be_true(mask):
    """False only when `mask` is known to be all False without a device sync: `mask.any()`
    for a NumPy array; always True for a CuPy one (reading its value would stall the GPU).
    For skipping work that is rarely needed (the NaN fix-ups of max-pool) on the CPU,
    while the GPU does it unconditionally."""
    return bool(mask.any()) if on_cpu(mask) else True


# ---- inf/NaN without warnings -----------------------------------------------------------------
#
# torch computes 1/0 = inf, log(-1) = NaN, exp(1000) = inf silently; NumPy warns (a
# RuntimeWarning) unless its error state says "ignore". Op.apply and the engine's backward
# set it around every op. np.errstate would cost ~2.5 us per use (it re-parses its
# arguments each time): ~10% of a small op's forward + backward, measured on a 4x4 add.
# Since NumPy 2 the state is a context variable (what np.errstate itself sets), so setting
# it to a value made once costs ~0.2 us. NumPy 1.x has no such variable: np.errstate then.
try:
    from numpy._core.umath import _extobj_contextvar as _float_state
except ImportError:
    _float_state = None
    _IGNORE_STATE = None
else:
    with np.errstate(all="ignore"):
        _IGNORE_STATE = _float_state.get()


def quiet_float_errors():
    """Make NumPy compute inf/NaN silently; give the result to `restore_float_errors`."""
    if _float_state is not None:
        return _float_state.set(_IGNORE_STATE)
    state = np.errstate(all="ignore")
    state.__enter__()
    return state


def restore_float_errors(token):
    if _float_state is not None:
        _float_state.reset(token)
    else:
        token.__exit__(None, None, None)


class _QuietFloatErrors:
    __slots__ = ("token",)

    def __enter__(self):
        self.token = quiet_float_errors()

    def __exit__(self, *exc_info):
        restore_float_errors(self.token)


def ignore_float_errors(xp):
    """A context in which NumPy computes inf/NaN silently, as torch does (a division by
    zero gives inf, not a RuntimeWarning). CuPy never warns and has no `errstate`, so on
    the GPU it is a no-op."""
    if xp is np:
        return _QuietFloatErrors()
    return contextlib.nullcontext()


def device_of(array) -> device:
    if isinstance(array, np.ndarray) or _cupy is None or not isinstance(array, _cupy.ndarray):
        return CPU
    return device("cuda", array.device.id)


# ---- value checks that don't stop the GPU (torch's device-side asserts) ----------------------
#
# Some errors depend on a tensor's values: a class index out of range in nll_loss, a
# probability outside [0, 1] in binary_cross_entropy. On the CPU they are found at once.
# On a GPU, looking at the values means copying them to the host and waiting for every
# queued kernel: a sync per call that stalls the training loop. torch checks on the
# device instead (CUDA_KERNEL_ASSERT) and the error surfaces at the host's next wait. So
# do we: `check_values` keeps the device flag `bad.any()` (no transfer) and the next copy
# to the host (`.item()`, `.cpu()`, `.tolist()`, ...) fetches the flags with its own data
# and raises the first failed check.
_failed_checks = {}   # message -> (0-d device bool flag, exception type)


def check_values(bad, error_type, message, exact_message=None):
    """Raise error_type(message) if any element of the bool array `bad` is True: at
    once for a NumPy array, at the next device-to-host copy for a CuPy one.

    `exact_message()`, if given, names the bad value (torch's CPU message); it is only
    called on the host, where looking at the values costs nothing."""
    if array_module(bad) is np:
        if bad.any():
            raise error_type(exact_message() if exact_message else message)
        return
    flag = bad.any()
    if message in _failed_checks:  # one flag per kind of check, however many steps run
        flag = flag | _failed_checks[message][0]
    _failed_checks[message] = (flag, error_type)


def _to_host(array):
    """`array.get()`, with the pending device checks' flags fetched in the same copy (one
    host sync, not one per check), raising the first that failed."""
    if not _failed_checks:
        return array.get()
    cp = array_module(array)
    checks = list(_failed_checks.items())
    _failed_checks.clear()
    flags = cp.stack([flag for _, (flag, _) in checks]).astype(cp.uint8)
    data = cp.ascontiguousarray(array).reshape(-1).view(cp.uint8)
    host = cp.concatenate([flags, data]).get()
    for (message, (_, error_type)), failed in zip(checks, host[: len(checks)]):
        if failed:
            raise error_type(message + " (found by a check on the GPU, reported at the "
                             "first copy to the host after it)")
    return host[len(checks):].view(array.dtype).reshape(array.shape)


def move(array, dev: device):
    """Copy an array to `dev` (a no-op if it is already there)."""
    if dev.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        return _to_host(array) if hasattr(array, "get") else np.asarray(array)
    cp = require_cupy()
    if isinstance(array, cp.ndarray) and array.device.id == (dev.index or 0):
        return array
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(array)
