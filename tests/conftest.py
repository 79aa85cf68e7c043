"""Shared test setup: hypothesis profiles and the device list.

Profiles: `ci` (default; derandomized so CI is reproducible, no deadline because
timings on shared runners vary) and `thorough` (many more examples, for local runs:
`HYPOTHESIS_PROFILE=thorough pytest`).
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import minitorch

settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
settings.register_profile(
    "thorough", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
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
