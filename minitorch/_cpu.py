"""CPU tuning, kept out of the teaching path: the thread pool that conv and pooling split a
batch over, the BLAS thread count, and glibc malloc's thresholds.

Nothing here changes a result, only how fast the NumPy path runs; the GPU path never
comes here. The measurements that justify each piece are in the comments beside it.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np


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
