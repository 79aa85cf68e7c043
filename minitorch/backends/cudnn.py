"""torch.backends.cudnn's flags, kept for code that sets them.

minitorch's GPU convolutions are CuPy im2col + cuBLAS GEMMs, not cuDNN, so there is no
cuDNN here to enable, tune (`benchmark`) or make deterministic: `is_available()` is False
and the flags change nothing. Their defaults are torch's.
"""
from __future__ import annotations

import contextlib

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: minitorch never calls cuDNN (see the module docstring)."""
    return False


def version():
    """None, as torch answers when it has no cuDNN."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Set the flags inside a `with` block only (torch's defaults for the arguments)."""
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    module = globals()
    old = {name: module[name] for name in names}
    module.update(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                  deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        module.update(old)
