"""set_num_threads / get_num_threads: how many CPU threads minitorch's ops use.

minitorch's CPU parallelism is one thing (see _cpu.py): conv and pooling split the batch
over a thread pool. NumPy's BLAS stays on one thread (minitorch's GEMMs are small, and a
BLAS thread waiting for a busy core slowed them 2-5x), so `set_num_threads(n)` sizes the
pool: n parts per batch (n = 1: everything serial), and no op
runs on more than n cores.
"""
from __future__ import annotations

import operator

from . import _cpu


def set_num_threads(num_threads: int) -> None:
    """Use at most `num_threads` CPU threads for minitorch's ops (torch.set_num_threads).

    Args:
        num_threads: a positive int; conv/pool split each batch into this many parts.

    >>> set_num_threads(1)   # fully serial: reproducible timings, no oversubscription
    """
    # as torch: anything with __index__ (np.int64 too) but bool, which is an int in Python
    if isinstance(num_threads, bool) or not hasattr(type(num_threads), "__index__"):
        raise RuntimeError(
            f"set_num_threads expects an int, but got {type(num_threads).__name__}")
    num_threads = operator.index(num_threads)
    if num_threads <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _cpu.blas().set_threads(1)  # again: the user's own code may have raised it
    _cpu.set_cpu_threads(num_threads)


def get_num_threads() -> int:
    """The most threads one op may use: set_num_threads's value, else OMP_NUM_THREADS /
    OPENBLAS_NUM_THREADS as the BLAS read them at startup, else one per core."""
    return _cpu.allowed_threads()
