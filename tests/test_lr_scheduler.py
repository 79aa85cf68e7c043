"""minitorch.optim.lr_scheduler against torch.optim.lr_scheduler, epoch by epoch.

Each scheduler is built with the same arguments on a torch and a minitorch optimizer
(two param groups with different lrs) and stepped 40 times; every group's lr (and
momentum / beta1 where the schedule cycles it) must be exactly torch's: the formulas are
the same Python float arithmetic, so no tolerance is needed.
"""
import math
import pickle
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import optim

EPOCHS = 40


def make_optimizers(opt_name="SGD", **kwargs):
    """A torch and a minitorch optimizer with two param groups (lr 0.1 and 0.05)."""
    pairs = []
    for lib, o in [(torch, torch.optim), (minitorch, optim)]:
        a = lib.zeros(2, requires_grad=True)
        b = lib.zeros(3, requires_grad=True)
        opt = getattr(o, opt_name)([{"params": [a]}, {"params": [b], "lr": 0.05}],
                                   lr=0.1, **kwargs)
        pairs.append(opt)
    return pairs


def lr_lambda(epoch):
    return 0.95 ** epoch


def other_lambda(epoch):
    return 1.0 / (1 + epoch)


def momentum_values(opt):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]


SCHEDULERS = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=3, gamma=0.5),
    "StepLR-default-gamma": lambda s, o: s.StepLR(o, 7),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[3, 7, 7, 20], gamma=0.3),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "CosineAnnealingLR-odd": lambda s, o: s.CosineAnnealingLR(o, T_max=7),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lr_lambda),
    "LambdaLR-list": lambda s, o: s.LambdaLR(o, [lr_lambda, other_lambda]),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda e: 0.97),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.25, end_factor=0.9,
                                        total_iters=12),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=15, power=2.0),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(
        o, T_0=5, T_mult=2, eta_min=0.01),
    "CosineAnnealingWarmRestarts-1": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=6),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=EPOCHS + 1),
    "OneCycleLR-linear-3phase": lambda s, o: s.OneCycleLR(
        o, max_lr=[1.0, 0.5], epochs=EPOCHS + 1, steps_per_epoch=1, pct_start=0.25,
        anneal_strategy="linear", three_phase=True, div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR-no-momentum": lambda s, o: s.OneCycleLR(
        o, max_lr=0.3, total_steps=EPOCHS + 5, cycle_momentum=False),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=5),
            s.CosineAnnealingLR(o, T_max=20)], milestones=[5]),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler(
        [s.ConstantLR(o, factor=0.5, total_iters=6), s.ExponentialLR(o, gamma=0.9)]),
}


def run_schedule(make, opt_name="SGD", epochs=EPOCHS, **opt_kwargs):
    topt, mopt = make_optimizers(opt_name, **opt_kwargs)
    tsched = make(torch.optim.lr_scheduler, topt)
    msched = make(optim.lr_scheduler, mopt)
    history = []
    for _ in range(epochs):
        history.append((tsched.get_last_lr(), msched.get_last_lr()))
        assert [g["lr"] for g in mopt.param_groups] == [g["lr"] for g in topt.param_groups]
        assert momentum_values(mopt) == momentum_values(topt)
        topt.step()
        mopt.step()
        tsched.step()
        msched.step()
    for tl, ml in history:
        assert ml == tl
    return tsched, msched, topt, mopt


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_schedule_equals_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the right call order must not warn
        run_schedule(SCHEDULERS[name])


@pytest.mark.parametrize("name", ["OneCycleLR", "OneCycleLR-linear-3phase"])
def test_one_cycle_cycles_adam_beta1(name):
    _, _, topt, mopt = run_schedule(SCHEDULERS[name], "Adam", betas=(0.9, 0.99))
    assert mopt.param_groups[0]["betas"] == topt.param_groups[0]["betas"]
    assert mopt.param_groups[0]["betas"][1] == 0.99


def test_one_cycle_too_many_steps_and_errors():
    _, mopt = make_optimizers("SGD", momentum=0.9)
    sched = optim.lr_scheduler.OneCycleLR(mopt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        mopt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of "
                                         "total steps is 3"):
        sched.step()
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        optim.lr_scheduler.OneCycleLR(mopt, max_lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        optim.lr_scheduler.OneCycleLR(mopt, max_lr=0.1, total_steps=5, anneal_strategy="x")
    _, plain = make_optimizers("Adagrad")
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        optim.lr_scheduler.OneCycleLR(plain, max_lr=0.1, total_steps=5)


def test_cosine_annealing_is_recursive_like_torch():
    """If the user changes the lr mid-run, the recursive formula follows from the new lr."""
    topt, mopt = make_optimizers()
    ts = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=10)
    ms = optim.lr_scheduler.CosineAnnealingLR(mopt, T_max=10)
    for epoch in range(25):
        if epoch == 4:
            for opt in (topt, mopt):
                opt.param_groups[0]["lr"] = 0.2
        for opt, s in ((topt, ts), (mopt, ms)):
            opt.step()
            s.step()
        assert ms.get_last_lr() == ts.get_last_lr()


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR",
                                  "CosineAnnealingLR", "LinearLR", "ConstantLR",
                                  "PolynomialLR", "CosineAnnealingWarmRestarts"])
def test_step_with_epoch_uses_closed_form(name):
    topt, mopt = make_optimizers()
    ts = SCHEDULERS[name](torch.optim.lr_scheduler, topt)
    ms = SCHEDULERS[name](optim.lr_scheduler, mopt)
    for epoch in [3, 4, 9, 2, 17, 30]:
        topt.step()
        mopt.step()
        # CosineAnnealingWarmRestarts takes (fractional) epochs without deprecation
        for s in (ts, ms):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                s.step(epoch)
            assert [str(w.message)[:19] for w in caught] == (
                [] if name == "CosineAnnealingWarmRestarts" else ["The epoch parameter"])
        assert ms.get_last_lr() == ts.get_last_lr()
        assert ms.last_epoch == ts.last_epoch


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8,
                   0.80001, 0.85, 0.86, 0.9, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7,
                   0.69999, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(patience=2),
    dict(patience=1, factor=0.5, cooldown=2),
    dict(mode="max", patience=2, factor=0.3),
    dict(patience=1, threshold=0.05, threshold_mode="abs"),
    dict(mode="max", patience=0, threshold=0.01, threshold_mode="abs", cooldown=1),
    dict(patience=0, factor=0.1, min_lr=[0.001, 0.0004]),
    dict(patience=0, factor=0.5, min_lr=0.01, eps=0.02),
], ids=str)
def test_reduce_lr_on_plateau(kwargs):
    topt, mopt = make_optimizers()
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    ms = optim.lr_scheduler.ReduceLROnPlateau(mopt, **kwargs)
    lrs = []
    for i, metric in enumerate(PLATEAU_METRICS):
        ts.step(metric)
        # metrics may be a 1-element tensor (a validation loss)
        ms.step(minitorch.tensor(metric, dtype=minitorch.float64) if i % 2 else metric)
        assert ms.get_last_lr() == ts.get_last_lr()
        assert [g["lr"] for g in mopt.param_groups] == [g["lr"] for g in topt.param_groups]
        assert (ms.num_bad_epochs, ms.cooldown_counter, ms.best) == \
            (ts.num_bad_epochs, ts.cooldown_counter, ts.best)
        lrs.append(ms.get_last_lr()[0])
    assert len(set(lrs)) > 1 or kwargs.get("mode") == "max"


def test_reduce_lr_on_plateau_errors():
    _, mopt = make_optimizers()
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        optim.lr_scheduler.ReduceLROnPlateau(mopt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown!"):
        optim.lr_scheduler.ReduceLROnPlateau(mopt, mode="avg")
    with pytest.raises(ValueError, match="threshold mode x is unknown!"):
        optim.lr_scheduler.ReduceLROnPlateau(mopt, threshold_mode="x")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        optim.lr_scheduler.ReduceLROnPlateau(mopt, min_lr=[0.1])


ROUND_TRIP = ["StepLR", "MultiStepLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR",
              "CosineAnnealingWarmRestarts", "SequentialLR", "ChainedScheduler", "LinearLR"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_state_dict_round_trip(name):
    """Save optimizer + scheduler after 12 epochs, restore into fresh ones, continue."""
    _, opt = make_optimizers("SGD", momentum=0.9)
    sched = SCHEDULERS[name](optim.lr_scheduler, opt)
    for _ in range(12):
        opt.step()
        sched.step()
    saved_opt = pickle.loads(pickle.dumps(opt.state_dict()))
    saved_sched = pickle.loads(pickle.dumps(sched.state_dict()))
    assert "optimizer" not in saved_sched

    _, opt2 = make_optimizers("SGD", momentum=0.9)
    sched2 = SCHEDULERS[name](optim.lr_scheduler, opt2)
    sched2.load_state_dict(saved_sched)
    opt2.load_state_dict(saved_opt)  # after the scheduler, as torch recommends
    for _ in range(20):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_plateau_state_dict_round_trip():
    _, opt = make_optimizers()
    sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    for m in PLATEAU_METRICS[:10]:
        sched.step(m)
    _, opt2 = make_optimizers()
    sched2 = optim.lr_scheduler.ReduceLROnPlateau(opt2)
    sched2.load_state_dict(pickle.loads(pickle.dumps(sched.state_dict())))
    opt2.load_state_dict(opt.state_dict())
    for m in PLATEAU_METRICS[10:]:
        sched.step(m)
        sched2.step(m)
        assert sched2.get_last_lr() == sched.get_last_lr()


def test_base_behaviour():
    topt, mopt = make_optimizers()
    ms = optim.lr_scheduler.StepLR(mopt, step_size=2)
    torch.optim.lr_scheduler.StepLR(topt, step_size=2)
    assert [g["initial_lr"] for g in mopt.param_groups] == [0.1, 0.05]
    assert ms.base_lrs == [0.1, 0.05] and ms.last_epoch == 0
    assert set(ms.state_dict()) >= {"step_size", "gamma", "base_lrs", "last_epoch",
                                    "_step_count", "_last_lr"}
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        ms.get_lr()
    # resuming needs 'initial_lr' in the groups
    _, fresh = make_optimizers()
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       "param_groups\\[0\\]"):
        optim.lr_scheduler.StepLR(fresh, step_size=2, last_epoch=3)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        optim.lr_scheduler.StepLR([], step_size=2)
    assert issubclass(optim.lr_scheduler._LRScheduler, optim.lr_scheduler.LRScheduler)


def test_scheduler_step_before_optimizer_step_warns():
    _, mopt = make_optimizers()
    sched = optim.lr_scheduler.ExponentialLR(mopt, gamma=0.5)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before "
                                         "`optimizer.step\\(\\)`"):
        sched.step()


def test_resume_with_last_epoch_matches_torch():
    topt, mopt = make_optimizers()
    for o in (topt, mopt):
        for g in o.param_groups:
            g["initial_lr"] = g["lr"]
    ts = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=10, last_epoch=4)
    ms = optim.lr_scheduler.CosineAnnealingLR(mopt, T_max=10, last_epoch=4)
    for _ in range(8):
        assert ms.get_last_lr() == ts.get_last_lr()
        for o, s in ((topt, ts), (mopt, ms)):
            o.step()
            s.step()
    assert math.isclose(ms.get_last_lr()[0], ts.get_last_lr()[0])


def test_lr_schedule_drives_optimizer_steps():
    """The scheduled lr is the one the optimizer uses (SGD step = lr * grad)."""
    p = minitorch.tensor(np.zeros(1), requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = minitorch.tensor(np.ones(1))
        opt.step()
        sched.step()
    np.testing.assert_allclose(p.detach().numpy(), [-(1.0 + 0.5 + 0.25)])
