"""set_num_threads / get_num_threads: how many CPU threads minitorch and its BLAS use.

minitorch's CPU parallelism has two parts (see _cpu.py): conv and
pooling split the batch over a thread pool of `_cpu.cpu_threads()` parts, and NumPy's
BLAS runs the GEMMs. Once that pool is used, _cpu keeps the BLAS at ONE thread, because
a spinning BLAS thread fights the pool for the cores. `set_num_threads(n)` keeps that
rule: the pool gets n parts and the BLAS 1 thread (n = 1: everything serial), so no op
runs on more than n cores.

The BLAS is limited through `threadpoolctl` when it is installed (the `threads` extra;
it finds OpenBLAS, MKL and BLIS), else through _cpu's OpenBLAS lookup; a BLAS neither
can find is left alone, and only the pool is resized.
"""
from __future__ import annotations

import operator

from . import _cpu


def _blas_threads() -> int | None:
    """The most threads any BLAS in this process may use (None if none was found)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = _cpu._find_openblas()
        return int(blas[0]()) if blas is not None else None
    counts = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    return max(counts) if counts else None


def _set_blas_threads(n: int) -> None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        blas = _cpu._find_openblas()
        if blas is not None:
            blas[1](n)
        return
    threadpool_limits(limits=n, user_api="blas")  # stays in force: no `with` here


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
    # once the count is set, _cpu's lazy setup (cpu_threads) never runs to undo this
    _set_blas_threads(1)
    _cpu.set_cpu_threads(num_threads)


def get_num_threads() -> int:
    """The most threads one op may use: the conv/pool parts, or the BLAS's own threads
    when that is more (a BLAS that minitorch has not limited yet)."""
    return max(_cpu.configured_cpu_threads() or 1, _blas_threads() or 1)
