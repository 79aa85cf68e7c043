"""CyclicLR against torch.optim.lr_scheduler.CyclicLR, batch by batch.

Same scheme as test_lr_scheduler.py: two param groups, every group's lr and momentum
(or Adam's beta1) must equal torch's exactly, since both run the same float arithmetic.
Arguments are drawn by hypothesis; then state_dict round trips, a custom scale_fn
(function and callable object) and the constructor errors.
"""
import pickle

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from test_lr_scheduler import make_optimizers, run_schedule

from minitorch import optim


class HalvingScale:
    """A callable scale_fn with state: saved in state_dict through its __dict__."""

    def __init__(self, base=0.5):
        self.base = base

    def __call__(self, x):
        return self.base ** x


def cyclic(**kwargs):
    return lambda s, o: s.CyclicLR(o, **kwargs)


@given(mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
       base_lr=st.sampled_from([0.01, [0.001, 0.02]]),
       max_lr=st.sampled_from([0.1, [0.5, 0.03]]),
       step_size_up=st.integers(1, 7), step_size_down=st.sampled_from([None, 1, 3, 10]),
       gamma=st.sampled_from([1.0, 0.9, 0.99]), cycle_momentum=st.booleans(),
       base_momentum=st.sampled_from([0.8, [0.7, 0.85]]), max_momentum=st.sampled_from([0.9, 0.95]))
def test_cyclic_equals_torch_sgd(**kwargs):
    run_schedule(cyclic(**kwargs), "SGD", momentum=0.9)


@given(mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
       step_size_up=st.integers(1, 6), gamma=st.sampled_from([1.0, 0.95]))
def test_cyclic_cycles_adam_beta1(**kwargs):
    _, _, topt, mopt = run_schedule(cyclic(base_lr=0.001, max_lr=0.01, **kwargs), "Adam",
                                    betas=(0.9, 0.99))
    assert mopt.param_groups[1]["betas"] == topt.param_groups[1]["betas"]
    assert mopt.param_groups[1]["betas"][1] == 0.99


@pytest.mark.parametrize("scale_fn, scale_mode", [
    (lambda x: 1 / (1.0 + x), "cycle"), (lambda x: 0.97 ** x, "iterations"),
    (HalvingScale(), "cycle")])
def test_custom_scale_fn(scale_fn, scale_mode):
    # a custom scale_fn overrides the mode and keeps the scale_mode given
    run_schedule(cyclic(base_lr=0.01, max_lr=0.2, step_size_up=3, step_size_down=5,
                        mode="exp_range", scale_fn=scale_fn, scale_mode=scale_mode),
                 "SGD", momentum=0.9)


def test_no_momentum_needed_without_cycle_momentum():
    run_schedule(cyclic(base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False),
                 "Adagrad")


@pytest.mark.parametrize("kwargs", [
    dict(mode="triangular2", step_size_up=3, step_size_down=2),
    dict(mode="exp_range", gamma=0.95, step_size_up=4),
    dict(scale_fn=HalvingScale(0.7), step_size_up=2)])
def test_state_dict_round_trip(kwargs):
    """Save optimizer + scheduler after 12 batches, restore into fresh ones, continue."""
    make = cyclic(base_lr=0.01, max_lr=0.1, **kwargs)
    _, opt = make_optimizers("SGD", momentum=0.9)
    sched = make(optim.lr_scheduler, opt)
    for _ in range(12):
        opt.step()
        sched.step()
    saved_opt = pickle.loads(pickle.dumps(opt.state_dict()))
    saved_sched = pickle.loads(pickle.dumps(sched.state_dict()))
    tsd = make(torch.optim.lr_scheduler, make_optimizers("SGD", momentum=0.9)[0]).state_dict()
    assert sorted(saved_sched) == sorted(tsd)
    assert "_scale_fn_ref" not in saved_sched and "optimizer" not in saved_sched
    if "scale_fn" in kwargs:
        assert saved_sched["_scale_fn_custom"] == {"base": kwargs["scale_fn"].base}

    _, opt2 = make_optimizers("SGD", momentum=0.9)
    fresh = dict(kwargs)
    if "scale_fn" in kwargs:  # a new object: its state must come from the checkpoint
        fresh["scale_fn"] = HalvingScale(0.2)
    sched2 = cyclic(base_lr=0.5, max_lr=0.9, **fresh)(optim.lr_scheduler, opt2)
    sched2.load_state_dict(saved_sched)
    opt2.load_state_dict(saved_opt)
    for _ in range(20):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]


def test_function_scale_fn_is_not_saved():
    _, opt = make_optimizers("SGD", momentum=0.9)
    sched = optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda x: 1.0)
    assert sched.state_dict()["_scale_fn_custom"] is None
    pickle.dumps(sched.state_dict())  # no lambda inside


@pytest.mark.parametrize("opt_name, opt_kwargs, kwargs, error, message", [
    ("SGD", {}, dict(mode="x"), ValueError, "mode is invalid and scale_fn is None"),
    ("Adagrad", {}, {}, ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    ("SGD", dict(momentum=0.9), dict(max_lr=[0.1]), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 1 values, "
     "param_groups has 2."),
    ("SGD", dict(momentum=0.9), dict(base_momentum=[0.1, 0.2, 0.3]), ValueError,
     "base_momentum must have the same length as optimizer.param_groups"),
])
def test_errors_match_torch(opt_name, opt_kwargs, kwargs, error, message):
    args = dict(base_lr=0.01, max_lr=0.1)
    args.update(kwargs)
    for lib_sched, opt in zip((torch.optim.lr_scheduler, optim.lr_scheduler),
                              make_optimizers(opt_name, **opt_kwargs)):
        with pytest.raises(error, match=message.replace("(", r"\(").replace(".", r"\.")):
            lib_sched.CyclicLR(opt, **args)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        optim.lr_scheduler.CyclicLR([], 0.01, 0.1)
