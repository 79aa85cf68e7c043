"""The only module that knows about CuPy.

Every array a Tensor holds is either a NumPy array (device "cpu") or a CuPy array
(device "cuda:N"). Code elsewhere asks `get_xp(device)` or `array_module(array)` for
the right module and then writes `xp.exp(x)` once for both backends.

CuPy is imported lazily, the first time a CUDA device is asked for, so
`import minitorch` stays fast and works on machines without a GPU.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait

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


# ---- CPU threads for batch-parallel NumPy kernels ------------------------------------------
#
# NumPy's BLAS runs the conv GEMMs on every core, but every other NumPy call (the im2col
# copies, col2im adds, pooling) runs on one: on 2 cores that left half the machine idle
# for ~half of a conv net's step. Conv and pooling ops therefore split the batch into
# `cpu_threads()` parts and run them in a small thread pool (NumPy releases the GIL in
# copies, ufuncs and matmul), each part's GEMMs on one core.
#
# For that, once the pool starts, NumPy's OpenBLAS is set to ONE thread for the whole
# process: after each multi-threaded call an OpenBLAS thread keeps spinning for ~0.1 s
# and fights the pool's worker for the second core (measured on the MNIST CNN, batch
# 256: 80 ms more CPU per step and up to 1.5x the wall time with OpenBLAS left at 2
# threads outside the conv ops). The price: a large plain matmul outside conv/pool runs
# on one core. Only OpenBLAS (NumPy's wheels) is handled; with another BLAS, or none
# found, or OPENBLAS_NUM_THREADS=1, the ops run serially in the calling thread.

_pool = None          # ThreadPoolExecutor with cpu_threads() - 1 workers
_thread_count = None  # parts per batch; 1 = run serially
_parallel_lock = threading.Lock()  # one parallel section at a time


def _find_openblas():
    """ctypes (get, set) thread-count functions of the OpenBLAS loaded into this process."""
    try:
        with open("/proc/self/maps") as maps:  # Linux: the shared libraries mapped in
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)  # already loaded: this only looks it up
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""),
                               ("openblas", "64_"), ("openblas", "")):
            get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                return get, set_
    return None


def cpu_threads() -> int:
    """Threads the CPU conv/pool ops use: as many as NumPy's OpenBLAS had (so
    OPENBLAS_NUM_THREADS=1 or OMP_NUM_THREADS=1 makes minitorch single-threaded too), at
    most the cores this process may run on; 1 if the BLAS is not OpenBLAS."""
    global _thread_count, _pool
    if _thread_count is None:
        blas = _find_openblas()
        count = 1
        if blas is not None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
            count = max(1, min(int(blas[0]()), cores))
        if count > 1:
            blas[1](1)  # see above: the pool, not OpenBLAS, uses the other cores
            _pool = ThreadPoolExecutor(count - 1, thread_name_prefix="minitorch-cpu")
        _thread_count = count
    return _thread_count


def set_cpu_threads(count: int) -> None:
    """From now on, split batch-parallel ops into `count` parts (`set_num_threads`).
    The pool is swapped under the lock a parallel section holds, so no running op
    submits work to a pool being shut down."""
    global _thread_count, _pool
    pool = ThreadPoolExecutor(count - 1, thread_name_prefix="minitorch-cpu") \
        if count > 1 else None
    with _parallel_lock:
        old_pool, _pool, _thread_count = _pool, pool, count
    if old_pool is not None:
        old_pool.shutdown(wait=False)


def configured_cpu_threads():
    """The parts batch-parallel ops use, or None before the first op decided it (asking
    must not start the pool, which pins the BLAS to one thread as a side effect)."""
    return _thread_count


# Small memory-bound kernels run faster on one thread: the handoff to the pool (~60 us)
# and a second core that is often busy on a loaded machine cost more than the half they
# save. Max-pool 2x2 on (50, 16, 28, 28), 627K numbers: 0.97 ms split in two vs 0.82 ms
# on one thread; break-even near batch 128 (1.6M). Callers that pass `items` (the numbers
# their work reads) get at most one part per MIN_ITEMS_PER_PART of them.
MIN_ITEMS_PER_PART = 1 << 20


def parallel_over_batch(xp, n, work, items=None):
    """Run `work(n0, n1)` on consecutive parts of range(n), one per CPU thread, and
    return the results in order. CuPy arrays, a single thread, a call from inside a
    parallel section, or fewer than 2 * MIN_ITEMS_PER_PART `items` run as one part:
    `[work(0, n)]`.

    The caller must make the parts independent: each writes only its own rows of the
    output (or returns a partial result for the caller to add up).
    """
    parts = min(cpu_threads(), n) if xp is np else 1
    if items is not None:
        parts = min(parts, items // MIN_ITEMS_PER_PART)
    if parts < 2 or not _parallel_lock.acquire(blocking=False):
        return [work(0, n)]
    try:
        bounds = [n * i // parts for i in range(parts + 1)]
        futures = [_pool.submit(work, n0, n1) for n0, n1 in zip(bounds[1:-1], bounds[2:])]
        try:
            first = work(bounds[0], bounds[1])  # this thread takes the first part
        finally:
            wait(futures)
        return [first] + [future.result() for future in futures]
    finally:
        _parallel_lock.release()


# ---- glibc malloc: keep freed memory for the next step ----------------------------------
#
# A training step frees and re-allocates the same multi-MB arrays (activations, their
# gradients). glibc hands big blocks back to the OS on free (mmap/munmap, or a heap trim),
# so the next step gets fresh pages and pays a page fault + zeroing per 4 KB: 7,000 faults
# (27 MB) per step on the MNIST CNN at batch 256, 10-15 % of the step's CPU time here.
# Raising the mmap and trim thresholds keeps such blocks in the heap (up to 256 MB of free
# memory may stay reserved), which made the faults per step ~0. Linux/glibc only; other
# platforms, or MINITORCH_MALLOPT=0, leave malloc alone.
def _keep_freed_memory():
    if not sys.platform.startswith("linux") or os.environ.get("MINITORCH_MALLOPT") == "0":
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt  # absent (OSError) on musl
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's <malloc.h>
    mallopt(m_mmap_threshold, 64 << 20)  # blocks up to 64 MB come from the heap
    mallopt(m_trim_threshold, 256 << 20)


_keep_freed_memory()
