"""minitorch.special against torch.special: every function, its values and its gradients
(float64, a random upstream gradient), through torch.special's own signatures (softmax's
positional dtype, log_softmax's keyword-only one, round's decimals=, polygamma's n first).

The ops themselves are tested in depth by the registry (tests/op_specs*.py); this checks
that each name of the namespace reaches the right op with torch.special's arguments.
"""
import numpy as np
import pytest
import torch

import minitorch

RNG = np.random.default_rng(0)
NORMAL = RNG.standard_normal((3, 4)) * 2
WIDE = np.array([-20.0, -8.5, -3.0, -0.5, 0.0, 0.25, 1.0, 7.9, 8.1, 30.0])
POSITIVE = RNG.uniform(0.1, 6.0, (2, 5))
GAMMA = np.array([-7.3, -2.5, -0.4, 1e-3, 0.7, 1.5, 3.0, 12.5, 250.0])
UNIT = RNG.uniform(-0.95, 0.95, (5,))

# name -> (call(lib, special, x), input values)
CASES = {
    "expit": (lambda L, S, x: S.expit(x), NORMAL),
    "erf": (lambda L, S, x: S.erf(x), NORMAL),
    "erfc": (lambda L, S, x: S.erfc(x), NORMAL),
    "erfinv": (lambda L, S, x: S.erfinv(x), UNIT),
    "expm1": (lambda L, S, x: S.expm1(x), NORMAL),
    "exp2": (lambda L, S, x: S.exp2(x), NORMAL),
    "log1p": (lambda L, S, x: S.log1p(x), POSITIVE),
    "gammaln": (lambda L, S, x: S.gammaln(x), GAMMA),
    "digamma": (lambda L, S, x: S.digamma(x), GAMMA),
    "psi": (lambda L, S, x: S.psi(x), GAMMA),
    "polygamma": (lambda L, S, x: [S.polygamma(n, x) for n in (0, 1, 2, 5)], GAMMA),
    "multigammaln": (lambda L, S, x: [S.multigammaln(x, 1), S.multigammaln(x, p=4)], GAMMA),
    "i0": (lambda L, S, x: S.i0(x), WIDE),
    "i1": (lambda L, S, x: S.i1(x), WIDE),
    "sinc": (lambda L, S, x: S.sinc(x), np.concatenate([WIDE, [-1.5, 2.0, 0.3]])),
    "round": (lambda L, S, x: [S.round(x), S.round(x, decimals=2),
                               S.round(x * 1000, decimals=-2)], NORMAL),
    "softmax": (lambda L, S, x: [S.softmax(x, 1), S.softmax(x, 0, L.float32),
                                 S.softmax(x, dim=-1, dtype=L.float64)], NORMAL),
    "log_softmax": (lambda L, S, x: [S.log_softmax(x, 1),
                                     S.log_softmax(x, 0, dtype=L.float32)], NORMAL),
    "logsumexp": (lambda L, S, x: [S.logsumexp(x, 1), S.logsumexp(x, (0, 1), keepdim=True),
                                   S.logsumexp(x, dim=0, keepdim=False)], NORMAL),
    "xlogy": (lambda L, S, x: [S.xlogy(x, x.abs()), S.xlogy(2.0, x.abs()),
                               S.xlogy(x, 3.0)], NORMAL),
}


def _run(lib, call, values):
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    outs = call(lib, lib.special, x)
    outs = outs if isinstance(outs, list) else [outs]
    rng = np.random.default_rng(1)
    total = 0
    for out in outs:
        total = total + (out * lib.tensor(rng.standard_normal(tuple(out.shape)),
                                          dtype=out.dtype)).sum()
    (grad,) = lib.autograd.grad(total, x)
    return outs, grad


def _numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().cpu().numpy()


@pytest.mark.parametrize("name", sorted(CASES))
def test_special_function_matches_torch(name):
    call, values = CASES[name]
    (mine, mine_grad), (ref, ref_grad) = _run(minitorch, call, values), _run(torch, call, values)
    for i, (m, r) in enumerate(zip(mine, ref)):
        assert str(m.dtype).split(".")[-1] == str(r.dtype).split(".")[-1], f"output {i}"
        tol = 1e-10 if r.dtype == torch.float64 else 1e-6
        np.testing.assert_allclose(_numpy(m), _numpy(r), rtol=tol, atol=tol, equal_nan=True,
                                   err_msg=f"{name}: output {i}")
    tol = 1e-9 if all(r.dtype == torch.float64 for r in ref) else 1e-6  # through float32
    np.testing.assert_allclose(_numpy(mine_grad), _numpy(ref_grad), rtol=tol, atol=tol / 10,
                               equal_nan=True, err_msg=f"{name}: gradient")


def test_namespace_is_exactly_the_tested_names_and_all_are_torchs():
    assert set(minitorch.special.__all__) == set(CASES)
    public = {n for n in vars(minitorch.special) if not n.startswith("_") and n != "annotations"
              and callable(getattr(minitorch.special, n))}
    assert public - {"ops"} == set(CASES)
    for name in CASES:
        assert hasattr(torch.special, name), name


def test_polygamma_checks_n_as_torch():
    x = minitorch.tensor([1.0])
    with pytest.raises(RuntimeError, match="does not support negative n"):
        minitorch.special.polygamma(-1, x)
    with pytest.raises(TypeError, match="must be int, not float"):
        minitorch.special.polygamma(1.0, x)
