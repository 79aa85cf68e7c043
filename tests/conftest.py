"""Shared test setup: hypothesis profiles and the device list.

Profiles: `ci` (default; derandomized so CI is reproducible, no deadline because
timings on shared runners vary), `simulated-gpu` (fewer examples, for .ci/run's
simulated-GPU pass) and `thorough` (many more examples, for local runs:
`HYPOTHESIS_PROFILE=thorough pytest`).
"""
import os

# `pytest -n 2` on a 2-core machine: one BLAS/OpenMP thread per worker, or the workers'
# thread pools oversubscribe the cores (measured on the subset training_parity + conv_pool
# + nn_layers: 111-305 s without, 44-62 s with). The libraries read these variables when
# they load, so this must run before numpy and torch are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the thread settings above)
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

import minitorch  # noqa: E402

torch.set_num_threads(1)

settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
settings.register_profile(
    "thorough", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
# The simulated-GPU pass of .ci/run (`-k cuda` under ../shared/simcupy): the same op code
# as the CPU pass, which already explores shapes and values with 25 examples per test;
# here the question is whether each code path runs on CuPy, and 10 examples answer it at
# 40 % of the time (every simulated CuPy call is checked and wrapped, ~5x slower).
settings.register_profile(
    "simulated-gpu", parent=settings.get_profile("ci"), max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEVICES = ["cpu"] + (["cuda"] if minitorch.cuda.is_available() else [])
CUDA_PARAM = pytest.param(
    "cuda", marks=pytest.mark.skipif(not minitorch.cuda.is_available(),
                                     reason="CuPy sees no GPU"))


@pytest.fixture(params=["cpu", CUDA_PARAM])
def device(request):
    """Runs a test once per backend; the cuda run is reported as skipped without a GPU."""
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    minitorch.manual_seed(0)
    np.random.seed(0)
