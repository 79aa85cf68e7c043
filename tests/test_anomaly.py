"""autograd.detect_anomaly: the first NaN gradient raises at the node that made it,
with torch's message, on the first-order and the create_graph=True paths."""
import warnings

import pytest
import torch

import minitorch
from minitorch import autograd

# for tests/test_op_registry.py: the top-level names these tests compare with torch
COVERED = {"is_anomaly_enabled", "is_anomaly_check_nan_enabled"}

# (name, function of x, input): sqrt'(-1) = 0.5 / sqrt(-1) is NaN in SqrtBackward0's
# 0th output; x*0 / (x*0) gives d/d(denominator) = -g * 0 / 0 = NaN, DivBackward0's 1th
CASES = [
    ("sqrt", lambda x: x.sqrt().sum(), [-1.0, 4.0]),
    ("div_0_by_0", lambda x: (x * 0 / (x * 0)).sum(), [-1.0, 4.0]),
]


def error_of(lib, fn, values, create_graph=False):
    x = lib.tensor(values, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Anomaly Detection has been enabled" and torch's
        with lib.autograd.detect_anomaly():  # traceback-of-forward warning
            with pytest.raises(RuntimeError) as info:
                lib.autograd.grad(fn(x), x, create_graph=create_graph)
    return str(info.value)


@pytest.mark.parametrize("create_graph", [False, True], ids=["arrays", "create_graph"])
@pytest.mark.parametrize("name,fn,values", CASES, ids=[c[0] for c in CASES])
def test_nan_in_backward_raises_torch_message(name, fn, values, create_graph):
    expected = error_of(torch, fn, values, create_graph)
    assert error_of(minitorch, fn, values, create_graph) == expected
    assert "returned nan values in its" in expected


def test_off_by_default_and_nan_flows_silently():
    assert not autograd.is_anomaly_enabled() and autograd.is_anomaly_check_nan_enabled()
    x = minitorch.tensor([-1.0], requires_grad=True)
    x.sqrt().sum().backward()
    assert x.grad.isnan().all()


def test_state_functions_match_torch():
    # torch keeps the two queries at top level (torch.is_anomaly_enabled) only
    for lib, state in ((torch, torch), (minitorch, minitorch), (minitorch, autograd)):
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            ctx = lib.autograd.detect_anomaly(check_nan=False)
        with ctx:
            assert state.is_anomaly_enabled()
            assert not state.is_anomaly_check_nan_enabled()
        assert not state.is_anomaly_enabled()
        assert state.is_anomaly_check_nan_enabled()
        with lib.autograd.set_detect_anomaly(True):
            assert state.is_anomaly_enabled()
            with lib.autograd.set_detect_anomaly(False):
                assert not state.is_anomaly_enabled()
            assert state.is_anomaly_enabled()
        assert not state.is_anomaly_enabled()


def test_check_nan_false_lets_nan_through():
    x = minitorch.tensor([-1.0], requires_grad=True)
    with autograd.set_detect_anomaly(True, check_nan=False):
        x.sqrt().sum().backward()
    assert x.grad.isnan().all()


def test_decorator():
    with pytest.warns(UserWarning):
        @autograd.detect_anomaly()
        def step(x):
            assert autograd.is_anomaly_enabled()
            x.sqrt().sum().backward()

    with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan"):
        step(minitorch.tensor([-1.0], requires_grad=True))
    assert not autograd.is_anomaly_enabled()


def test_no_nan_no_error():
    x = minitorch.tensor([1.0, 4.0], requires_grad=True)
    with pytest.warns(UserWarning), autograd.detect_anomaly():
        (x.sqrt() / x).sum().backward()
    torch_x = torch.tensor([1.0, 4.0], requires_grad=True)
    (torch_x.sqrt() / torch_x).sum().backward()
    assert torch.allclose(torch.from_numpy(x.grad.numpy()), torch_x.grad)
