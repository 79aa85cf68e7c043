"""erf/erfc/erfinv accuracy over wide ranges (beyond the registry's samples), and the dtype
queries finfo, iinfo, result_type, promote_types, can_cast -- all against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch

COVERED = {"finfo", "iinfo", "result_type", "promote_types", "can_cast"}

RNG = np.random.default_rng(0)
# erf's three intervals and their borders, the far tail of erfc (down to subnormals and
# underflow at x ~ 27.3), tiny arguments, and the non-finite values
WIDE = np.concatenate([
    RNG.uniform(-1, 1, 4000), RNG.uniform(-6, 6, 4000), RNG.uniform(-30, 30, 4000),
    np.geomspace(1e-300, 1, 400), -np.geomspace(1e-300, 1, 400),
    np.linspace(0.46, 0.48, 201), np.linspace(3.99, 4.01, 201), np.linspace(26, 28, 201),
    [0.0, -0.0, 0.46875, -0.46875, 4.0, -4.0, 1e300, -1e300, np.inf, -np.inf, np.nan]])


def mine_and_torch(name, x):
    got = getattr(minitorch, name)(minitorch.from_numpy(x)).numpy()
    want = getattr(torch, name)(torch.from_numpy(x)).numpy()
    return got, want


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_erf_erfc_float64_to_rounding(name):
    """Cody's approximations are good to a few ulps: 1e-15 relative, also where erfc is
    1e-300 (where 1 - erf would be 0), and within one subnormal step below 2.2e-308."""
    got, want = mine_and_torch(name, WIDE)
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-322, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))  # erf(-0.0) = -0.0


def test_erfinv_float64_to_rounding():
    """Giles' start + Halley's method in float64, up to 1 - 2**-53 where the tail needs
    the erfc form of the residual; +-inf at +-1, NaN outside."""
    y = np.concatenate([RNG.uniform(-1, 1, 5000), 1 - np.geomspace(2**-53, 0.5, 500),
                        -(1 - np.geomspace(2**-53, 0.5, 500)), np.geomspace(1e-300, 0.1, 200),
                        [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -np.inf, np.nan]])
    got, want = mine_and_torch("erfinv", y)
    np.testing.assert_allclose(got, want, rtol=2e-15, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_error_functions_float32(name):
    x = WIDE.astype(np.float32) if name != "erfinv" else RNG.uniform(-1, 1, 5000).astype(
        np.float32)
    with np.errstate(over="ignore"):
        got, want = mine_and_torch(name, x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-37, equal_nan=True)


FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
ALL = FLOATS + INTS + ["bool"]


@pytest.mark.parametrize("name", FLOATS + [None])
def test_finfo(name):
    mine = minitorch.finfo(getattr(minitorch, name)) if name else minitorch.finfo()
    ref = torch.finfo(getattr(torch, name)) if name else torch.finfo()
    for attr in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
        assert getattr(mine, attr) == getattr(ref, attr), attr
        assert type(getattr(mine, attr)) is type(getattr(ref, attr)), attr
    assert repr(mine) == repr(ref)
    assert minitorch.finfo(float).dtype == torch.finfo(float).dtype == "float64"


@pytest.mark.parametrize("name", INTS)
def test_iinfo(name):
    mine, ref = minitorch.iinfo(getattr(minitorch, name)), torch.iinfo(getattr(torch, name))
    assert (mine.bits, mine.min, mine.max, mine.dtype) == (ref.bits, ref.min, ref.max, ref.dtype)
    assert repr(mine) == repr(ref)


@pytest.mark.parametrize("call,exc,match", [
    (lambda L: L.finfo(L.int32), TypeError, "torch.finfo() requires a floating point input"),
    (lambda L: L.iinfo(L.float32), TypeError, "torch.iinfo() requires an integer input"),
    (lambda L: L.iinfo(L.bool), TypeError, "torch.bool is not supported by torch.iinfo"),
    (lambda L: L.promote_types(L.int64, 3), TypeError,
     "promote_types(): argument 'type2' (position 2) must be torch.dtype, not int"),
    (lambda L: L.result_type([1], 2), TypeError,
     "result_type() received an invalid combination of arguments"),
])
def test_type_query_errors(call, exc, match):
    for lib in (torch, minitorch):
        with pytest.raises(exc) as info:
            call(lib)
        assert match in str(info.value), lib.__name__


def names(d):
    return str(d).split(".")[-1]


@pytest.mark.parametrize("a", ALL)
def test_promote_types_and_can_cast(a):
    for b in ALL:
        ta, tb, ma, mb = (getattr(lib, n) for lib in (torch, minitorch) for n in (a, b))
        assert names(minitorch.promote_types(ma, mb)) == names(torch.promote_types(ta, tb))
        assert minitorch.can_cast(ma, mb) == torch.can_cast(ta, tb), (a, b)


OPERANDS = [  # (kind, value): 1-d tensors, 0-d tensors and Python numbers of each category
    ("t", ("int64", [1])), ("t", ("int8", [1])), ("t", ("float16", [1])),
    ("t", ("float64", [1])), ("t", ("bool", [True])), ("t", ("uint8", [1])),
    ("t", ("float64", 1)), ("t", ("int32", 1)), ("t", ("bool", True)),
    ("n", 1), ("n", 1.5), ("n", True)]


def make(lib, operand):
    kind, value = operand
    if kind == "n":
        return value
    dtype, data = value
    return lib.tensor(data, dtype=getattr(lib, dtype))


@pytest.mark.parametrize("first", OPERANDS, ids=str)
def test_result_type(first):
    for second in OPERANDS:
        if first[0] == second[0] == "n":
            continue
        want = torch.result_type(make(torch, first), make(torch, second))
        got = minitorch.result_type(make(minitorch, first), make(minitorch, second))
        assert names(got) == names(want), (first, second)
