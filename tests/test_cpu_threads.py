"""The threaded CPU path of conv and pooling (`_cpu.parallel_over_batch`) against torch,
and the thread counts _cpu chooses: the BLAS on one thread from import on, the batch split
only over spare cores (unless set_num_threads fixed the count), OMP_NUM_THREADS respected.

The ops split the batch over `_cpu.cpu_threads()` parts. conftest.py pins BLAS to one
thread per xdist worker, which makes `cpu_threads()` 1, so without the fixture below the
split would never run in CI. The fixture forces two and three parts (a one-worker or
two-worker pool, whatever the machine has, and a minimum work per part of one number)
and reruns the parity tests of test_conv_pool.py and the seed-CNN training parity under it.
"""
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import test_conv_pool as conv_tests
import test_training_parity as training_tests

from minitorch import _cpu


@pytest.fixture(params=[2, 3], ids=["2 parts", "3 parts"])
def forced_parts(request, monkeypatch):
    parts = request.param
    pool = ThreadPoolExecutor(parts - 1, thread_name_prefix="test-cpu")
    monkeypatch.setattr(_cpu, "_thread_count", parts)
    monkeypatch.setattr(_cpu, "_pool", pool)
    # small test inputs would otherwise stay on one thread (not worth a handoff)
    monkeypatch.setattr(_cpu, "MIN_ITEMS_PER_PART", 1)
    yield parts
    pool.shutdown()


def test_the_batch_really_is_split(forced_parts):
    seen = []
    _cpu.parallel_over_batch(np, 7, lambda n0, n1: seen.append((n0, n1)))
    assert sorted(seen) == [(7 * i // forced_parts, 7 * (i + 1) // forced_parts)
                            for i in range(forced_parts)]


@pytest.mark.parametrize("dtype", conv_tests.DTYPES)
def test_conv2d(forced_parts, dtype):
    conv_tests.test_conv2d_matches_torch(dtype=dtype, device="cpu")


@pytest.mark.parametrize("dtype", conv_tests.DTYPES)
def test_conv_transpose2d(forced_parts, dtype):
    conv_tests.test_conv_transpose2d_matches_torch(dtype=dtype, device="cpu")


@pytest.mark.parametrize("dtype", conv_tests.DTYPES)
def test_max_pool2d(forced_parts, dtype):
    conv_tests.test_max_pool2d_matches_torch_including_ties(dtype=dtype, device="cpu")


def test_mnist_cnn_end_to_end(forced_parts):
    conv_tests.test_mnist_cnn_float32_end_to_end(device="cpu")


@pytest.mark.parametrize("name", ["mnist_cnn", "cifar_net"])
def test_float64_training(forced_parts, name):
    training_tests.test_float64_training_matches_torch(name)


# ---- the thread counts --------------------------------------------------------------------
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORT = """
import json, os, numpy, threadpoolctl
before = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
          if lib["user_api"] == "blas"]
import minitorch
after = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
         if lib["user_api"] == "blas"]
print(json.dumps([before, after, minitorch.get_num_threads()]))
"""


def _fresh_process(**env_vars):
    """[BLAS threads before and after `import minitorch`, get_num_threads()] in a new
    interpreter with only `env_vars` of the thread variables set."""
    pytest.importorskip("threadpoolctl", reason="threadpoolctl is not installed")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env.update(env_vars, PYTHONPATH=ROOT + os.pathsep + env.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    before, after, count = json.loads(done.stdout.strip().splitlines()[-1])
    if not before:
        pytest.skip("NumPy's BLAS is not one threadpoolctl knows")
    return before, after, count


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def test_import_puts_the_blas_on_one_thread():
    before, after, count = _fresh_process(OPENBLAS_NUM_THREADS="2")
    assert before == [2] and after == [1]
    assert count == min(2, _cores())  # the pool may still use what the BLAS was given


def test_omp_num_threads_is_respected():
    before, after, count = _fresh_process(OMP_NUM_THREADS="1")
    assert before == after == [1] and count == 1


def test_the_blas_can_be_left_alone():
    before, after, _ = _fresh_process(OPENBLAS_NUM_THREADS="2", MINITORCH_BLAS_THREADS="keep")
    assert before == after == [2]


@pytest.fixture
def two_parts(monkeypatch):
    """The default count (no set_num_threads) of two parts; the load decides the rest."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="test-cpu")
    monkeypatch.setattr(_cpu, "_thread_count", 2)
    monkeypatch.setattr(_cpu, "_pool", pool)
    monkeypatch.setattr(_cpu, "MIN_ITEMS_PER_PART", 1)
    yield
    pool.shutdown()


def _split(n=8):
    seen = []
    _cpu.parallel_over_batch(np, n, lambda n0, n1: seen.append((n0, n1)))
    return sorted(seen)


def test_the_parts_run_in_the_pool(two_parts):
    """Two parts, one of them on a pool thread (the count depends only on the thread
    setting: conv's weight gradient adds partial results, so its bits follow the count)."""
    threads = set()
    _cpu.parallel_over_batch(np, 8, lambda n0, n1: threads.add(threading.get_ident()))
    assert _split() == [(0, 4), (4, 8)]
    assert len(threads) == 2
