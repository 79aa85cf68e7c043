"""The threaded CPU path of conv and pooling (`_cpu.parallel_over_batch`) against torch.

The ops split the batch over `_cpu.cpu_threads()` parts. conftest.py pins BLAS to one
thread per xdist worker, which makes `cpu_threads()` 1, so without the fixture below the
split would never run in CI. The fixture forces two and three parts (a one-worker or
two-worker pool, whatever the machine has, and a minimum work per part of one number) and reruns the parity tests of
test_conv_pool.py and the seed-CNN training parity under it.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

from minitorch import _cpu
import test_conv_pool as conv_tests
import test_training_parity as training_tests


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
    import numpy as np
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
