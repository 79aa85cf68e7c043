"""The reference ops (short textbook versions) against torch and against the fast ones.

Conv/conv-transpose, max/avg pooling, cross-entropy and fold/unfold each run two ways,
chosen by `minitorch.backends.reference` (MINITORCH_REFERENCE=1). Every test here runs
the op both ways and with torch, on hypothesis-drawn shapes and hyper-parameters: forward
and every gradient (random upstream gradient), float64, rtol 1e-10. Also: the switch
really selects (the fast code is not called in reference mode), and the double-backward
formulas of the conv/pool/fold/resample ops against torch's second derivatives.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

import minitorch
from minitorch.backends import reference
from minitorch.ops import conv as conv_ops
from minitorch.ops import fold as fold_ops
from minitorch.ops import pool as pool_ops

TOL = {"rtol": 1e-10, "atol": 1e-11}
seeds = st.integers(0, 2**31 - 1)
small = st.integers(1, 3)


def _np(t):
    return t.detach().cpu().numpy()


def _forward_backward(lib, fn, arrays, seed, grad_inputs=None, device="cpu"):
    """[outputs..., grads...] of fn(*tensors) with a random upstream gradient."""
    grad_inputs = range(len(arrays)) if grad_inputs is None else grad_inputs
    tensors = [lib.tensor(a, requires_grad=i in grad_inputs and a.dtype.kind == "f",
                          device=device) for i, a in enumerate(arrays)]
    out = fn(lib, *tensors)
    outs = out if isinstance(out, tuple) else (out,)
    rng = np.random.default_rng(seed)
    upstream = lib.tensor(rng.standard_normal(tuple(outs[0].shape)), dtype=outs[0].dtype,
                          device=device)
    outs[0].backward(upstream)
    return [_np(o) for o in outs] + [_np(tensors[i].grad) for i in grad_inputs]


def check_three_ways(fn, arrays, seed, grad_inputs=None, device="cpu"):
    """fn run by minitorch's reference, minitorch's fast version and torch: all agree."""
    with reference.flags(enabled=True):
        ref = _forward_backward(minitorch, fn, arrays, seed, grad_inputs, device)
    with reference.flags(enabled=False):
        fast = _forward_backward(minitorch, fn, arrays, seed, grad_inputs, device)
    want = _forward_backward(torch, fn, arrays, seed, grad_inputs)
    for i, (r, f, w) in enumerate(zip(ref, fast, want)):
        np.testing.assert_allclose(r, w, **TOL, err_msg=f"reference vs torch, result {i}")
        np.testing.assert_allclose(f, w, **TOL, err_msg=f"fast vs torch, result {i}")
        np.testing.assert_allclose(r, f, **TOL, err_msg=f"reference vs fast, result {i}")


def _rand(shape, seed, ties=False):
    rng = np.random.default_rng(seed)
    return (rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)).astype(float)


def _fits(sizes, kernel, padding, dilation):
    return all(s + 2 * p >= d * (k - 1) + 1
               for s, k, p, d in zip(sizes, kernel, padding, dilation))


# ---- conv2d, conv1d, conv_transpose2d ---------------------------------------------------------
@st.composite
def conv_cases(draw, transpose=False):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    n, c, oc = draw(small), groups * draw(small), groups * draw(small)
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kernel = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(st.tuples(st.integers(1, 3), st.integers(1, 2)))
    padding = draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
    if transpose:  # torch: output_padding < max(stride, dilation) on each axis
        out_pad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
        out_size = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1 for i, s, p, d, k, o in zip(
            (h, w), stride, padding, dilation, kernel, out_pad)]
        assume(min(out_size) > 0)
        return n, c, oc, h, w, kernel, stride, padding, dilation, groups, out_pad
    assume(_fits((h, w), kernel, padding, dilation))
    return n, c, oc, h, w, kernel, stride, padding, dilation, groups


@given(case=conv_cases(), bias=st.booleans(), seed=seeds)
def test_conv2d(case, bias, seed):
    n, c, oc, h, w, kernel, stride, padding, dilation, groups = case
    arrays = [_rand((n, c, h, w), seed), _rand((oc, c // groups, *kernel), seed + 1)]
    arrays += [_rand((oc,), seed + 2)] if bias else []

    def fn(lib, x, weight, b=None):
        return lib.nn.functional.conv2d(x, weight, b, stride, padding, dilation, groups)

    check_three_ways(fn, arrays, seed)


@given(case=conv_cases(), seed=seeds)
def test_conv1d(case, seed):
    n, c, oc, _, length, kernel, stride, padding, dilation, groups = case
    arrays = [_rand((n, c, length), seed), _rand((oc, c // groups, kernel[1]), seed + 1)]

    def fn(lib, x, weight):
        return lib.nn.functional.conv1d(x, weight, None, stride[1], padding[1], dilation[1],
                                        groups)

    check_three_ways(fn, arrays, seed)


@given(case=conv_cases(transpose=True), bias=st.booleans(), seed=seeds)
def test_conv_transpose2d(case, bias, seed):
    n, c, oc, h, w, kernel, stride, padding, dilation, groups, out_pad = case
    arrays = [_rand((n, c, h, w), seed), _rand((c, oc // groups, *kernel), seed + 1)]
    arrays += [_rand((oc,), seed + 2)] if bias else []

    def fn(lib, x, weight, b=None):
        return lib.nn.functional.conv_transpose2d(x, weight, b, stride, padding, out_pad,
                                                  groups, dilation)

    check_three_ways(fn, arrays, seed)


# ---- max_pool2d, avg_pool2d (and their 1-d forms) ---------------------------------------------
@st.composite
def pool_cases(draw, dilated=True):
    n, c = draw(small), draw(small)
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kernel = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)))
    stride = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)))
    dilation = draw(st.tuples(st.integers(1, 3), st.integers(1, 2))) if dilated else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # torch: at most k // 2
    assume(_fits((h, w), kernel, padding, dilation))
    return n, c, h, w, kernel, stride, padding, dilation, draw(st.booleans())


@given(case=pool_cases(), ties=st.booleans(), seed=seeds)
def test_max_pool2d_with_indices(case, ties, seed):
    n, c, h, w, kernel, stride, padding, dilation, ceil_mode = case

    def fn(lib, x):
        return lib.nn.functional.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode,
                                            return_indices=True)

    check_three_ways(fn, [_rand((n, c, h, w), seed, ties)], seed)


def test_max_pool2d_nan_and_minus_inf_windows():
    """torch's choice among NaNs (the last) and a window of real -inf beside padding."""
    x = np.array([[[[np.nan, 1.0, np.nan], [-np.inf, -np.inf, 2.0], [0.0, np.nan, -np.inf]]]])

    def fn(lib, t):
        return lib.nn.functional.max_pool2d(t, 2, 1, 1, return_indices=True)

    with reference.flags(enabled=True):
        mine = _forward_backward(minitorch, fn, [x], 0)
    want = _forward_backward(torch, fn, [x], 0)
    for m, r in zip(mine, want):
        np.testing.assert_allclose(m, r, **TOL)


@given(case=pool_cases(dilated=False), include_pad=st.booleans(),
       divisor=st.sampled_from([None, None, 3]), seed=seeds)
def test_avg_pool2d(case, include_pad, divisor, seed):
    n, c, h, w, kernel, stride, padding, _, ceil_mode = case

    def fn(lib, x):
        return lib.nn.functional.avg_pool2d(x, kernel, stride, padding, ceil_mode, include_pad,
                                            divisor)

    check_three_ways(fn, [_rand((n, c, h, w), seed)], seed)


@given(case=pool_cases(), seed=seeds)
def test_pool1d(case, seed):
    n, c, _, length, kernel, stride, padding, dilation, ceil_mode = case
    x = _rand((n, c, length), seed)

    def fn(lib, t):
        F = lib.nn.functional
        return (F.max_pool1d(t, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
                + F.avg_pool1d(t, kernel[1], stride[1], min(padding[1], kernel[1] // 2),
                               ceil_mode))

    check_three_ways(fn, [x], seed)


# ---- cross-entropy ---------------------------------------------------------------------------
@given(n=st.integers(1, 5), classes=st.integers(1, 5), extra=st.sampled_from([(), (3,)]),
       weighted=st.booleans(), ignore=st.booleans(),
       reduction=st.sampled_from(["mean", "sum", "none"]),
       smoothing=st.sampled_from([0.0, 0.0, 0.25]), seed=seeds)
def test_cross_entropy(n, classes, extra, weighted, ignore, reduction, smoothing, seed):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, classes, (n, *extra))
    arrays = [_rand((n, classes, *extra), seed), target]
    if weighted:
        arrays.append(rng.uniform(0.5, 2.0, classes))
    ignore_index = int(target.flat[0]) if ignore else -100

    def fn(lib, x, t, weight=None):
        return lib.nn.functional.cross_entropy(x, t, weight, ignore_index=ignore_index,
                                               reduction=reduction, label_smoothing=smoothing)

    if reduction == "mean" and ignore and (target == ignore_index).all():
        return  # 0 / 0: NaN in every version, nothing to compare to 1e-10
    check_three_ways(fn, arrays, seed, grad_inputs=[0])


# ---- fold, unfold --------------------------------------------------------------------------------
@given(case=pool_cases(), seed=seeds)
def test_unfold_and_fold(case, seed):
    n, c, h, w, kernel, stride, padding, dilation, _ = case

    def fn(lib, x):
        F = lib.nn.functional
        cols = F.unfold(x, kernel, dilation, padding, stride)
        return F.fold(cols * cols, (h, w), kernel, dilation, padding, stride)

    check_three_ways(fn, [_rand((n, c, h, w), seed)], seed)


# ---- both array libraries ------------------------------------------------------------------
DEVICE_CASES = {
    "conv2d": (lambda lib, x, w: lib.nn.functional.conv2d(x, w, None, (2, 1), (1, 2), (1, 2), 2),
               [(2, 4, 7, 6), (6, 2, 3, 2)]),
    "conv_transpose2d": (lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w, None, 2, 1, 1, 1, 2), [(2, 3, 4, 3), (3, 2, 3, 3)]),
    "max_pool2d": (lambda lib, x: lib.nn.functional.max_pool2d(x, 3, 2, 1, 1, True, True),
                   [(2, 3, 8, 7)]),
    "avg_pool2d": (lambda lib, x: lib.nn.functional.avg_pool2d(x, 3, 2, 1, True, False),
                   [(2, 3, 8, 7)]),
    "unfold-fold": (lambda lib, x: lib.nn.functional.fold(
        lib.nn.functional.unfold(x, 3, 1, 1, 2) ** 2, (6, 5), 3, 1, 1, 2), [(2, 3, 6, 5)]),
}


@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_reference_and_fast_on_each_backend(name, device):
    fn, shapes = DEVICE_CASES[name]
    check_three_ways(fn, [_rand(s, seed) for seed, s in enumerate(shapes)], 3,
                     device=device)


def test_cross_entropy_on_each_backend(device):
    rng = np.random.default_rng(0)
    arrays = [_rand((4, 5, 3), 0), rng.integers(0, 5, (4, 3)), rng.uniform(0.5, 2, 5)]

    def fn(lib, x, t, weight):
        return lib.nn.functional.cross_entropy(x, t, weight, ignore_index=int(arrays[1][0, 0]),
                                               label_smoothing=0.1)

    check_three_ways(fn, arrays, 1, grad_inputs=[0], device=device)


# ---- the switch --------------------------------------------------------------------------------
def test_reference_mode_never_calls_the_fast_code(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the fast version ran in reference mode")

    for module in (conv_ops.fast, pool_ops.fast, fold_ops.fast):
        for name in dir(module):
            if callable(getattr(module, name)) and not name.startswith("_") and \
                    getattr(getattr(module, name), "__module__", "") == module.__name__:
                monkeypatch.setattr(module, name, fail)
    monkeypatch.setattr(minitorch.ops.loss.CrossEntropy, "forward", fail)
    F = minitorch.nn.functional
    x = minitorch.randn(2, 3, 6, 6, dtype=minitorch.float64, requires_grad=True)
    weight = minitorch.randn(4, 3, 3, 3, dtype=minitorch.float64, requires_grad=True)
    with reference.flags(enabled=True):
        h = F.max_pool2d(F.conv2d(x, weight, padding=1), 2)            # (2, 4, 3, 3)
        h = F.avg_pool2d(F.conv_transpose2d(h, weight), 2)              # (2, 3, 2, 2)
        h = F.fold(F.unfold(h, 2), (2, 2), 2)
        F.cross_entropy(h.reshape(2, -1), minitorch.tensor([0, 5])).backward()
    with reference.flags(enabled=False), pytest.raises(AssertionError, match="fast version"):
        F.conv2d(x, weight)


def test_flags_restore_and_environment_variable():
    before = reference.enabled
    with reference.flags(enabled=not before):
        assert reference.enabled is (not before)
    assert reference.enabled is before
    code = "import minitorch.backends.reference as r; print(r.enabled)"
    for value, expected in (("1", "True"), ("0", "False"), ("", "False")):
        env = dict(os.environ, MINITORCH_REFERENCE=value)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == expected, value


# ---- double backward of the conv / pool / fold / resample ops ----------------------------------
def _second_order(lib, fn, arrays, seed):
    """g = d sum(fn(x) * v)/dx and d sum(g * w)/d(x, v), for every float input x."""
    rng = np.random.default_rng(seed)
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *xs)
    v = lib.tensor(rng.standard_normal(tuple(out.shape)), requires_grad=True)
    grads = lib.autograd.grad(out, xs, v, create_graph=True)
    total = sum((g * lib.tensor(rng.standard_normal(tuple(g.shape)))).sum() for g in grads)
    seconds = lib.autograd.grad(total, xs + [v], allow_unused=True)
    return [_np(g) for g in grads] + [None if s is None else _np(s) for s in seconds]


def _unpool(lib, x):
    F = lib.nn.functional
    pooled, idx = F.max_pool2d(x, 2, return_indices=True)
    return F.max_unpool2d(pooled * pooled, idx, 2)


SECOND_ORDER = {
    "conv_transpose2d": (lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x * x, w, stride=2, padding=1, output_padding=1, dilation=2), [(2, 4, 3, 4), (4, 3, 2, 3)]),
    "conv_transpose2d-groups": (lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w * w, stride=(1, 2), groups=2), [(1, 4, 3, 3), (4, 2, 3, 2)]),
    "adaptive_avg_pool2d": (lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(
        x * x, (3, 2)), [(2, 3, 7, 5)]),
    "adaptive_max_pool2d": (lambda lib, x: lib.nn.functional.adaptive_max_pool2d(
        x * x, (3, 4)), [(2, 3, 7, 5)]),
    "fold": (lambda lib, x: lib.nn.functional.fold(x * x, (5, 4), (2, 3), padding=1),
             [(2, 12, 24)]),
    "unfold": (lambda lib, x: lib.nn.functional.unfold(x * x, (2, 3), stride=(1, 2)),
               [(2, 2, 5, 6)]),
    "interpolate-bilinear": (lambda lib, x: lib.nn.functional.interpolate(
        x * x, size=(5, 7), mode="bilinear"), [(2, 3, 4, 3)]),
    "interpolate-linear": (lambda lib, x: lib.nn.functional.interpolate(
        x * x, scale_factor=2.5, mode="linear", align_corners=True), [(2, 3, 4)]),
    "max_unpool2d": (_unpool, [(2, 3, 4, 6)]),
}


@pytest.mark.parametrize("mode", [True, False], ids=["reference", "fast"])
@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivatives_match_torch(name, mode):
    fn, shapes = SECOND_ORDER[name]
    arrays = [_rand(s, seed) for seed, s in enumerate(shapes)]
    with reference.flags(enabled=mode):
        mine = _second_order(minitorch, fn, arrays, 7)
    want = _second_order(torch, fn, arrays, 7)
    for i, (m, w) in enumerate(zip(mine, want)):
        if w is None or m is None:
            assert m is None or not m.any(), f"result {i}: torch has none"
            assert w is None or not w.any(), f"result {i}: minitorch has none"
            continue
        np.testing.assert_allclose(m, w, **TOL, err_msg=f"{name}: result {i}")
