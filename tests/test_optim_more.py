"""Adamax, NAdam, RAdam, ASGD and Rprop against torch.optim (same scheme as test_optim.py).

Identical parameters and gradient sequences go into both libraries; the parameters and
every state entry are compared after each step in float64 (~1e-10) and at the end in
float32. Option combinations are drawn by hypothesis; state_dict layout, round trips,
loading torch's state dict, defaults, repr and constructor errors follow.
"""
import copy
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from test_optim import assert_params_close, make_pair, run_both

import minitorch
from minitorch import optim

STEPS = 25
# torch's CPU addcmul_ is compiled with fused multiply-adds (one rounding for a + v*b*c);
# NumPy rounds twice, so squared-gradient averages differ in the last bit now and then
RTOL64, ATOL64 = 1e-10, 1e-13

# each optimizer's options as hypothesis strategies (a fixed dict draws nothing)
OPTIONS = {
    "Adamax": dict(lr=st.sampled_from([2e-3, 0.05]),
                   betas=st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.3)]),
                   eps=st.sampled_from([1e-8, 0.1]),
                   weight_decay=st.sampled_from([0.0, 0.1]), maximize=st.booleans()),
    "NAdam": dict(lr=st.sampled_from([2e-3, 0.05]),
                  betas=st.sampled_from([(0.9, 0.999), (0.5, 0.9)]),
                  weight_decay=st.sampled_from([0.0, 0.1]),
                  momentum_decay=st.sampled_from([4e-3, 0.0, 0.5]),
                  decoupled_weight_decay=st.booleans(), maximize=st.booleans()),
    "RAdam": dict(lr=st.sampled_from([1e-3, 0.05]),
                  # beta2 = 0.5 gives rho_inf = 3: never rectified; 0.9 switches at step 6
                  betas=st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.9, 0.5)]),
                  weight_decay=st.sampled_from([0.0, 0.1]),
                  decoupled_weight_decay=st.booleans(), maximize=st.booleans()),
    "ASGD": dict(lr=st.sampled_from([1e-2, 0.1]), lambd=st.sampled_from([1e-4, 0.1]),
                 alpha=st.sampled_from([0.75, 0.3]),
                 t0=st.sampled_from([1e6, 5.0, 0.0]),
                 weight_decay=st.sampled_from([0.0, 0.1]), maximize=st.booleans()),
    "Rprop": dict(lr=st.sampled_from([1e-2, 0.5]),
                  etas=st.sampled_from([(0.5, 1.2), (0.1, 3.0)]),
                  step_sizes=st.sampled_from([(1e-6, 50), (0.02, 0.3)]),
                  maximize=st.booleans()),
}
NAMES = list(OPTIONS)
RICH = {"Adamax": dict(lr=0.05, weight_decay=0.1),
        "NAdam": dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
        "RAdam": dict(lr=0.05, betas=(0.5, 0.9), weight_decay=0.1),
        "ASGD": dict(lr=0.1, lambd=0.1, t0=5.0, weight_decay=0.1),
        "Rprop": dict(lr=0.5, step_sizes=(0.02, 0.3))}


def assert_state_close(tstate, mstate, rtol, atol):
    """Every state entry of every parameter, keys and values, as in torch."""
    assert list(mstate) == list(tstate)
    for key, tval in tstate.items():
        mval = mstate[key]
        assert isinstance(mval, minitorch.Tensor), key
        assert mval.dtype == getattr(minitorch, str(tval.dtype).split(".")[1]), key
        np.testing.assert_allclose(mval.numpy(), tval.numpy(), rtol=rtol, atol=atol,
                                   err_msg=key)


def check_tracks_torch(name, kwargs, dtype, rtol, atol):
    tparams, mparams, topt, mopt = make_pair(name, kwargs, dtype)
    rng = np.random.default_rng(1)
    for _ in range(STEPS):
        # some entries repeat the previous gradient's sign pattern, some flip (Rprop)
        for tp, mp in zip(tparams, mparams):
            g = rng.standard_normal(tp.shape).astype(dtype)
            tp.grad = torch.tensor(g)
            mp.grad = minitorch.tensor(g)
        topt.step()
        mopt.step()
        if dtype == np.float64:
            assert_params_close(tparams, mparams, rtol=rtol, atol=atol)
    assert_params_close(tparams, mparams, rtol=rtol, atol=atol)
    for tp, mp in zip(tparams, mparams):
        assert_state_close(topt.state[tp], mopt.state[mp], rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", NAMES)
def test_tracks_torch_float64(name):
    @given(st.fixed_dictionaries(OPTIONS[name]))
    def run(kwargs):
        check_tracks_torch(name, kwargs, np.float64, rtol=RTOL64, atol=ATOL64)
    run()


@pytest.mark.parametrize("name", NAMES)
def test_tracks_torch_float32(name):
    @given(st.fixed_dictionaries(OPTIONS[name]))
    def run(kwargs):
        check_tracks_torch(name, kwargs, np.float32, rtol=1e-5, atol=1e-5)
    run()


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_torch(name):
    check_tracks_torch(name, {}, np.float64, rtol=RTOL64, atol=ATOL64)
    tdef = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    assert getattr(optim, name)([minitorch.zeros(1, requires_grad=True)]).defaults == tdef


@pytest.mark.parametrize("name", NAMES)
def test_repr_with_two_groups_matches_torch(name):
    def build(lib):
        w, b = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
        return getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.5}])
    assert repr(build(minitorch)) == repr(build(torch))


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_layout_matches_torch(name):
    tparams, mparams, topt, mopt = make_pair(name, RICH[name], np.float64)
    run_both(tparams, mparams, topt, mopt, 3, np.float64)
    tsd, msd = topt.state_dict(), mopt.state_dict()
    assert list(msd) == ["state", "param_groups"]
    assert sorted(msd["state"]) == sorted(tsd["state"]) == [0, 1]
    for i in tsd["state"]:
        assert_state_close(tsd["state"][i], msd["state"][i], rtol=RTOL64, atol=ATOL64)
    assert msd["param_groups"] == tsd["param_groups"]


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_round_trip_like_torch(name):
    """Save after 10 steps, load into a fresh optimizer (lr from the saved groups), go on.

    Done in both libraries and compared: loading casts floating entries other than 'step'
    to the parameter's dtype, so a float32 'mu_product' or 'eta' becomes float64 for
    float64 parameters in torch too, and the continued run follows torch's.
    """
    tparams, mparams, topt, mopt = make_pair(name, RICH[name], np.float64)
    run_both(tparams, mparams, topt, mopt, 10, np.float64)
    tsaved = pickle.loads(pickle.dumps(topt.state_dict()))
    msaved = pickle.loads(pickle.dumps(mopt.state_dict()))
    tparams2 = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in tparams]
    mparams2 = [minitorch.tensor(p.detach().numpy(), requires_grad=True) for p in mparams]
    topt2 = getattr(torch.optim, name)(tparams2, lr=123.0)
    mopt2 = getattr(optim, name)(mparams2, lr=123.0)
    topt2.load_state_dict(tsaved)
    mopt2.load_state_dict(msaved)
    assert mopt2.param_groups[0]["lr"] == RICH[name]["lr"]
    run_both(tparams2, mparams2, topt2, mopt2, 10, np.float64, seed=2)
    assert_params_close(tparams2, mparams2, rtol=RTOL64, atol=ATOL64)
    for tp, mp in zip(tparams2, mparams2):
        assert_state_close(topt2.state[tp], mopt2.state[mp], rtol=RTOL64, atol=ATOL64)


@pytest.mark.parametrize("name", NAMES)
def test_load_torch_state_dict(name):
    """torch's state dict (tensors converted to minitorch) continues torch's trajectory."""
    tparams, _, topt, _ = make_pair(name, RICH[name], np.float64)
    rng = np.random.default_rng(1)
    for _ in range(10):
        for p in tparams:
            p.grad = torch.tensor(rng.standard_normal(p.shape))
        topt.step()
    tsd = topt.state_dict()
    msd = {"state": {i: {k: minitorch.tensor(v.numpy()) for k, v in s.items()}
                     for i, s in tsd["state"].items()},
           "param_groups": copy.deepcopy(tsd["param_groups"])}
    mparams = [minitorch.tensor(p.detach().numpy(), requires_grad=True) for p in tparams]
    mopt = getattr(optim, name)(mparams)
    mopt.load_state_dict(msd)
    run_both(tparams, mparams, topt, mopt, 10, np.float64, seed=7)
    assert_params_close(tparams, mparams, rtol=RTOL64, atol=ATOL64)


@pytest.mark.parametrize("name", NAMES)
def test_params_without_grad_are_skipped(name):
    a = minitorch.tensor(np.ones(3), requires_grad=True)
    b = minitorch.tensor(np.ones(2), requires_grad=True)
    opt = getattr(optim, name)([a, b], **RICH[name])
    a.grad = minitorch.tensor(np.full(3, 0.5))
    version = b._version[0]
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), np.ones(2))
    assert b._version[0] == version and len(opt.state[b]) == 0
    assert not np.allclose(a.detach().numpy(), 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_real_backward_with_closure(name):
    """A least-squares loss, gradients from backward(), stepped through a closure."""
    rng = np.random.default_rng(3)
    w0, x, y = rng.standard_normal((2, 3)), rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    results = []
    for lib in (torch, minitorch):
        w = lib.tensor(w0, requires_grad=True)
        xt, yt = lib.tensor(x), lib.tensor(y)
        opt = getattr(lib.optim, name)([w], **RICH[name])

        def closure():
            opt.zero_grad()
            loss = ((xt @ w.t() - yt) ** 2).mean()
            loss.backward()
            return loss

        with lib.no_grad():  # step must re-enable grad for the closure
            losses = [float(opt.step(closure)) for _ in range(10)]
        results.append((losses, w.detach().numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make, error, message", [
    (lambda o, p: o.Adamax(p, lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda o, p: o.Adamax(p, betas=(1.0, 0.9)), ValueError,
     "Invalid beta parameter at index 0: 1.0"),
    (lambda o, p: o.Adamax(p, eps=-1), ValueError, "Invalid epsilon value: -1"),
    (lambda o, p: o.NAdam(p, momentum_decay=-0.1), ValueError,
     "Invalid momentum_decay value: -0.1"),
    (lambda o, p: o.NAdam(p, weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    (lambda o, p: o.RAdam(p, betas=(0.9, 1.0)), ValueError,
     "Invalid beta parameter at index 1: 1.0"),
    (lambda o, p: o.RAdam(p, lr=-0.5), ValueError, "Invalid learning rate: -0.5"),
    (lambda o, p: o.ASGD(p, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda o, p: o.ASGD(p, weight_decay=-2), ValueError, "Invalid weight_decay value: -2"),
    (lambda o, p: o.Rprop(p, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda o, p: o.Rprop(p, etas=(1.5, 2.0)), ValueError, "Invalid eta values: 1.5, 2.0"),
    (lambda o, p: o.Rprop(p, etas=(0.5, 0.9)), ValueError, "Invalid eta values: 0.5, 0.9"),
])
def test_constructor_errors_match_torch(make, error, message):
    pattern = message.replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(error, match=pattern):
        make(optim, [minitorch.tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(error, match=pattern):
        make(torch.optim, [torch.ones(2, requires_grad=True)])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_device_matches_numpy(device, name, dtype):
    """On CUDA this checks the CuPy path against NumPy; state stays on the parameter's device."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in [(4, 3), (5,)]]
    grads = [[rng.standard_normal(a.shape).astype(dtype) for a in arrays] for _ in range(10)]
    results = []
    for dev in ["cpu", device]:
        params = [minitorch.tensor(a, device=dev, requires_grad=True) for a in arrays]
        opt = getattr(optim, name)(params, **RICH[name])
        for gs in grads:
            for p, g in zip(params, gs):
                p.grad = minitorch.tensor(g, device=dev)
            opt.step()
        results.append([p.detach().cpu().numpy() for p in params])
    for a, b in zip(*results):
        assert b.dtype == dtype
        np.testing.assert_allclose(b, a, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-6 if dtype == np.float32 else 1e-14)
