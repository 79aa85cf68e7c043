"""minitorch.linalg against torch.linalg: forward, gradients (random upstream gradient),
batch dims, and the errors (type and message).

Matrices are drawn well-conditioned so float64 agrees to rtol 1e-10: general ones as
random + n*I, SPD ones as M M^T + I, symmetric ones as Q diag(w) Q^T with eigenvalues at
least 1 apart (eigh's gradient divides by their gaps).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch

TOLS = {"float64": dict(rtol=1e-10, atol=1e-10), "float32": dict(rtol=1e-4, atol=1e-4)}
BATCHES = [(), (2,), (2, 3)]


def _general(rng, batch, n):
    return rng.standard_normal(batch + (n, n)) + n * np.eye(n)


def _spd(rng, batch, n):
    m = rng.standard_normal(batch + (n, n))
    return m @ np.swapaxes(m, -1, -2) + np.eye(n)


def _symmetric(rng, batch, n):
    q, _ = np.linalg.qr(rng.standard_normal(batch + (n, n)))
    w = np.arange(n) * 1.5 + rng.uniform(0, 0.5, batch + (n,))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


@st.composite
def cases(draw, kind=_general, min_n=1):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    batch = draw(st.sampled_from(BATCHES))
    n = draw(st.integers(min_n, 4))
    return rng, kind(rng, batch, n)


def _compare(mt_fn, torch_fn, arrays, dtype="float64", grad_outputs=None):
    """Run both, compare every output, then the inputs' gradients for a random upstream
    gradient on the outputs numbered in `grad_outputs` (all of them by default)."""
    rng = np.random.default_rng(0)
    tol = TOLS[dtype]
    mt_in = [minitorch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    th_in = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    mt_out, th_out = mt_fn(*mt_in), torch_fn(*th_in)
    single = isinstance(th_out, torch.Tensor)
    mt_out, th_out = ([mt_out], [th_out]) if single else (list(mt_out), list(th_out))
    assert len(mt_out) == len(th_out)
    for m, t in zip(mt_out, th_out):
        assert tuple(m.shape) == tuple(t.shape)
        assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), **tol)
    chosen = range(len(th_out)) if grad_outputs is None else grad_outputs
    mt_loss = th_loss = 0
    for i in chosen:
        g = rng.standard_normal(tuple(th_out[i].shape)).astype(dtype)
        mt_loss = mt_loss + (mt_out[i] * minitorch.tensor(g)).sum()
        th_loss = th_loss + (th_out[i] * torch.tensor(g)).sum()
    mt_loss.backward()
    th_loss.backward()
    for m, t in zip(mt_in, th_in):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), **tol)


FORWARD_AND_GRAD = [
    ("inv", _general, lambda lib: lib.linalg.inv, None),
    ("det", _general, lambda lib: lib.linalg.det, None),
    ("slogdet", _general, lambda lib: lib.linalg.slogdet, [1]),
    ("cholesky", _spd, lambda lib: lib.linalg.cholesky, None),
    ("cholesky_upper", _spd, lambda lib: lambda a: lib.linalg.cholesky(a, upper=True), None),
    ("eigh_values", _symmetric, lambda lib: lambda a: lib.linalg.eigh(a)[0], None),
    ("eigvalsh_upper", _symmetric, lambda lib: lambda a: lib.linalg.eigvalsh(a, "U"), None),
    # eigenvectors are unique up to sign: fix each column's sign by its first entry
    ("eigh", _symmetric, lambda lib: lambda a: _signed(lib.linalg.eigh(a)), None),
    ("eigh_upper", _symmetric, lambda lib: lambda a: _signed(lib.linalg.eigh(a, UPLO="U")),
     None),
    ("matrix_norm_fro", _general, lambda lib: lib.linalg.matrix_norm, None),
    ("matrix_norm_1", _general, lambda lib: lambda a: lib.linalg.matrix_norm(a, 1), None),
    ("matrix_norm_-inf", _general,
     lambda lib: lambda a: lib.linalg.matrix_norm(a, -float("inf"), keepdim=True), None),
    ("vector_norm", _general, lambda lib: lambda a: lib.linalg.vector_norm(a, 3, dim=-1),
     None),
    ("vector_norm_all", _general, lambda lib: lib.linalg.vector_norm, None),
    ("vector_norm_inf", _general,
     lambda lib: lambda a: lib.linalg.vector_norm(a, float("inf"), dim=(-2, -1)), None),
    ("matrix_norm_nuc", _general, lambda lib: lambda a: lib.linalg.matrix_norm(a, "nuc"),
     None),
    ("matrix_norm_2", _general, lambda lib: lambda a: lib.linalg.matrix_norm(a, 2), None),
    ("matrix_norm_-2_keepdim", _general,
     lambda lib: lambda a: lib.linalg.matrix_norm(a, -2, keepdim=True), None),
    ("svdvals", _general, lambda lib: lib.linalg.svdvals, None),
    ("svdvals_wide", _general, lambda lib: lambda a: lib.linalg.svdvals(a[..., :-1, :]), None),
    ("svdvals_tall", _general, lambda lib: lambda a: lib.linalg.svdvals(a[..., :-1]), None),
    ("qr", _general, lambda lib: lib.linalg.qr, None),
    ("qr_tall", _general, lambda lib: lambda a: lib.linalg.qr(a[..., :-1]), None),
    ("qr_only_r", _general, lambda lib: lambda a: lib.linalg.qr(a[..., :-1]).R, None),
    ("norm", _general, lambda lib: lambda a: lib.linalg.norm(a, dim=(-1, -2)), None),
]


def _signed(result):
    w, v = result
    return w, v * v[..., :1, :].sign().detach()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kind,fn,grad_outputs", FORWARD_AND_GRAD,
                         ids=[c[0] for c in FORWARD_AND_GRAD])
def test_forward_and_grad(name, kind, fn, grad_outputs, dtype):
    @settings(max_examples=10, deadline=None)
    @given(cases(kind))
    def run(case):
        _, a = case
        _compare(fn(minitorch), fn(torch), [a], dtype, grad_outputs)
    run()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@settings(max_examples=15, deadline=None)
@given(case=cases(), k=st.integers(1, 3), b_batch=st.sampled_from(["same", "none", "ones"]))
def test_solve(case, k, b_batch, dtype):
    """B's batch dims are A's, absent, or all 1 (broadcast against A's)."""
    rng, a = case
    batch = {"same": a.shape[:-2], "none": (), "ones": (1,) * (a.ndim - 2)}[b_batch]
    b = rng.standard_normal(batch + (a.shape[-1], k))
    _compare(minitorch.linalg.solve, torch.linalg.solve, [a, b], dtype)


@settings(max_examples=10, deadline=None)
@given(case=cases())
def test_solve_vector_and_right(case):
    rng, a = case
    n = a.shape[-1]
    _compare(minitorch.linalg.solve, torch.linalg.solve,
             [a, rng.standard_normal(a.shape[:-1])])
    _compare(lambda x, y: minitorch.linalg.solve(x, y, left=False),
             lambda x, y: torch.linalg.solve(x, y, left=False),
             [a, rng.standard_normal(a.shape[:-2] + (2, n))])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), batch=st.sampled_from(BATCHES), dim=st.sampled_from([-1, 0]))
def test_cross(seed, batch, dim):
    rng = np.random.default_rng(seed)
    shape = (3,) + batch if dim == 0 else batch + (3,)
    _compare(lambda x, y: minitorch.linalg.cross(x, y, dim=dim),
             lambda x, y: torch.linalg.cross(x, y, dim=dim),
             [rng.standard_normal(shape), rng.standard_normal(shape)])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), vec_ends=st.booleans())
def test_multi_dot(seed, vec_ends):
    rng = np.random.default_rng(seed)
    shapes = [(3,), (3, 4), (4, 2), (2,)] if vec_ends else [(2, 3), (3, 4), (4, 2)]
    _compare(lambda *xs: minitorch.linalg.multi_dot(xs), lambda *xs: torch.linalg.multi_dot(xs),
             [rng.standard_normal(s) for s in shapes])


def test_det_grad_of_singular_matrices_is_torchs_zero():
    batch = np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 5.0]]])
    _compare(minitorch.linalg.det, torch.linalg.det, [batch])


def test_slogdet_named_tuple():
    a = np.array([[0.0, 2.0], [3.0, 1.0]])
    out = minitorch.linalg.slogdet(minitorch.tensor(a))
    ref = torch.linalg.slogdet(torch.tensor(a))
    assert out.sign.item() == ref.sign.item() == -1
    assert out.logabsdet.item() == pytest.approx(ref.logabsdet.item(), rel=1e-12)
    assert type(out).__name__ == type(ref).__name__ == "linalg_slogdet"


SINGULAR = [[1.0, 2.0], [2.0, 4.0]]
NOT_PD = [[1.0, 2.0], [2.0, 1.0]]
ERRORS = [
    ("inv", lambda lib: lib.linalg.inv(lib.zeros(2, 3))),
    ("inv_1d", lambda lib: lib.linalg.inv(lib.zeros(3))),
    ("inv_long", lambda lib: lib.linalg.inv(lib.eye(2, dtype=lib.long))),
    ("det", lambda lib: lib.linalg.det(lib.zeros(3, 2))),
    ("slogdet", lambda lib: lib.linalg.slogdet(lib.zeros(2, 2, 3))),
    ("cholesky_shape", lambda lib: lib.linalg.cholesky(lib.zeros(2, 3))),
    ("eigh", lambda lib: lib.linalg.eigh(lib.zeros(2, 3))),
    ("solve_shape", lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(3, 1))),
    ("inv_singular", lambda lib: lib.linalg.inv(lib.tensor(SINGULAR))),
    ("inv_singular_pivot", lambda lib: lib.linalg.inv(
        lib.tensor([[1.0, 0, 0], [0, 1, 0], [1, 1, 0]]))),
    ("inv_singular_batch", lambda lib: lib.linalg.inv(lib.stack([lib.eye(2),
                                                                 lib.tensor(SINGULAR)]))),
    ("solve_singular", lambda lib: lib.linalg.solve(lib.tensor(SINGULAR), lib.ones(2, 1))),
    ("cholesky_not_pd", lambda lib: lib.linalg.cholesky(lib.tensor(NOT_PD))),
    ("cholesky_not_pd_batch", lambda lib: lib.linalg.cholesky(
        lib.stack([lib.eye(3), lib.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, -1]])]))),
    ("cross", lambda lib: lib.linalg.cross(lib.ones(2), lib.ones(2))),
    ("matrix_norm_order", lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2), 3)),
    ("svdvals_1d", lambda lib: lib.linalg.svdvals(lib.ones(2))),
    ("qr_mode", lambda lib: lib.linalg.qr(lib.ones(2, 2), mode="x")),
    ("norm_3d", lambda lib: lib.linalg.norm(lib.ones(2, 2, 2), 1)),
]


@pytest.mark.parametrize("name,call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    with pytest.raises(RuntimeError) as expected:
        call(torch)
    with pytest.raises(RuntimeError) as got:
        call(minitorch)
    assert str(got.value) == str(expected.value)
    torch_is_linalg_error = isinstance(expected.value, torch.linalg.LinAlgError)
    assert isinstance(got.value, minitorch.linalg.LinAlgError) == torch_is_linalg_error
