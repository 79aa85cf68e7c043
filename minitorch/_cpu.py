"""CPU tuning, kept out of the teaching path: the BLAS thread count, the thread pool that
conv and pooling split a batch over, and glibc malloc's thresholds.

Nothing here changes a result, only how fast the NumPy path runs; the GPU path never
comes here. The measurements that justify each piece are in the comments beside it
(a 2-core machine; "loaded" means other busy processes on it).
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

# ---- the BLAS runs on one thread ----------------------------------------------------------
#
# NumPy's OpenBLAS starts one thread per core and splits every GEMM above ~262K
# multiply-adds over them. minitorch's GEMMs are mostly small (an LSTM(28, 64) step: 64 x 28
# x 256 and 64 x 64 x 256), and a split GEMM waits for its slowest thread: on a loaded
# 2-core machine that thread waits for a core. Measured (float32, load average 7, OpenBLAS
# 0.3.31): 64x64x256 took 99 us on one thread and 527 us on two; 1024^3 107 ms vs 184 ms.
# examples/rnn_mnist.py (--data subset --limit 60, load average 10-11) took 113-179 s with
# the BLAS at its default 2 threads, 11-13 s with OPENBLAS_NUM_THREADS=1, and 11.5-13 s with
# the BLAS set to one thread here (47-75 s vs 5.5 s in the issue that reported it). Idle
# BLAS threads also keep spinning for ~0.1 s and take the core from our own pool (below).
# So importing minitorch sets the BLAS to ONE thread, and the only parallelism is the batch
# split of conv and pooling, which asks first whether a core is free; `set_num_threads`
# keeps that rule. The price: a large plain matmul (beyond ~16M multiply-adds, none in the
# seed programs outside conv) gives up a second core on an idle machine.
#
# The BLAS is found by `threadpoolctl` when it is installed (the `threads` extra: OpenBLAS,
# MKL, BLIS), else by looking up OpenBLAS's own functions (NumPy's wheels ship OpenBLAS);
# a BLAS neither finds is left alone. MINITORCH_BLAS_THREADS=keep leaves it alone too.

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


class _Blas:
    """The BLAS libraries in this process: their thread counts, read and set."""

    def __init__(self):
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            found = _find_openblas()
            self._libs = [] if found is None else [found]
        else:
            libs = ThreadpoolController().select(user_api="blas").lib_controllers
            self._libs = [(lib.get_num_threads, lib.set_num_threads) for lib in libs]

    def threads(self) -> int | None:
        """The most threads any BLAS may use now (None if no BLAS was found)."""
        counts = [int(get()) for get, _ in self._libs]
        return max(counts) if counts else None

    def set_threads(self, n: int) -> None:
        for _, set_ in self._libs:
            set_(n)


_blas = None              # _Blas, made on first use
_startup_threads = None   # the BLAS's own count before we set it: OMP_NUM_THREADS et al.


def blas():
    """The process's BLAS (found on the first call, which also notes its thread count)."""
    global _blas, _startup_threads
    if _blas is None:
        _blas = _Blas()
        _startup_threads = _blas.threads()
    return _blas


def _pin_blas():
    if os.environ.get("MINITORCH_BLAS_THREADS") != "keep":
        blas().set_threads(1)


# ---- CPU threads for batch-parallel NumPy kernels ------------------------------------------
#
# Every NumPy call but the GEMMs (the im2col copies, col2im adds, pooling) runs on one core:
# on 2 cores that left half the machine idle for ~half of a conv net's step. Conv and
# pooling ops therefore split the batch into parts and run them in a small thread pool
# (NumPy releases the GIL in copies, ufuncs and matmul), each part's GEMMs on one core.
#
# How many parts: `allowed_threads()` at most, i.e. set_num_threads's value, else what the
# BLAS had at startup (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, else one per core), at most
# the cores this process may run on. (A load-adaptive count, serial when the 1-minute load
# average showed no spare core, was tried and dropped: the load average lags and counts
# our own DataLoader workers or a benchmark's alternating torch process, and it made the
# default-thread step slower on a nearly idle machine: cifar_net batch 50, 104-110 ms
# against 79-98 ms with the fixed count; mnist_cnn 38 vs 28-38 ms; load ~1, 2 rounds.)

_pool = None          # ThreadPoolExecutor with (parts - 1) workers; None: serial
_thread_count = None  # the most parts per batch (None: not decided yet)
_parallel_lock = threading.Lock()  # one parallel section at a time


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)


def cpu_threads() -> int:
    """The most parts batch-parallel ops split into (starts the pool the first time)."""
    global _thread_count, _pool
    if _thread_count is None:
        blas()
        count = max(1, min(_startup_threads or 1, _cores()))
        if count > 1:
            _pool = ThreadPoolExecutor(count - 1, thread_name_prefix="minitorch-cpu")
        _thread_count = count
    return _thread_count


def set_cpu_threads(count: int) -> None:
    """From now on, split batch-parallel ops into `count` parts (`set_num_threads`).
    The pool is swapped under the lock a parallel section holds, so no
    running op submits work to a pool being shut down."""
    global _thread_count, _pool
    pool = ThreadPoolExecutor(count - 1, thread_name_prefix="minitorch-cpu") \
        if count > 1 else None
    with _parallel_lock:
        old_pool, _pool, _thread_count = _pool, pool, count
    if old_pool is not None:
        old_pool.shutdown(wait=False)


def configured_cpu_threads():
    """The parts batch-parallel ops use, or None before the first op decided it (asking
    must not start the pool)."""
    return _thread_count


def allowed_threads() -> int:
    """The most threads one op may use (get_num_threads), without starting the pool."""
    if _thread_count is not None:
        return _thread_count
    blas()
    return max(1, min(_startup_threads or 1, _cores()))


# Small memory-bound kernels run faster on one thread: the handoff to the pool (~60 us)
# and a second core that is often busy on a loaded machine cost more than the half they
# save. Max-pool 2x2 on (50, 16, 28, 28), 627K numbers: 0.97 ms split in two vs 0.82 ms
# on one thread; break-even near batch 128 (1.6M). Callers that pass `items` (the numbers
# their work reads) get at most one part per MIN_ITEMS_PER_PART of them.
MIN_ITEMS_PER_PART = 1 << 20


def parallel_over_batch(xp, n, work, items=None):
    """Run `work(n0, n1)` on consecutive parts of range(n), one per CPU thread, and
    return the results in order. CuPy arrays, a single thread, or fewer than
    2 * MIN_ITEMS_PER_PART `items` run as one part: `[work(0, n)]`. From inside a parallel
    section the same parts run serially here (the part count depends only on the thread
    setting, so results do not depend on who calls).

    The caller must make the parts independent: each writes only its own rows of the
    output (or returns a partial result for the caller to add up).
    """
    parts = min(cpu_threads(), n) if xp is np else 1
    if items is not None:
        parts = min(parts, items // MIN_ITEMS_PER_PART)
    if parts < 2:
        return [work(0, n)]
    bounds = [n * i // parts for i in range(parts + 1)]
    # Called from inside a parallel section: the SAME parts run one after the other in this
    # thread, so callers that add up partial results (conv's weight gradient) get the same
    # sums, bit for bit.
    if not _parallel_lock.acquire(blocking=False):
        return [work(n0, n1) for n0, n1 in zip(bounds[:-1], bounds[1:])]
    try:
        futures = [_pool.submit(work, n0, n1) for n0, n1 in zip(bounds[1:-1], bounds[2:])]
        try:
            first = work(bounds[0], bounds[1])  # this thread takes the first part
        finally:
            wait(futures)
        return [first] + [future.result() for future in futures]
    finally:
        _parallel_lock.release()


# ---- glibc malloc: keep freed memory for the next step ---------------------------------
#
# A training step frees and re-allocates the same multi-MB arrays (activations, their
# gradients, an LSTM's per-step gate buffers). glibc hands big blocks back to the OS on free
# (mmap/munmap, or a heap trim), so the next step gets fresh pages and pays a page fault +
# zeroing per 4 KB. Raising the mmap and trim thresholds keeps such blocks in the heap, at
# the price of up to 256 MB of free memory staying reserved. Measured with
# benchmarks/train_step.py (default threads, 2 rounds alternating, load 0.7-2.1, median ms
# per step, MINITORCH_MALLOPT=0 vs default): rnn_mnist (LSTM(28, 64), batch 64) 21.0/23.7
# vs 13.1/13.9 ms; the CNNs within the noise (cifar_net b50 134/116 vs 125/122, mnist_cnn
# b256 183/241 vs 215/193). Page faults per step fell 2,768 -> 1,127 (mnist_cnn b256) and
# 4,615 -> 0 (cifar_net b256). MINITORCH_MALLOPT=0 leaves malloc alone. Linux/glibc only.
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
_pin_blas()
