"""`minitorch.version`, torch.version's twin: `__version__` and `cuda`.

`cuda` is the CUDA runtime version of the CuPy that minitorch uses ("12.4"), or None
without CuPy or a GPU, like torch's CUDA build version (None on a CPU-only build). It is
computed on first access so that `import minitorch` never imports CuPy.
"""
from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name):
    if name == "cuda":
        from . import backend

        cupy = backend._load_cupy()
        if cupy is None:
            return None
        version = cupy.cuda.runtime.runtimeGetVersion()  # e.g. 12040 for 12.4
        return f"{version // 1000}.{version % 1000 // 10}"
    raise AttributeError(f"module 'minitorch.version' has no attribute '{name}'")
