"""minitorch.autograd.functional against torch.autograd.functional: jacobian, hessian,
vjp, jvp, hvp, vhp, for one input and for tuples, with and without create_graph."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.autograd.functional as TAF

import minitorch
import minitorch.autograd.functional as MAF

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3,))
Y = RNG.standard_normal((3, 2))


def scalar_fn(L):
    """A scalar of two inputs with mixed second derivatives."""
    return lambda x, y: (x.sin() * (x @ y).tanh().sum()).sum() + (y ** 3).mean()


def vector_fn(L):
    return lambda x, y: ((x @ y).exp(), L.nn.functional.softmax(x * x, 0))


def one_input_fn(L):
    return lambda x: (x.sigmoid() * x).sum() + (x ** 4).sum()


def _t(lib, a, requires_grad=False):
    return lib.tensor(a, dtype=lib.float64, requires_grad=requires_grad)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _flat(item)]
    return [out]


def assert_like(mine, ref, what):
    assert isinstance(mine, tuple) == isinstance(ref, tuple), f"{what}: tuple structure"
    m, r = _flat(mine), _flat(ref)
    assert len(m) == len(r), f"{what}: {len(m)} results, torch {len(r)}"
    for i, (a, b) in enumerate(zip(m, r)):
        assert tuple(a.shape) == tuple(b.shape), f"{what}[{i}]: {a.shape} != {b.shape}"
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=f"{what}[{i}]")


CASES = [  # name, fn, inputs, v (for the products), extra kwargs
    ("jacobian", vector_fn, (X, Y), None),
    ("jacobian", one_input_fn, X, None),
    ("jacobian", lambda L: lambda x: x.exp() * x, X, None),
    ("hessian", scalar_fn, (X, Y), None),
    ("hessian", one_input_fn, X, None),
    ("vjp", vector_fn, (X, Y), (RNG.standard_normal(2), RNG.standard_normal(3))),
    ("vjp", one_input_fn, X, None),
    ("jvp", vector_fn, (X, Y), (RNG.standard_normal(3), RNG.standard_normal((3, 2)))),
    ("jvp", lambda L: lambda x: x.tanh() * 2, X, RNG.standard_normal(3)),
    ("hvp", scalar_fn, (X, Y), (RNG.standard_normal(3), RNG.standard_normal((3, 2)))),
    ("hvp", one_input_fn, X, RNG.standard_normal(3)),
    ("vhp", scalar_fn, (X, Y), (RNG.standard_normal(3), RNG.standard_normal((3, 2)))),
    ("vhp", one_input_fn, X, RNG.standard_normal(3)),
]


def _call(lib_fn, lib, name, fn, inputs, v, **kw):
    ins = tuple(_t(lib, a) for a in inputs) if isinstance(inputs, tuple) else _t(lib, inputs)
    args = (fn(lib), ins)
    if name in ("vjp", "jvp", "hvp", "vhp"):
        vs = None if v is None else (tuple(_t(lib, a) for a in v) if isinstance(v, tuple)
                                     else _t(lib, v))
        args += (vs,)
    return lib_fn(*args, **kw)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_torch(case, create_graph):
    name, fn, inputs, v = case
    mine = _call(getattr(MAF, name), minitorch, name, fn, inputs, v, create_graph=create_graph)
    ref = _call(getattr(TAF, name), torch, name, fn, inputs, v, create_graph=create_graph)
    assert_like(mine, ref, name)
    for m, r in zip(_flat(mine), _flat(ref)):
        assert m.requires_grad == r.requires_grad, f"{name}: requires_grad"


def test_create_graph_results_are_differentiable():
    """hvp with create_graph=True on inputs that require grad: differentiate it again."""
    outs = []
    for lib, af in ((minitorch, MAF), (torch, TAF)):
        x = _t(lib, X, requires_grad=True)
        _, hv = af.hvp(one_input_fn(lib), x, _t(lib, np.ones(3)), create_graph=True)
        (g,) = lib.autograd.grad(hv.sum(), x)
        outs.append(g.numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-10)


@pytest.mark.parametrize("name", ["jacobian", "vjp"])
def test_strict_raises_for_an_independent_input(name):
    def fn(L):
        return lambda x, y: x * 2

    for lib, af in ((minitorch, MAF), (torch, TAF)):
        v = (_t(lib, np.ones(3)),) if name == "vjp" else ()
        with pytest.raises(RuntimeError, match="independent of input 1"):
            getattr(af, name)(fn(lib), (_t(lib, X), _t(lib, X)), *v, strict=True)
    # without strict: zeros, like torch
    mine = MAF.jacobian(fn(minitorch), (_t(minitorch, X), _t(minitorch, X)))
    assert not mine[1].numpy().any() and mine[0].numpy().any()


def test_v_none_needs_a_single_element():
    with pytest.raises(RuntimeError, match="single element"):
        MAF.vjp(lambda x: x * 2, _t(minitorch, X))
    with pytest.raises(RuntimeError, match="single element"):
        TAF.vjp(lambda x: x * 2, _t(torch, X))


def test_hessian_needs_a_scalar_function():
    with pytest.raises(RuntimeError, match="single element"):
        MAF.hessian(lambda x: x * 2, _t(minitorch, X))
    with pytest.raises(RuntimeError, match="single element"):
        TAF.hessian(lambda x: x * 2, _t(torch, X))


def test_vectorize_and_strategy_are_accepted():
    mine = MAF.jacobian(lambda x: x.exp(), _t(minitorch, X), vectorize=True)
    ref = TAF.jacobian(lambda x: x.exp(), _t(torch, X), vectorize=True)
    assert_like(mine, ref, "jacobian(vectorize=True)")
    with pytest.raises(NotImplementedError):
        MAF.jacobian(lambda x: x.exp(), _t(minitorch, X), strategy="forward-mode")
    with pytest.raises(NotImplementedError):
        TAF.jacobian(lambda x: x.exp(), _t(torch, X), strategy="forward-mode")
