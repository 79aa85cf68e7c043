"""minitorch.optim against torch.optim: same parameters, same gradients, same trajectory.

Every optimizer runs over a grid of its options for 25 steps from identical parameters
with identical gradient sequences (set directly on `.grad`), in float64 (to ~1e-12) and
float32 (to 1e-5); then state_dict layout and round-trips, param groups, zero_grad,
skipped parameters, dtypes and torch's constructor errors.
"""
import copy
import itertools
import pickle

import numpy as np
import pytest
import torch

import minitorch
from minitorch import optim

SHAPES = [(4, 3), (5,)]
STEPS = 25


def grid(**options):
    """All combinations of the given option values, as a list of kwargs dicts."""
    keys = list(options)
    return [dict(zip(keys, values)) for values in itertools.product(*options.values())]


def _sgd_valid(kw):
    return not kw["nesterov"] or (kw["momentum"] > 0 and kw["dampening"] == 0)


CASES = (
    [("SGD", kw) for kw in grid(lr=[0.1], momentum=[0.0, 0.9], dampening=[0.0, 0.3],
                                 weight_decay=[0.0, 0.1], nesterov=[False, True],
                                 maximize=[False, True]) if _sgd_valid(kw)]
    + [("Adam", kw) for kw in grid(lr=[0.01], betas=[(0.9, 0.999), (0.5, 0.9)],
                                    weight_decay=[0.0, 0.1], amsgrad=[False, True],
                                    maximize=[False, True])]
    + [("AdamW", kw) for kw in grid(lr=[0.01], betas=[(0.9, 0.999), (0.3, 0.99)],
                                     weight_decay=[0.0, 0.01, 0.5], amsgrad=[False, True],
                                     maximize=[False, True])]
    + [("RMSprop", kw) for kw in grid(lr=[0.01], alpha=[0.99, 0.4], weight_decay=[0.0, 0.1],
                                       momentum=[0.0, 0.9], centered=[False, True],
                                       maximize=[False, True])]
    + [("Adagrad", kw) for kw in grid(lr=[0.1], lr_decay=[0.0, 0.1], weight_decay=[0.0, 0.1],
                                       initial_accumulator_value=[0.0, 0.5],
                                       maximize=[False, True])]
    + [("Adadelta", kw) for kw in grid(lr=[1.0, 0.5], rho=[0.9, 0.4], weight_decay=[0.0, 0.1],
                                        maximize=[False, True])]
)
DEFAULT_CASES = [(name, {}) for name in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
                                         "Adadelta"]]
# one interesting configuration per optimizer, for the slower structural tests
RICH = {"SGD": dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
        "Adam": dict(lr=0.01, amsgrad=True, weight_decay=0.1),
        "AdamW": dict(lr=0.01, amsgrad=True),
        "RMSprop": dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1),
        "Adagrad": dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
        "Adadelta": dict(weight_decay=0.1)}


def case_id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def make_pair(name, kwargs, dtype, seed=0):
    """The same parameters in torch and minitorch, and each library's optimizer on them."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    tparams = [torch.tensor(a, requires_grad=True) for a in arrays]
    mparams = [minitorch.tensor(a, requires_grad=True) for a in arrays]
    topt = getattr(torch.optim, name)(tparams, **kwargs)
    mopt = getattr(optim, name)(mparams, **kwargs)
    return tparams, mparams, topt, mopt


def set_grads(tparams, mparams, rng, dtype):
    for tp, mp in zip(tparams, mparams):
        g = rng.standard_normal(tp.shape).astype(dtype)
        tp.grad = torch.tensor(g)
        mp.grad = minitorch.tensor(g)


def assert_params_close(tparams, mparams, rtol, atol):
    for tp, mp in zip(tparams, mparams):
        assert mp.dtype == getattr(minitorch, str(tp.dtype).split(".")[1])
        np.testing.assert_allclose(mp.detach().numpy(), tp.detach().numpy(),
                                   rtol=rtol, atol=atol)


def run_both(tparams, mparams, topt, mopt, steps, dtype, seed=1):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        set_grads(tparams, mparams, rng, dtype)
        topt.step()
        mopt.step()


@pytest.mark.parametrize("case", CASES + DEFAULT_CASES, ids=case_id)
def test_tracks_torch_float64(case):
    name, kwargs = case
    tparams, mparams, topt, mopt = make_pair(name, kwargs, np.float64)
    rng = np.random.default_rng(1)
    for _ in range(STEPS):
        set_grads(tparams, mparams, rng, np.float64)
        topt.step()
        mopt.step()
        assert_params_close(tparams, mparams, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", CASES + DEFAULT_CASES, ids=case_id)
def test_tracks_torch_float32(case):
    name, kwargs = case
    tparams, mparams, topt, mopt = make_pair(name, kwargs, np.float32)
    run_both(tparams, mparams, topt, mopt, STEPS, np.float32)
    assert_params_close(tparams, mparams, rtol=1e-5, atol=1e-5)
    for p in mparams:
        assert p.dtype == minitorch.float32 and p._data.dtype == np.float32
        for key, value in mopt.state[p].items():
            if key != "step":
                assert value._data.dtype == np.float32, key


@pytest.mark.parametrize("name", list(RICH))
def test_real_backward_with_closure(name):
    """A small least-squares loss, gradients from backward(), stepped through a closure."""
    rng = np.random.default_rng(3)
    w0, b0 = rng.standard_normal((2, 3)), rng.standard_normal(2)
    x, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    losses = {}
    for lib, o in [(torch, torch.optim), (minitorch, optim)]:
        w = lib.tensor(w0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        xt, yt = lib.tensor(x), lib.tensor(y)
        opt = getattr(o, name)([w, b], **RICH[name])

        def closure():
            opt.zero_grad()
            loss = ((xt @ w.t() + b - yt) ** 2).mean()
            loss.backward()
            return loss

        with lib.no_grad():  # step must re-enable grad for the closure
            losses[lib.__name__] = [float(opt.step(closure)) for _ in range(10)]
        losses[lib.__name__ + "_params"] = [w.detach().numpy(), b.detach().numpy()]
    np.testing.assert_allclose(losses["minitorch"], losses["torch"], rtol=1e-10)
    for a, b in zip(losses["minitorch_params"], losses["torch_params"]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(RICH))
def test_state_dict_round_trip(name):
    """Save after 10 steps, load into a fresh optimizer, continue: same as uninterrupted."""
    _, mparams, _, opt = make_pair(name, RICH[name], np.float64)
    rng = np.random.default_rng(5)
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(20)]

    def do_step(o, params, gs):
        for p, g in zip(params, gs):
            p.grad = minitorch.tensor(g)
        o.step()

    for gs in grads[:10]:
        do_step(opt, mparams, gs)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    params2 = [minitorch.tensor(p.detach().numpy().copy(), requires_grad=True)
               for p in mparams]
    opt2 = getattr(optim, name)(params2, lr=123.0)  # lr comes back from the state dict
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for gs in grads[10:]:
        do_step(opt, mparams, gs)
        do_step(opt2, params2, gs)
    for p, q in zip(mparams, params2):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


@pytest.mark.parametrize("name", list(RICH))
def test_state_dict_layout_matches_torch(name):
    tparams, mparams, topt, mopt = make_pair(name, RICH[name], np.float64)
    run_both(tparams, mparams, topt, mopt, 3, np.float64)
    tsd, msd = topt.state_dict(), mopt.state_dict()
    assert list(msd) == ["state", "param_groups"]
    assert sorted(msd["state"]) == sorted(tsd["state"]) == [0, 1]
    for i in tsd["state"]:
        assert set(msd["state"][i]) == set(tsd["state"][i])
        for key, tval in tsd["state"][i].items():
            mval = msd["state"][i][key]
            assert isinstance(mval, minitorch.Tensor)
            np.testing.assert_allclose(mval.numpy(), tval.numpy(), rtol=1e-12, atol=1e-14)
    assert len(msd["param_groups"]) == 1
    assert msd["param_groups"][0] == tsd["param_groups"][0]


@pytest.mark.parametrize("name", list(RICH))
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
    assert_params_close(tparams, mparams, rtol=1e-12, atol=1e-14)


def test_load_casts_state_to_param_dtype_and_keeps_step():
    p64 = minitorch.tensor(np.ones(3), requires_grad=True)
    opt = optim.Adam([p64])
    p64.grad = minitorch.tensor(np.full(3, 0.5))
    opt.step()
    p32 = minitorch.tensor(np.ones(3, np.float32), requires_grad=True)
    opt32 = optim.Adam([p32])
    opt32.load_state_dict(opt.state_dict())
    state = opt32.state[p32]
    assert state["exp_avg"].dtype == minitorch.float32
    assert state["exp_avg_sq"].dtype == minitorch.float32
    assert state["step"].dtype == opt.state[p64]["step"].dtype and float(state["step"]) == 1
    # loaded buffers are copies: stepping one optimizer leaves the other alone
    assert state["exp_avg"]._data is not opt.state[p64]["exp_avg"]._data


def test_load_state_dict_errors():
    a, b = (minitorch.tensor(np.ones(2), requires_grad=True) for _ in range(2))
    opt = optim.SGD([a, b], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]})
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(optim.SGD([a], lr=0.1).state_dict())


def test_step_as_number_is_accepted():
    """Older checkpoints stored 'step' as a number; torch turns it into a tensor."""
    p = minitorch.tensor(np.ones(2), requires_grad=True)
    opt = optim.Adam([p])
    p.grad = minitorch.tensor(np.ones(2))
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["step"] = 1
    opt2 = optim.Adam([minitorch.tensor(np.ones(2), requires_grad=True)])
    opt2.load_state_dict(sd)
    state = next(iter(opt2.state.values()))
    assert isinstance(state["step"], minitorch.Tensor) and float(state["step"]) == 1.0


def test_param_groups_with_different_lrs():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(3,), (2, 2), (4,)]]
    tp = [torch.tensor(a, requires_grad=True) for a in arrays]
    mp = [minitorch.tensor(a, requires_grad=True) for a in arrays]
    topt = torch.optim.SGD([{"params": tp[:2]}, {"params": tp[2:], "lr": 0.5}],
                           lr=0.01, momentum=0.9)
    mopt = optim.SGD([{"params": mp[:2]}, {"params": mp[2:], "lr": 0.5}],
                     lr=0.01, momentum=0.9)
    assert [g["lr"] for g in mopt.param_groups] == [0.01, 0.5]
    assert mopt.param_groups[0]["momentum"] == 0.9
    run_both(tp, mp, topt, mopt, 5, np.float64)
    assert_params_close(tp, mp, rtol=1e-12, atol=1e-14)
    assert mopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_add_param_group_and_named_params():
    a = minitorch.tensor(np.ones(2), requires_grad=True)
    b = minitorch.tensor(np.ones(3), requires_grad=True)
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.2})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        opt.add_param_group({"params": [a]})
    named = optim.SGD([("w", a), ("b", b)], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w", "b"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


def test_zero_grad():
    p = minitorch.tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = minitorch.tensor(np.full(3, 2.0))
    opt.zero_grad()
    assert p.grad is None
    p.grad = minitorch.tensor(np.full(3, 2.0))
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros(3))
    opt.zero_grad(set_to_none=False)  # grad already zero: still fine
    assert p.grad is grad


@pytest.mark.parametrize("name", list(RICH))
def test_params_without_grad_are_skipped(name):
    a = minitorch.tensor(np.ones(3), requires_grad=True)
    b = minitorch.tensor(np.ones(2), requires_grad=True)
    opt = getattr(optim, name)([a, b], **RICH[name])
    a.grad = minitorch.tensor(np.full(3, 0.5))
    version = b._version[0]
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), np.ones(2))
    assert b._version[0] == version
    assert not np.allclose(a.detach().numpy(), 1.0)
    if name != "Adagrad":  # Adagrad creates its state in the constructor, as torch does
        assert len(opt.state[b]) == 0


@pytest.mark.parametrize("name", list(RICH))
def test_zero_grad_none_vs_zeros(name):
    """A zero gradient still steps (momentum, decay); a None gradient does not."""
    tparams, mparams, topt, mopt = make_pair(name, RICH[name], np.float64)
    run_both(tparams, mparams, topt, mopt, 2, np.float64)
    topt.zero_grad(set_to_none=False)
    mopt.zero_grad(set_to_none=False)
    topt.step()
    mopt.step()
    assert_params_close(tparams, mparams, rtol=1e-12, atol=1e-14)


def test_step_bumps_version_and_keeps_identity():
    p = minitorch.tensor(np.ones(3, np.float32), requires_grad=True)
    data = p._data
    opt = optim.AdamW([p])
    p.grad = minitorch.tensor(np.ones(3, np.float32))
    version = p._version[0]
    opt.step()
    assert p._data is data  # updated in place
    assert p._version[0] > version


def test_defaults_and_repr_match_torch():
    for name in RICH:
        tdef = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
        mopt = getattr(optim, name)([minitorch.zeros(1, requires_grad=True)])
        assert mopt.defaults == tdef, name
        assert repr(mopt).startswith(name + " (\nParameter Group 0\n")
    assert optim.AdamW([minitorch.zeros(1, requires_grad=True)]).defaults["weight_decay"] == 0.01


@pytest.mark.parametrize("name", RICH)
def test_repr_with_two_groups_matches_torch(name):
    # seed 000 prints optimizers built with per-group learning rates
    def build(lib):
        w, b = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
        return getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.5}])
    assert repr(build(minitorch)) == repr(build(torch))


@pytest.mark.parametrize("make, error, message", [
    (lambda o, p: o.SGD([]), ValueError, "optimizer got an empty parameter list"),
    (lambda o, p: o.SGD(p, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda o, p: o.Adam(p, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda o, p: o.SGD(p, momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
    (lambda o, p: o.SGD(p, weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    (lambda o, p: o.SGD(p, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda o, p: o.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda o, p: o.Adam(p, betas=(1.0, 0.999)), ValueError,
     "Invalid beta parameter at index 0: 1.0"),
    (lambda o, p: o.Adam(p, betas=(0.9, -0.1)), ValueError,
     "Invalid beta parameter at index 1: -0.1"),
    (lambda o, p: o.Adam(p, eps=-1e-8), ValueError, "Invalid epsilon value: -1e-08"),
    (lambda o, p: o.RMSprop(p, alpha=-1), ValueError, "Invalid alpha value: -1"),
    (lambda o, p: o.Adagrad(p, lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
    (lambda o, p: o.Adagrad(p, initial_accumulator_value=-1), ValueError,
     "Invalid initial_accumulator_value value: -1"),
    (lambda o, p: o.Adadelta(p, rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (lambda o, p: o.SGD([{"params": p}, {"params": p[:1]}]), ValueError,
     "some parameters appear in more than one parameter group"),
    (lambda o, p: o.SGD(p[0].float()), TypeError,
     "should be an iterable of Tensors or dicts, but got .*torch.FloatTensor"),
    (lambda o, p: o.SGD([{"params": set(p)}]), TypeError, "ordered collections"),
    (lambda o, p: o.SGD([p[0] * 2]), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda o, p: o.SGD([1.0]), TypeError, "optimizer can only optimize Tensors"),
])
def test_constructor_errors_match_torch(make, error, message):
    """Each bad call raises the same type with the same message in torch and minitorch."""
    pattern = message.replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(error, match=pattern):
        make(optim, [minitorch.tensor(np.ones(2), requires_grad=True) for _ in range(2)])
    with pytest.raises(error, match=pattern):
        make(torch.optim, [torch.ones(2, requires_grad=True) for _ in range(2)])


def test_duplicate_params_warn():
    p = minitorch.tensor(np.ones(2), requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_lr_as_tensor_and_pickle_of_optimizer():
    p = minitorch.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([p], lr=minitorch.tensor(0.5))
    p.grad = minitorch.tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.5, 0.5])
    state = pickle.loads(pickle.dumps(optim.Adam([p])))
    assert isinstance(state, optim.Adam) and state.param_groups[0]["lr"] == 1e-3


@pytest.mark.parametrize("name, kwargs", [("Adam", {}), ("AdamW", dict(weight_decay=0.1)),
                                          ("Adam", dict(amsgrad=True, maximize=True)),
                                          ("SGD", RICH["SGD"]), ("RMSprop", RICH["RMSprop"])])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_device_matches_numpy(device, name, kwargs, dtype):
    """On CUDA this checks the CuPy path (and Adam's fused kernel) against NumPy."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(10)]
    results = []
    for dev in ["cpu", device]:
        params = [minitorch.tensor(a, device=dev, requires_grad=True) for a in arrays]
        opt = getattr(optim, name)(params, **kwargs)
        for gs in grads:
            for p, g in zip(params, gs):
                p.grad = minitorch.tensor(g, device=dev)
            opt.step()
        assert all(p.device.type == device or dev == "cpu" for p in params)
        results.append([p.detach().cpu().numpy() for p in params])
    for a, b in zip(*results):
        assert b.dtype == dtype
        np.testing.assert_allclose(b, a, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-6 if dtype == np.float32 else 1e-14)
