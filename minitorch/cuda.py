"""minitorch.cuda: is the GPU usable, how many, synchronize (torch.cuda's twin)."""
from __future__ import annotations

from . import backend, random


def is_available() -> bool:
    """True when CuPy imports and sees at least one NVIDIA GPU."""
    return backend.cuda_available()


def device_count() -> int:
    return backend.require_cupy().cuda.runtime.getDeviceCount() if is_available() else 0


def current_device() -> int:
    return backend.require_cupy().cuda.Device().id


def set_device(device) -> None:
    backend.require_cupy().cuda.Device(backend.as_device(device).index or 0).use()


def get_device_name(device=None) -> str:
    cp = backend.require_cupy()
    index = 0 if device is None else (backend.as_device(device).index or 0)
    name = cp.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None) -> None:
    """Wait for all queued GPU work (timing GPU code needs this)."""
    if is_available():
        backend.require_cupy().cuda.Device().synchronize()


def manual_seed(seed) -> None:
    if is_available():
        random.seed_cuda(seed)


manual_seed_all = manual_seed


def memory_allocated(device=None) -> int:
    return backend.require_cupy().get_default_memory_pool().used_bytes() if is_available() else 0


def empty_cache() -> None:
    if is_available():
        backend.require_cupy().get_default_memory_pool().free_all_blocks()
