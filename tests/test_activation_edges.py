"""Activations at the edges torch's kernels decide by their own comparisons: NaN and
infinite inputs, and inputs exactly on a branch boundary, where forward values and
derivatives must match torch's exactly, not only on random inputs.

Which branch a NaN takes is torch's kernel's business, and torch is not consistent: its
vectorized loop and its scalar loop for the tail of an array can disagree (hardtanh's
gradient at NaN is 0 in the vectorized loop and 1 in the tail; elu's NaN and 1). Real
tensors run through the vectorized loop, so the inputs here are the edge values repeated
to 112 numbers (a multiple of every SIMD width, no tail) and minitorch follows that loop.
"""
import numpy as np
import pytest
import torch

import minitorch

NAN, INF = float("nan"), float("inf")
# the values every function sees: the non-finite ones and each function's boundaries
EDGES = [NAN, INF, -INF, 0.0, -0.0, -3.0, 3.0, -1.0, 1.0, 6.0, -0.5, 0.5, 2.0, -2.0]

CALLS = {
    "relu": lambda F, x: F.relu(x),
    "relu6": lambda F, x: F.relu6(x),
    "hardtanh": lambda F, x: F.hardtanh(x),
    "hardtanh(-2, 2)": lambda F, x: F.hardtanh(x, -2.0, 2.0),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "hardswish": lambda F, x: F.hardswish(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.1),
    "elu": lambda F, x: F.elu(x),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 0.5),
    "softshrink": lambda F, x: F.softshrink(x),
    "hardshrink": lambda F, x: F.hardshrink(x),
    "threshold": lambda F, x: F.threshold(x, 0.5, -3.0),
    "softplus": lambda F, x: F.softplus(x),
    "silu": lambda F, x: F.silu(x),
    "gelu": lambda F, x: F.gelu(x),
    "sigmoid": lambda F, x: torch_or_mt(F).sigmoid(x),
    "tanh": lambda F, x: torch_or_mt(F).tanh(x),
}


def torch_or_mt(F):
    return torch if F is torch.nn.functional else minitorch


VALUES = EDGES * 8  # 112 numbers: torch's vectorized loop only


def run(lib, name):
    """out, d out/dx (plain backward), and with create_graph=True d out/dx and the
    derivative of sum((d out/dx)**2), at VALUES in float64."""
    x = lib.tensor(VALUES, dtype=lib.float64, requires_grad=True)
    out = CALLS[name](lib.nn.functional, x)
    out.backward(lib.ones_like(out))
    plain = x.grad.numpy().copy()
    x = lib.tensor(VALUES, dtype=lib.float64, requires_grad=True)
    (grad,) = lib.autograd.grad(CALLS[name](lib.nn.functional, x).sum(), x, create_graph=True)
    second = np.zeros(len(VALUES))
    if grad.requires_grad:
        try:
            (s,) = lib.autograd.grad((grad * grad).sum(), x, allow_unused=True)
        except RuntimeError:  # torch has no second derivative of hardsigmoid
            return out.detach().numpy(), plain, grad.detach().numpy(), None
        second = second if s is None else s.numpy()
    return out.detach().numpy(), plain, grad.detach().numpy(), second


FINITE = np.isfinite(VALUES)


@pytest.mark.parametrize("name", list(CALLS))
def test_activation_at_nan_inf_and_boundaries_matches_torch(name):
    """Forward and the plain gradient everywhere, NaN and infinities included; the
    derivatives recorded with create_graph=True at the finite edges (torch computes those
    with other formulas, whose NaN and inf results are their own)."""
    expected, got = run(torch, name), run(minitorch, name)
    names = ("forward", "gradient", "create_graph gradient", "second derivative")
    for what, e, g in zip(names, expected, got):
        if e is None:  # torch cannot compute it; minitorch may
            continue
        if what in ("create_graph gradient", "second derivative"):
            e, g = e[FINITE], g[FINITE]
        # torch's hardsigmoid gradient uses 1/6 as a float32 constant, in float64 too
        rtol = 1e-7 if name == "hardsigmoid" else 1e-12
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-15, equal_nan=True,
                                   err_msg=f"{name}: {what} at {EDGES}")


def test_clamp_gives_zero_gradient_where_an_infinite_upstream_gradient_is_clamped():
    grads = []
    for lib in (torch, minitorch):
        x = lib.tensor([-2.0, 0.5, 2.0, NAN], dtype=lib.float64, requires_grad=True)
        lo = lib.tensor(-1.0, dtype=lib.float64, requires_grad=True)
        hi = lib.tensor(1.0, dtype=lib.float64)
        x.clamp(lo, hi).backward(lib.tensor([INF, 1.0, NAN, -INF], dtype=lib.float64))
        grads.append((x.grad.numpy(), lo.grad.numpy()))
    np.testing.assert_array_equal(grads[1][0], grads[0][0])
    np.testing.assert_array_equal(grads[1][1], grads[0][1])
