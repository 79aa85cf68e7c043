"""The compatibility namespaces against torch: accelerator, backends, set_num_threads,
nn.DataParallel and nn.utils.parameters_to_vector / vector_to_parameters."""
import importlib.util
import os
import sys

import numpy as np
import pytest
import torch

import minitorch
from minitorch import _cpu

# ---- accelerator ---------------------------------------------------------------------------
# for tests/test_op_registry.py: the public names these tests compare with torch
COVERED = {"get_num_threads", "set_num_threads"}


def test_accelerator_reports_what_this_process_has():
    has_gpu = minitorch.cuda.is_available()
    assert minitorch.accelerator.is_available() is has_gpu
    assert minitorch.accelerator.device_count() == minitorch.cuda.device_count()
    if has_gpu:
        assert minitorch.accelerator.current_accelerator() == minitorch.device("cuda")
    else:  # torch here is a CPU build: both must say "no accelerator" the same way
        assert minitorch.accelerator.current_accelerator() is None
        assert torch.accelerator.current_accelerator() is None
        assert minitorch.accelerator.device_count() == torch.accelerator.device_count() == 0
        for name in ("current_device_index", "synchronize"):
            with pytest.raises(RuntimeError) as ref:
                getattr(torch.accelerator, name)()
            with pytest.raises(RuntimeError, match=str(ref.value)):
                getattr(minitorch.accelerator, name)()


def test_accelerator_follows_cuda_when_a_gpu_is_there(monkeypatch):
    monkeypatch.setattr(minitorch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(minitorch.cuda, "device_count", lambda: 2)
    assert minitorch.accelerator.is_available()
    assert minitorch.accelerator.current_accelerator() == minitorch.device("cuda")
    assert minitorch.accelerator.current_accelerator().index is None  # as torch's
    assert minitorch.accelerator.device_count() == 2


# ---- backends ------------------------------------------------------------------------------
def test_cudnn_flags_have_torch_defaults_and_can_be_set():
    cudnn = minitorch.backends.cudnn
    for flag in ("enabled", "benchmark", "deterministic"):
        assert getattr(cudnn, flag) == getattr(torch.backends.cudnn, flag), flag
    with cudnn.flags(enabled=True, benchmark=True, deterministic=True):
        assert cudnn.benchmark and cudnn.deterministic
    assert not cudnn.benchmark and not cudnn.deterministic  # restored
    cudnn.benchmark = True  # what tutorials write
    try:
        assert minitorch.backends.cudnn.benchmark is True
    finally:
        cudnn.benchmark = False


def test_backends_availability_is_honest():
    # minitorch never calls cuDNN or Metal, whatever the machine has
    assert minitorch.backends.cudnn.is_available() is False
    assert minitorch.backends.cudnn.version() is None
    assert minitorch.backends.mps.is_available() is False
    assert minitorch.backends.mps.is_built() is False
    assert minitorch.backends.cuda.is_built() is (importlib.util.find_spec("cupy") is not None)
    minitorch.backends.cuda.matmul.allow_tf32 = True  # accepted, as in torch
    minitorch.backends.cuda.matmul.allow_tf32 = False


# ---- set_num_threads -----------------------------------------------------------------------
def _openblas_threads():
    blas = _cpu._find_openblas()
    return None if blas is None else int(blas[0]())


@pytest.fixture
def restore_threads(monkeypatch):
    """Put _cpu's pool and the BLAS back as they were (other tests share the process)."""
    _cpu.cpu_threads()
    count, pool, blas = _cpu._thread_count, _cpu._pool, _openblas_threads()
    monkeypatch.setattr(_cpu, "MIN_ITEMS_PER_PART", 1)  # split even tiny work
    monkeypatch.setattr(_cpu, "_blas", _cpu._blas)  # a test may make it again
    yield
    if _cpu._pool is not pool and _cpu._pool is not None:
        _cpu._pool.shutdown()
    _cpu._thread_count, _cpu._pool = count, pool
    if blas is not None:
        _cpu._find_openblas()[1](blas)


def _parts():
    seen = []
    _cpu.parallel_over_batch(np, 12, lambda n0, n1: seen.append((n0, n1)))
    return sorted(seen)


@pytest.mark.parametrize("threadpoolctl", ["installed", "missing"])
def test_set_num_threads_sets_the_pool_and_limits_blas(restore_threads, monkeypatch,
                                                       threadpoolctl):
    if threadpoolctl == "missing":
        monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import raises ImportError
    elif importlib.util.find_spec("threadpoolctl") is None:
        pytest.skip("threadpoolctl is not installed (the `threads` extra)")
    monkeypatch.setattr(_cpu, "_blas", None)  # found again, with or without threadpoolctl
    blas = _cpu._find_openblas()
    if blas is not None:
        blas[1](2)  # as if the user's own code had given the BLAS two threads
        assert _cpu.blas().threads() == 2  # both ways find NumPy's OpenBLAS
    minitorch.set_num_threads(3)
    assert minitorch.get_num_threads() == 3 and _cpu.cpu_threads() == 3
    assert _parts() == [(0, 4), (4, 8), (8, 12)]  # the batch really is split in three
    if blas is not None:
        assert _openblas_threads() == 1  # the pool, not the BLAS, uses the other cores
    minitorch.set_num_threads(np.int64(1))  # torch takes any integer with __index__
    assert minitorch.get_num_threads() == 1 and _cpu._pool is None
    assert _parts() == [(0, 12)]


def test_get_num_threads_does_not_start_the_pool(monkeypatch):
    monkeypatch.setattr(_cpu, "_thread_count", None)  # as before the first conv
    monkeypatch.setattr(_cpu, "_pool", None)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert minitorch.get_num_threads() == max(1, min(_cpu._startup_threads or 1, cores))
    assert _cpu._thread_count is None and _cpu._pool is None


def test_conv_under_set_num_threads_matches_torch(restore_threads):
    minitorch.set_num_threads(2)
    x = np.random.default_rng(0).standard_normal((4, 3, 9, 9)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((5, 3, 3, 3)).astype(np.float32)
    got = minitorch.nn.functional.conv2d(minitorch.from_numpy(x), minitorch.from_numpy(w))
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bad", ["a", 0, -1, 2.0, True])
def test_set_num_threads_errors_match_torch(bad):
    with pytest.raises(RuntimeError) as ref:
        torch.set_num_threads(bad)
    with pytest.raises(RuntimeError) as mine:
        minitorch.set_num_threads(bad)
    assert str(mine.value) == str(ref.value)


# ---- DataParallel --------------------------------------------------------------------------
def _pair():
    mine = minitorch.nn.Sequential(minitorch.nn.Linear(4, 3), minitorch.nn.ReLU(),
                                   minitorch.nn.BatchNorm1d(3))
    ref = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.BatchNorm1d(3))
    return minitorch.nn.DataParallel(mine), torch.nn.DataParallel(ref)


def test_data_parallel_state_dict_and_repr_match_torch():
    mine, ref = _pair()
    assert list(mine.state_dict()) == list(ref.state_dict())
    assert list(mine.state_dict())[0] == "module.0.weight"
    assert repr(mine) == repr(ref)
    assert isinstance(mine.module, minitorch.nn.Sequential)


def test_data_parallel_forward_calls_the_module_with_torch_weights():
    mine, ref = _pair()
    mine.load_state_dict({k: minitorch.from_numpy(v.numpy().copy())
                          for k, v in ref.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    for mode in ("train", "eval"):
        getattr(mine, mode)()
        getattr(ref, mode)()
        got = mine(minitorch.from_numpy(x))
        np.testing.assert_allclose(got.detach().cpu().numpy(),
                                   ref(torch.from_numpy(x)).detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
    # as torch's: with a GPU the module and the output live on device_ids[0], else the CPU
    expected = "cuda:0" if minitorch.cuda.is_available() else "cpu"
    assert got.device == minitorch.device(expected)
    np.testing.assert_allclose(mine.module[2].running_mean.cpu().numpy(),
                               ref.module[2].running_mean.numpy(), rtol=1e-5, atol=1e-7)


def test_data_parallel_function_needs_a_gpu_as_torch_does():
    if minitorch.cuda.is_available():
        out = minitorch.nn.parallel.data_parallel(minitorch.nn.Linear(4, 2),
                                                  minitorch.randn(3, 4), device_ids=[0])
        assert out.device == minitorch.device("cuda", 0)
        return
    mine, ref = _pair()
    with pytest.raises(RuntimeError) as want:
        torch.nn.parallel.data_parallel(ref.module, torch.zeros(2, 4))
    with pytest.raises(RuntimeError, match=str(want.value)):
        minitorch.nn.parallel.data_parallel(mine.module, minitorch.zeros(2, 4))


@pytest.mark.skipif(not minitorch.cuda.is_available(), reason="CuPy sees no GPU")
def test_data_parallel_moves_module_and_inputs_to_the_first_gpu():
    model = minitorch.nn.DataParallel(minitorch.nn.Linear(4, 2), device_ids=[0])
    assert model.module.weight.device == minitorch.device("cuda", 0)
    out = model(minitorch.randn(3, 4))  # a CPU input is moved, as torch's scatter does
    assert out.device == minitorch.device("cuda", 0)


# ---- parameters_to_vector / vector_to_parameters --------------------------------------------
def test_parameters_to_vector_and_back_match_torch():
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    mine = minitorch.nn.Sequential(minitorch.nn.Linear(3, 4), minitorch.nn.Linear(4, 2))
    mine.load_state_dict({k: minitorch.from_numpy(v.detach().numpy().copy())
                          for k, v in ref.state_dict().items()})
    vec = minitorch.nn.utils.parameters_to_vector(mine.parameters())
    want = torch.nn.utils.parameters_to_vector(ref.parameters())
    assert vec.shape == (26,) and vec.dtype == minitorch.float32
    np.testing.assert_array_equal(vec.detach().numpy(), want.detach().numpy())
    new = np.arange(26, dtype=np.float32)
    minitorch.nn.utils.vector_to_parameters(minitorch.from_numpy(new), mine.parameters())
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new), ref.parameters())
    for (name, p), q in zip(mine.named_parameters(), ref.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)
        assert isinstance(p, minitorch.nn.Parameter) and p.requires_grad


@pytest.mark.parametrize("case", ["vec is a list", "vec is an int", "params not iterable",
                                  "params hold a number"])
def test_convert_parameters_errors_match_torch(case):
    def call(lib):
        params = [lib.zeros(2)]
        if case == "vec is a list":
            return lib.nn.utils.vector_to_parameters([1.0, 2.0], params)
        if case == "vec is an int":
            return lib.nn.utils.vector_to_parameters(3, params)
        if case == "params not iterable":
            return lib.nn.utils.parameters_to_vector(3)
        return lib.nn.utils.parameters_to_vector([1.0])
    with pytest.raises(Exception) as ref:
        call(torch)
    with pytest.raises(type(ref.value)) as mine:
        call(minitorch)
    assert str(mine.value) == str(ref.value)
