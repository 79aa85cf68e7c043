"""set_printoptions against torch: the same options must give the same repr characters.

Each case sets one combination of options in both libraries, prints the same values, and
compares the text (our dtype names say "minitorch." where torch's say "torch.").
"""
import math

import numpy as np
import pytest
import torch

import minitorch
from minitorch import tensor_repr

# for tests/test_op_registry.py: the public names these tests compare with torch
COVERED = {"set_printoptions"}


@pytest.fixture(autouse=True)
def _restore_defaults():
    yield
    minitorch.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def _values():
    rng = np.random.default_rng(0)
    return {
        "small floats": rng.standard_normal((3, 4)).astype(np.float32),
        "wide range": np.array([1e-5, 1.0, 12345.678, -3.5], dtype=np.float32),
        "integer valued": np.array([[1.0, -20.0, 300.0], [4.0, 5.0, 6.0]]),
        "big vector": rng.standard_normal(2000).astype(np.float32),
        "big matrix": rng.uniform(-100, 100, (40, 30)),
        "3-d": rng.standard_normal((8, 9, 10)).astype(np.float32),
        "int64": np.arange(-50, 1150, dtype=np.int64).reshape(40, 30),
        "nan inf": np.array([np.nan, np.inf, -np.inf, 2.5, 0.0], dtype=np.float32),
        "long row": rng.standard_normal(60).astype(np.float64),
        "float16": rng.standard_normal((2, 5)).astype(np.float16),
    }


OPTIONS = {
    "precision=2": dict(precision=2),
    "precision=8": dict(precision=8),
    "threshold=5": dict(threshold=5),
    "threshold=inf": dict(threshold=math.inf),
    "edgeitems=1": dict(threshold=10, edgeitems=1),
    "edgeitems=0": dict(threshold=10, edgeitems=0),
    "linewidth=40": dict(linewidth=40),
    "linewidth=200": dict(linewidth=200),
    "sci_mode=True": dict(sci_mode=True),
    "sci_mode=False": dict(sci_mode=False),
    "profile=short": dict(profile="short"),
    "profile=full": dict(profile="full"),
    "profile=short, precision=6": dict(profile="short", precision=6),
}


@pytest.mark.parametrize("values", sorted(_values()))
@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_repr_matches_torch_under_printoptions(option, values):
    arr = _values()[values]
    minitorch.set_printoptions(**OPTIONS[option])
    torch.set_printoptions(**OPTIONS[option])
    mine = repr(minitorch.from_numpy(arr.copy()))
    ref = repr(torch.from_numpy(arr.copy()))
    assert mine == ref.replace("torch.", "minitorch.")


def test_suffix_wrapping_follows_linewidth():
    # the dtype and grad suffixes move to a new line where torch's would
    minitorch.set_printoptions(linewidth=30)
    torch.set_printoptions(linewidth=30)
    mine = repr(minitorch.tensor([1.5, 2.25], dtype=minitorch.float64).requires_grad_())
    ref = repr(torch.tensor([1.5, 2.25], dtype=torch.float64).requires_grad_())
    assert mine == ref.replace("torch.", "minitorch.")
    assert "\n" in mine


def test_profile_default_restores_everything_but_sci_mode_resets_each_call():
    minitorch.set_printoptions(precision=1, threshold=3, edgeitems=1, linewidth=20,
                               sci_mode=True)
    minitorch.set_printoptions(profile="default")
    assert tensor_repr.get_printoptions() == dict(precision=4, threshold=1000, edgeitems=3,
                                                  linewidth=80, sci_mode=None)


def test_printoptions_context_manager_restores():
    with tensor_repr.printoptions(precision=1):
        assert repr(minitorch.tensor([1.25])) == "tensor([1.2])"
    assert repr(minitorch.tensor([1.25])) == "tensor([1.2500])"
