"""load_state_dict is all-or-nothing (Module and Optimizer): a load that raises changes
nothing. The errors themselves stay torch's, type and message."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim


def build(lib):
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3), lib.nn.Linear(3, 4))


def snapshot(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def assert_unchanged(module, before):
    after = snapshot(module)
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def new_values(module, lib):
    """A full, valid state dict whose every value differs from the module's."""
    return OrderedDict((k, v + 7) for k, v in module.state_dict().items())


def damage(sd, how, lib):
    zeros = torch.zeros if lib is torch else minitorch.zeros
    sd = OrderedDict(sd)
    if how == "size mismatch on the last key":
        sd["2.bias"] = zeros(5)
    elif how == "missing key":
        del sd["2.bias"]
    elif how == "unexpected key":
        sd["2.extra"] = zeros(1)
    elif how == "non-tensor value":
        sd["2.bias"] = [1.0, 2.0, 3.0, 4.0]
    elif how == "everything at once":
        sd["0.weight"] = zeros(9, 9)
        del sd["1.running_mean"]
        sd["zzz"] = zeros(1)
    return sd


CASES = ["size mismatch on the last key", "missing key", "unexpected key",
         "non-tensor value", "everything at once"]


@pytest.mark.parametrize("how", CASES)
def test_a_failed_module_load_changes_nothing(how):
    ours, theirs = build(minitorch), build(torch)
    before = snapshot(ours)
    with pytest.raises(RuntimeError) as mine:
        ours.load_state_dict(damage(new_values(ours, minitorch), how, minitorch))
    with pytest.raises(RuntimeError) as torchs:
        theirs.load_state_dict(damage(new_values(theirs, torch), how, torch))
    assert str(mine.value) == str(torchs.value).replace("torch.Size", "minitorch.Size")
    assert_unchanged(ours, before)


def test_non_strict_loads_still_copy_what_matches():
    ours = build(minitorch)
    sd = new_values(ours, minitorch)
    expected = {k: v.numpy().copy() for k, v in sd.items()}
    del sd["2.bias"]
    sd["2.extra"] = minitorch.zeros(1)
    result = ours.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["2.extra"]
    for key, value in ours.state_dict().items():
        if key != "2.bias":
            np.testing.assert_array_equal(value.numpy(), expected[key], err_msg=key)


def test_a_successful_load_copies_in_place_with_casts():
    ours = build(minitorch)
    weight = ours[0].weight
    sd = OrderedDict((k, v.to(minitorch.float64) if v.is_floating_point() else v)
                     for k, v in new_values(ours, minitorch).items())
    ours.load_state_dict(sd)
    assert ours[0].weight is weight and weight.dtype == minitorch.float32
    np.testing.assert_allclose(weight.detach().numpy(), sd["0.weight"].numpy())


def test_load_from_state_dict_alone_still_copies_at_once():
    """A subclass hook or user code may call _load_from_state_dict directly (torch's
    protocol): outside load_state_dict it copies as before."""
    layer = nn.Linear(2, 2)
    errors = []
    layer._load_from_state_dict({"weight": minitorch.ones(2, 2), "bias": minitorch.ones(2)},
                                "", {}, True, [], [], errors)
    assert errors == [] and layer.weight.sum().item() == 4.0


# ---- optimizers --------------------------------------------------------------------------
def trained_adam():
    a, b = minitorch.ones(2, requires_grad=True), minitorch.ones(3, requires_grad=True)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a.sum() + (b * b).sum()).backward()
    opt.step()
    return opt


def optimizer_snapshot(opt):
    groups = [{k: (list(map(id, v)) if k == "params" else v) for k, v in g.items()}
              for g in opt.param_groups]
    state = {id(p): {k: v.numpy().copy() for k, v in s.items()}
             for p, s in opt.state.items()}
    return groups, state


def assert_optimizer_unchanged(opt, before):
    groups, state = optimizer_snapshot(opt)
    assert groups == before[0]
    assert state.keys() == before[1].keys()
    for pid, buffers in before[1].items():
        for key, value in buffers.items():
            np.testing.assert_array_equal(state[pid][key], value)


def test_a_failed_optimizer_load_changes_nothing():
    opt = trained_adam()
    before = optimizer_snapshot(opt)
    good = trained_adam().state_dict()
    for group in good["param_groups"]:
        group["lr"] = 123.0
    # torch 2.13's messages, word for word (calling torch's own load_state_dict here
    # would import torch._dynamo: seconds of test time)
    bad = {**good, "param_groups": good["param_groups"][:1]}
    with pytest.raises(ValueError, match="^loaded state dict has a different number of "
                                         "parameter groups$"):
        opt.load_state_dict(bad)
    bad = {**good, "param_groups": [good["param_groups"][0],
                                    {**good["param_groups"][1], "params": [1, 2]}]}
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group "
                                         "that doesn't match the size of optimizer's group$"):
        opt.load_state_dict(bad)
    # a broken buffer in the last parameter's state: found before anything is replaced
    bad = {**good, "state": {**good["state"], 1: {**good["state"][1], "step": "many"}}}
    with pytest.raises(ValueError):
        opt.load_state_dict(bad)
    assert_optimizer_unchanged(opt, before)
    opt.load_state_dict(good)  # and a good one still loads
    assert [g["lr"] for g in opt.param_groups] == [123.0, 123.0]

