"""Loss functions and loss modules, checked against torch: forward, gradients of input
(and of target where torch differentiates it), every reduction, weights, ignore_index,
label smoothing, and torch's validation errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from nn_helpers import check_fn, check_module, to_mt

import minitorch
import minitorch.nn.functional as F
from minitorch import nn

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = ["float64", "float32"]
seeds = st.integers(0, 2**31 - 1)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _pair(fn, tfn, **kw):
    return (lambda *a: fn(*a, **kw)), (lambda *a: tfn(*a, **kw))


# ---- regression losses ----
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,extra", [("mse_loss", {}), ("l1_loss", {}),
                                        ("smooth_l1_loss", {"beta": 0.5}),
                                        ("smooth_l1_loss", {"beta": 0.0}),
                                        ("huber_loss", {"delta": 0.7})])
@given(shape=shapes, seed=seeds)
def test_regression_losses(name, extra, reduction, dtype, shape, seed, device):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    y = rng.standard_normal(shape).astype(dtype)
    y.reshape(-1)[0] = x.reshape(-1)[0]  # a tie: |d| = 0
    fn, tfn = _pair(getattr(F, name), getattr(TF, name), reduction=reduction, **extra)
    out = check_fn(fn, tfn, [x, y], grad_idx=(0, 1), device=device)
    assert out.dtype.name == dtype


def test_regression_loss_broadcast_warns_like_torch():
    x, y = np.ones((3, 1)), np.arange(3.0)
    with pytest.warns(UserWarning, match="Using a target size") as ours:
        F.mse_loss(to_mt(x), to_mt(y))
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        TF.mse_loss(torch.tensor(x), torch.tensor(y))
    assert str(ours[0].message) == str(theirs[0].message).replace("torch.", "minitorch.")
    check_fn(F.l1_loss, TF.l1_loss, [x, y], grad_idx=(0, 1))


# ---- classification losses ----
def _class_case(seed, n, c, extra_dims, weighted, ignore):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c) + extra_dims) * 2
    t = rng.integers(0, c, (n,) + extra_dims)
    if ignore:
        t.reshape(-1)[rng.integers(t.size)] = -100 if ignore == -100 else ignore
    w = rng.uniform(0.1, 2.0, c) if weighted else None
    return x, t, w


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(n=st.integers(1, 4), c=st.integers(1, 5),
       extra=st.lists(st.integers(1, 3), max_size=2).map(tuple), weighted=st.booleans(),
       ignore=st.sampled_from([None, -100, 0]), smoothing=st.sampled_from([0.0, 0.1, 1.0]),
       seed=seeds)
def test_cross_entropy_class_indices(reduction, n, c, extra, weighted, ignore, smoothing, seed,
                                     device):
    x, t, w = _class_case(seed, n, c, extra, weighted, ignore)
    kw = {"reduction": reduction, "label_smoothing": smoothing}
    if ignore is not None:
        kw["ignore_index"] = ignore
    mt_kw, t_kw = dict(kw), dict(kw)
    if w is not None:
        mt_kw["weight"], t_kw["weight"] = to_mt(w, device), torch.tensor(w)
    if reduction == "mean" and ignore is not None and (t == ignore).all():
        return  # 0 / 0: nan in both, not comparable with allclose
    check_fn(lambda a, b: F.cross_entropy(a, b, **mt_kw),
             lambda a, b: TF.cross_entropy(a, b, **t_kw), [x, t], device=device)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_unbatched_and_float32(reduction, device):
    x = np.random.default_rng(0).standard_normal(5)
    check_fn(*_pair(F.cross_entropy, TF.cross_entropy, reduction=reduction),
             [x, np.array(3)], device=device)
    x32 = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    out = check_fn(*_pair(F.cross_entropy, TF.cross_entropy, reduction=reduction,
                          label_smoothing=0.2), [x32, np.array([0, 1, 2, 3, 0, 1])],
                   device=device)
    assert out.dtype == minitorch.float32


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(n=st.integers(1, 4), c=st.integers(1, 5), extra=st.lists(st.integers(1, 3),
                                                                   max_size=1).map(tuple),
       weighted=st.booleans(), smoothing=st.sampled_from([0.0, 0.25]), seed=seeds)
def test_cross_entropy_probability_targets(reduction, n, c, extra, weighted, smoothing, seed,
                                           device):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c) + extra)
    p = rng.random((n, c) + extra)
    p /= p.sum(1, keepdims=True)
    w = rng.uniform(0.1, 2.0, c) if weighted else None
    mt_kw = {"reduction": reduction, "label_smoothing": smoothing,
                 "weight": None if w is None else to_mt(w, device)}
    t_kw = {"reduction": reduction, "label_smoothing": smoothing,
                "weight": None if w is None else torch.tensor(w)}
    check_fn(lambda a, b: F.cross_entropy(a, b, **mt_kw),
             lambda a, b: TF.cross_entropy(a, b, **t_kw), [x, p], grad_idx=(0, 1),
             device=device)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(n=st.integers(1, 4), c=st.integers(1, 5),
       extra=st.lists(st.integers(1, 3), max_size=2).map(tuple), weighted=st.booleans(),
       ignore=st.sampled_from([None, -100, 1]), seed=seeds)
def test_nll_loss(reduction, n, c, extra, weighted, ignore, seed, device):
    x, t, w = _class_case(seed, n, c, extra, weighted, ignore)
    if ignore == 1 and c < 2:
        return
    kw = {"reduction": reduction}
    if ignore is not None:
        kw["ignore_index"] = ignore
    if reduction == "mean" and ignore is not None and (t == ignore).all():
        return
    mt_kw = dict(kw, weight=None if w is None else to_mt(w, device))
    t_kw = dict(kw, weight=None if w is None else torch.tensor(w))
    check_fn(lambda a, b: F.nll_loss(a, b, **mt_kw), lambda a, b: TF.nll_loss(a, b, **t_kw),
             [x, t], device=device)


def test_cross_entropy_equals_log_softmax_plus_nll():
    x, t, w = _class_case(3, 5, 4, (), True, -100)
    a = F.cross_entropy(to_mt(x), to_mt(t), weight=to_mt(w))
    b = F.nll_loss(F.log_softmax(to_mt(x), 1), to_mt(t), weight=to_mt(w))
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-12)


def test_cross_entropy_mean_divides_by_target_weights():
    x = np.zeros((2, 3))  # uniform: every row's loss is log 3 * w_t
    w = np.array([1.0, 2.0, 5.0])
    out = F.cross_entropy(to_mt(x), to_mt(np.array([0, 2])), weight=to_mt(w))
    np.testing.assert_allclose(out.item(), np.log(3) * (1 + 5) / (1 + 5))
    out = F.cross_entropy(to_mt(x), to_mt(np.array([0, 2])), weight=to_mt(w), reduction="sum")
    np.testing.assert_allclose(out.item(), np.log(3) * 6)


# ---- binary and KL losses ----
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=shapes, weighted=st.booleans(), seed=seeds)
def test_binary_cross_entropy(reduction, dtype, shape, weighted, seed, device):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.02, 0.98, shape).astype(dtype)
    y = rng.random(shape).astype(dtype)
    w = rng.uniform(0.1, 2, shape[-1:]).astype(dtype) if weighted else None
    check_fn(lambda a, b: F.binary_cross_entropy(
                 a, b, weight=None if w is None else to_mt(w, device), reduction=reduction),
             lambda a, b: TF.binary_cross_entropy(
                 a, b, weight=None if w is None else torch.tensor(w), reduction=reduction),
             [x, y], grad_idx=(0, 1), device=device)


def test_binary_cross_entropy_clamps_log_at_minus_100():
    x, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    out = check_fn(*_pair(F.binary_cross_entropy, TF.binary_cross_entropy, reduction="none"),
                   [x, y], grad_idx=())
    np.testing.assert_allclose(out.numpy(), [100.0, 100.0, 0.0, 0.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=shapes, weighted=st.booleans(), pos=st.booleans(), seed=seeds)
def test_binary_cross_entropy_with_logits(reduction, shape, weighted, pos, seed, device):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 20  # large logits must stay finite
    y = rng.random(shape)
    w = rng.uniform(0.1, 2, shape[-1:]) if weighted else None
    pw = rng.uniform(0.1, 3, shape[-1:]) if pos else None

    def ours(a, b):
        return F.binary_cross_entropy_with_logits(
            a, b, weight=None if w is None else to_mt(w, device),
            pos_weight=None if pw is None else to_mt(pw, device), reduction=reduction)

    def theirs(a, b):
        return TF.binary_cross_entropy_with_logits(
            a, b, weight=None if w is None else torch.tensor(w),
            pos_weight=None if pw is None else torch.tensor(pw), reduction=reduction)

    check_fn(ours, theirs, [x, y], grad_idx=(0, 1), device=device)


@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none", "mean"])
@pytest.mark.parametrize("log_target", [False, True])
@given(shape=shapes, seed=seeds)
def test_kl_div(reduction, log_target, shape, seed, device):
    rng = np.random.default_rng(seed)
    x = np.log(rng.uniform(0.05, 1, shape))
    y = rng.uniform(0.05, 1, shape)
    if log_target:
        y = np.log(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'mean' warns in both
        check_fn(*_pair(F.kl_div, TF.kl_div, reduction=reduction, log_target=log_target),
                 [x, y], grad_idx=(0, 1), device=device)


def test_kl_div_zero_target_contributes_nothing():
    out = F.kl_div(to_mt(np.array([-1.0, -2.0])), to_mt(np.array([0.0, 0.5])), reduction="sum")
    assert np.isclose(out.item(), 0.5 * (np.log(0.5) + 2.0))


# ---- modules ----
def test_loss_modules_match_functional(device):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    p = rng.uniform(0.05, 0.95, (4, 3))
    t = np.array([0, 2, 1, 2])
    w = np.array([0.5, 1.0, 2.0])
    cases = [
        (nn.MSELoss(), torch.nn.MSELoss(), [x, y]),
        (nn.L1Loss(reduction="sum"), torch.nn.L1Loss(reduction="sum"), [x, y]),
        (nn.SmoothL1Loss(beta=0.3), torch.nn.SmoothL1Loss(beta=0.3), [x, y]),
        (nn.HuberLoss(delta=0.4), torch.nn.HuberLoss(delta=0.4), [x, y]),
        (nn.CrossEntropyLoss(weight=to_mt(w), label_smoothing=0.1),
         torch.nn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.1), [x, t]),
        (nn.NLLLoss(ignore_index=1), torch.nn.NLLLoss(ignore_index=1), [x, t]),
        (nn.BCELoss(weight=to_mt(w)), torch.nn.BCELoss(weight=torch.tensor(w)), [p, y ** 2 / 9]),
        (nn.BCEWithLogitsLoss(pos_weight=to_mt(w)),
         torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)), [x, p]),
        (nn.KLDivLoss(reduction="batchmean"), torch.nn.KLDivLoss(reduction="batchmean"),
         [np.log(p), p[::-1].copy()]),
    ]
    for m, tm, arrays in cases:
        check_module(m, tm, arrays, device)
        assert list(m.state_dict()) == list(tm.state_dict())
        assert repr(m) == repr(tm)


def test_legacy_size_average_and_reduce():
    x, y = np.arange(4.0), np.zeros(4)
    for sa, rd, expected in [(None, False, "none"), (False, None, "sum"), (True, True, "mean")]:
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            m = nn.MSELoss(size_average=sa, reduce=rd)
        assert m.reduction == expected
        with pytest.warns(UserWarning):
            out = F.l1_loss(to_mt(x), to_mt(y), size_average=sa, reduce=rd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = TF.l1_loss(torch.tensor(x), torch.tensor(y), size_average=sa, reduce=rd)
        np.testing.assert_allclose(out.numpy(), ref.numpy())


# ---- validation errors ----
ERROR_CASES = {
    "target_out_of_bounds": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5),
                                                             lib.tensor([1, 2, 12])),
    "negative_target": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5), lib.tensor([1, 2, -3])),
    "nll_out_of_bounds": lambda lib, F_: F_.nll_loss(lib.randn(3, 5), lib.tensor([1, 2, 5])),
    "module_out_of_bounds": lambda lib, F_: lib.nn.CrossEntropyLoss()(lib.randn(3, 5),
                                                                      lib.tensor([1, 2, 12])),
    "batch_mismatch": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5),
                                                       lib.tensor([1, 2, 3, 4])),
    "multi_target": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5), lib.randn(3, 4)),
    "float_target": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5),
                                                     lib.tensor([1.0, 2.0, 3.0])),
    "int32_target": lambda lib, F_: F_.nll_loss(lib.randn(3, 5),
                                                lib.tensor([1, 2, 3], dtype=lib.int32)),
    "spatial_target": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5, 2),
                                                       lib.randint(0, 5, (3, 3))),
    "nll_spatial": lambda lib, F_: F_.nll_loss(lib.randn(3, 5, 4), lib.tensor([1, 2, 1])),
    "weight_size": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5), lib.tensor([1, 2, 3]),
                                                    weight=lib.ones(4)),
    "bad_reduction": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5), lib.tensor([1, 2, 3]),
                                                      reduction="foo"),
    "bad_reduction_mse": lambda lib, F_: F_.mse_loss(lib.randn(3), lib.randn(3),
                                                     reduction="avg"),
    "label_smoothing": lambda lib, F_: F_.cross_entropy(lib.randn(3, 5), lib.tensor([1, 2, 3]),
                                                        label_smoothing=1.5),
    "bce_size": lambda lib, F_: F_.binary_cross_entropy(lib.rand(3, 1), lib.rand(3)),
    "bce_range": lambda lib, F_: F_.binary_cross_entropy(lib.rand(3) + 1, lib.rand(3)),
    "bce_logits_size": lambda lib, F_: F_.binary_cross_entropy_with_logits(lib.rand(3, 1),
                                                                           lib.rand(3)),
    "smooth_l1_beta": lambda lib, F_: F_.smooth_l1_loss(lib.rand(3), lib.rand(3), beta=-1),
    "huber_delta": lambda lib, F_: F_.huber_loss(lib.rand(3), lib.rand(3), delta=-1),
    "huber_delta_type": lambda lib, F_: lib.nn.HuberLoss(delta="1"),
}


def _errors_of_both(fn):
    """The exceptions fn(minitorch, F) and fn(torch, TF) raise."""
    with pytest.raises(Exception) as ours:
        fn(minitorch, F)
    with pytest.raises(Exception) as theirs:
        fn(torch, TF)
    return ours, theirs


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_loss_errors_match_torch(name):
    ours, theirs = _errors_of_both(ERROR_CASES[name])
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value).replace("torch.", "minitorch.")


INTEGER_INPUT_CASES = {
    "cross_entropy": lambda lib, F_: F_.cross_entropy(lib.ones(2, 3, dtype=lib.int64),
                                                      lib.tensor([0, 1])),
    "cross_entropy_module": lambda lib, F_: lib.nn.CrossEntropyLoss()(
        lib.tensor([[1, 2, 3]]), lib.tensor([2])),
    "nll_loss": lambda lib, F_: F_.nll_loss(lib.ones(2, 3, dtype=lib.int64), lib.tensor([0, 1])),
    "bce": lambda lib, F_: F_.binary_cross_entropy(lib.ones(3, dtype=lib.int64),
                                                   lib.ones(3, dtype=lib.int64)),
    "mse": lambda lib, F_: F_.mse_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
}


@pytest.mark.parametrize("name", sorted(INTEGER_INPUT_CASES))
def test_integer_inputs_raise_like_torch(name):
    """torch has no integer kernel here; minitorch used to return a float64 loss."""
    ours, theirs = _errors_of_both(INTEGER_INPUT_CASES[name])
    assert type(ours.value) is type(theirs.value) is NotImplementedError
    assert str(ours.value).startswith(str(theirs.value))   # then ours names the dtype
    assert "int64" in str(ours.value)


def test_ignored_targets_may_be_out_of_range_and_all_ignored_is_nan():
    x, t = np.random.default_rng(0).standard_normal((3, 4)), np.array([-100, 1, -100])
    check_fn(F.cross_entropy, TF.cross_entropy, [x, t])
    out = F.cross_entropy(to_mt(x), to_mt(np.array([-100, -100, -100])))
    assert np.isnan(out.item()) and np.isnan(
        TF.cross_entropy(torch.tensor(x), torch.tensor([-100, -100, -100])).item())
