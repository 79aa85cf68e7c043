"""The per-parameter loop every optimizer shares (`Optimizer.step` with the `_init_state` /
`_update` hooks): inf/NaN gradients compute silently as torch's do, the state's keys come
in torch's order, and SGD without momentum keeps no state, as torch's."""
import numpy as np
import pytest
import torch

import minitorch
from minitorch import optim

# every algorithm on the shared template, with options that reach its divisions and sqrts
CASES = {
    "SGD": dict(lr=0.1, momentum=0.9),
    "Adam": dict(lr=0.1, amsgrad=True),
    "AdamW": dict(lr=0.1),
    "Adagrad": dict(lr=0.1),
    "Adadelta": dict(lr=0.1),
    "Adamax": dict(lr=0.1),
    "NAdam": dict(lr=0.1),
    "RAdam": dict(lr=0.1),
    "RMSprop": dict(lr=0.1, momentum=0.5, centered=True),
    "Rprop": dict(lr=0.1),
    "ASGD": dict(lr=0.1),
}


def _pair(name, grads):
    """A float64 parameter per library, stepped with the same gradients."""
    start = np.linspace(-1.0, 1.0, 6)
    tp = torch.tensor(start, requires_grad=True)
    mp = minitorch.tensor(start, requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **CASES[name])
    mopt = getattr(optim, name)([mp], **CASES[name])
    for grad in grads:
        tp.grad = torch.tensor(grad)
        mp.grad = minitorch.tensor(grad)
        topt.step()
        mopt.step()  # a NumPy RuntimeWarning here fails the test (pyproject filterwarnings)
    return tp, mp, topt, mopt


@pytest.mark.parametrize("name", CASES)
def test_inf_and_nan_gradients_compute_silently_as_torch(name):
    bad = np.array([np.inf, -np.inf, np.nan, 0.0, 1.0, -2.0])
    tp, mp, _, _ = _pair(name, [bad, np.ones(6)])
    np.testing.assert_array_equal(np.isnan(mp.detach().numpy()), np.isnan(tp.detach().numpy()))
    np.testing.assert_allclose(mp.detach().numpy(), tp.detach().numpy(), rtol=1e-10,
                               equal_nan=True)


@pytest.mark.parametrize("name", CASES)
def test_state_keys_in_torchs_order(name):
    _, _, topt, mopt = _pair(name, [np.ones(6), -np.ones(6)])
    assert [list(s) for s in mopt.state_dict()["state"].values()] == \
        [list(s) for s in topt.state_dict()["state"].values()]


def test_sgd_without_momentum_keeps_no_state_as_torch():
    p = minitorch.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = minitorch.ones(3)
    opt.step()
    assert opt.state_dict()["state"] == {}
    tp = torch.ones(3, requires_grad=True)
    topt = torch.optim.SGD([tp], lr=0.1)
    tp.grad = torch.ones(3)
    topt.step()
    assert topt.state_dict()["state"] == {}


def test_the_closure_runs_outside_the_quiet_section():
    """The user's own NumPy code in a closure keeps its warnings; only the update is quiet."""
    p = minitorch.ones(2, requires_grad=True)
    opt = optim.Adam([p])

    def closure():
        p.grad = minitorch.ones(2)
        with pytest.warns(RuntimeWarning):
            np.array([1.0]) / np.array([0.0])
        return 0.0

    opt.step(closure)
