"""minitorch.accelerator: the device-agnostic view of the GPU (torch.accelerator's twin).

minitorch's only accelerator is CUDA through CuPy, so every answer here comes from
minitorch.cuda: tutorials write `torch.accelerator.current_accelerator()` once and run on
whatever the machine has, and here that is a CUDA device or nothing (the CPU).

    device = torch.accelerator.current_accelerator() or torch.device("cpu")
"""
from __future__ import annotations

from . import backend, cuda


def is_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """`device(type='cuda')` when a GPU is usable, else None (torch returns None on a
    machine with no accelerator; `check_available` changes nothing here, because a CUDA
    that minitorch cannot use is never reported)."""
    return backend.device("cuda") if cuda.is_available() else None


def device_count() -> int:
    """How many GPUs CuPy sees (0 without one)."""
    return cuda.device_count()


def _require() -> None:
    if not cuda.is_available():
        # torch's message and type for the same call on a machine without an accelerator
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index() -> int:
    _require()
    return cuda.current_device()


def set_device_index(device) -> None:
    _require()
    cuda.set_device(device)


def synchronize(device=None) -> None:
    """Wait for all queued GPU work."""
    _require()
    cuda.synchronize(device)


# torch's older spellings, still in tutorials
current_device_idx = current_device_index
set_device_idx = set_device_index
