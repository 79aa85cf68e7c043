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
    # singular vectors are unique up to sign: fix each pair's sign by U's first row
    ("svd", _general, lambda lib: lambda a: _signed_svd(lib.linalg.svd(a)), None),
    ("svd_reduced", _general,
     lambda lib: lambda a: _signed_svd(lib.linalg.svd(a, full_matrices=False)), None),
    ("svd_tall", _general,
     lambda lib: lambda a: _signed_svd(lib.linalg.svd(a[..., :-1], full_matrices=False)),
     None),
    ("svd_wide", _general,
     lambda lib: lambda a: _signed_svd(lib.linalg.svd(a[..., :-1, :], full_matrices=False)),
     None),
    ("svd_full_tall", _general, lambda lib: lambda a: _signed_svd(lib.linalg.svd(a[..., :-1])),
     None),
    ("svd_only_s", _general, lambda lib: lambda a: lib.linalg.svd(a[..., :-1]).S, None),
    ("svd_only_u", _general, lambda lib: lambda a: _signed_svd(
        lib.linalg.svd(a[..., :-1], full_matrices=False))[0], None),
    ("svd_only_vh", _general, lambda lib: lambda a: _signed_svd(
        lib.linalg.svd(a[..., :-1, :], full_matrices=False))[2], None),
    ("pinv", _general, lambda lib: lib.linalg.pinv, None),
    ("pinv_tall", _general, lambda lib: lambda a: lib.linalg.pinv(a[..., :-1]), None),
    ("pinv_wide", _general, lambda lib: lambda a: lib.linalg.pinv(a[..., :-1, :]), None),
    ("pinv_hermitian", _symmetric, lambda lib: lambda a: lib.linalg.pinv(a, hermitian=True),
     None),
]


def _signed(result):
    w, v = result
    return w, v * v[..., :1, :].sign().detach()


def _signed_svd(result):
    u, s, vh = result
    k = s.shape[-1]
    sign = u[..., :1, :k].sign().detach()
    return u[..., :k] * sign, s, vh[..., :k, :] * sign.transpose(-1, -2)


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


@settings(max_examples=15, deadline=None)
@given(case=cases(), k=st.integers(1, 3), upper=st.booleans(), left=st.booleans(),
       unitriangular=st.booleans())
def test_solve_triangular(case, k, upper, left, unitriangular):
    """Only the triangle read gets a gradient; A's other triangle is random (not zero), so
    reading it by mistake changes the values."""
    rng, a = case
    n = a.shape[-1]
    b = rng.standard_normal(a.shape[:-2] + ((n, k) if left else (k, n)))
    _compare(lambda x, y: minitorch.linalg.solve_triangular(
                 x, y, upper=upper, left=left, unitriangular=unitriangular),
             lambda x, y: torch.linalg.solve_triangular(
                 x, y, upper=upper, left=left, unitriangular=unitriangular), [a, b])


def test_solve_triangular_errors_match_torch():
    for lib in (torch, minitorch):
        with pytest.raises(TypeError):
            lib.linalg.solve_triangular(lib.eye(3), lib.ones(3, 1))  # upper is required
    with pytest.raises(RuntimeError) as t_err:
        torch.linalg.solve_triangular(torch.eye(3), torch.ones(2, 1), upper=False)
    with pytest.raises(RuntimeError) as mt_err:
        minitorch.linalg.solve_triangular(minitorch.eye(3), minitorch.ones(2, 1), upper=False)
    assert str(mt_err.value) == str(t_err.value)


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
    ("svd_1d", lambda lib: lib.linalg.svd(lib.ones(3))),
    ("svd_long", lambda lib: lib.linalg.svd(lib.ones(3, 3, dtype=lib.long))),
    ("svd_driver_on_cpu", lambda lib: lib.linalg.svd(lib.ones(3, 3), driver="gesvd")),
    ("pinv_1d", lambda lib: lib.linalg.pinv(lib.ones(3))),
    ("matrix_rank_1d", lambda lib: lib.linalg.matrix_rank(lib.ones(3))),
    ("lstsq_1d", lambda lib: lib.linalg.lstsq(lib.ones(3), lib.ones(3))),
    ("lstsq_rows", lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(4, 2))),
    ("lstsq_driver", lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(5, 2),
                                                  driver="foo")),
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


def _rank_deficient(rng, batch, m, n, rank):
    return rng.standard_normal(batch + (m, rank)) @ rng.standard_normal(batch + (rank, n))


def test_svd_full_matrices_shapes_and_complement():
    a = np.random.default_rng(0).standard_normal((2, 5, 3))
    for m_in, t_in in [(a, a), (a.swapaxes(-1, -2), a.swapaxes(-1, -2))]:
        mine = minitorch.linalg.svd(minitorch.tensor(m_in))
        ref = torch.linalg.svd(torch.tensor(t_in))
        assert type(mine).__name__ == type(ref).__name__ == "linalg_svd"
        for m, t in zip(mine, ref):
            assert tuple(m.shape) == tuple(t.shape)
        for q in (mine.U, mine.Vh):  # the completed bases are orthonormal
            np.testing.assert_allclose((q.mT @ q).numpy(), np.broadcast_to(
                np.eye(q.shape[-1]), tuple(q.shape)), atol=1e-12)


def test_svd_repeated_singular_values_give_torchs_nan_gradient():
    """torch does not raise here: the gradient through U / Vh divides by zero."""
    for lib in (torch, minitorch):
        a = lib.eye(3, dtype=lib.float64).requires_grad_(True)
        u, _, vh = lib.linalg.svd(a)
        (u.sum() + vh.sum()).backward()
        assert bool(a.grad.isnan().all())
        a.grad = None
        lib.linalg.svd(a).S.sum().backward()  # the values alone are fine
        np.testing.assert_allclose(a.grad.numpy(), np.eye(3))


@pytest.mark.parametrize("m,n,rank", [(4, 4, 2), (5, 3, 2), (3, 5, 1), (4, 4, 0)])
def test_pinv_and_matrix_rank_of_rank_deficient_matrices(m, n, rank):
    a = _rank_deficient(np.random.default_rng(m * n + rank), (2,), m, n, rank)
    _compare(minitorch.linalg.pinv, torch.linalg.pinv, [a])
    for kwargs in ({}, {"atol": 1e-3}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 1e-2},
                   {"atol": 0.0}):
        mine = minitorch.linalg.matrix_rank(minitorch.tensor(a), **kwargs)
        ref = torch.linalg.matrix_rank(torch.tensor(a), **kwargs)
        assert mine.dtype == minitorch.int64 and tuple(mine.shape) == tuple(ref.shape)
        np.testing.assert_array_equal(mine.numpy(), ref.numpy())
        np.testing.assert_allclose(
            minitorch.linalg.pinv(minitorch.tensor(a), **kwargs).numpy(),
            torch.linalg.pinv(torch.tensor(a), **kwargs).numpy(), rtol=1e-10, atol=1e-10)


def test_matrix_rank_and_pinv_hermitian():
    rng = np.random.default_rng(3)
    half = _rank_deficient(rng, (), 4, 2, 2)
    a = half @ half.T - 2 * np.outer(np.ones(4), np.ones(4))  # indefinite, rank <= 3
    for kwargs in ({}, {"atol": 1.0}):
        mine = minitorch.linalg.matrix_rank(minitorch.tensor(a), hermitian=True, **kwargs)
        assert mine.item() == torch.linalg.matrix_rank(torch.tensor(a), hermitian=True,
                                                       **kwargs).item()
    _compare(lambda x: minitorch.linalg.pinv(x, hermitian=True),
             lambda x: torch.linalg.pinv(x, hermitian=True), [a])


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
@pytest.mark.parametrize("m,n", [(5, 3), (3, 5), (4, 4)])
def test_lstsq_fields_and_gradients(driver, m, n):
    rng = np.random.default_rng(m + 2 * n)
    a, b = rng.standard_normal((2, m, n)), rng.standard_normal((2, m, 2))
    _compare(lambda x, y: minitorch.linalg.lstsq(x, y, driver=driver).solution,
             lambda x, y: torch.linalg.lstsq(x, y, driver=driver).solution, [a, b])
    mine = minitorch.linalg.lstsq(minitorch.tensor(a), minitorch.tensor(b), driver=driver)
    ref = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    assert type(mine).__name__ == type(ref).__name__ == "linalg_lstsq"
    for field in ("residuals", "rank", "singular_values"):
        m_out, t_out = getattr(mine, field), getattr(ref, field)
        assert tuple(m_out.shape) == tuple(t_out.shape), field
        assert str(m_out.dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1], field
        np.testing.assert_allclose(m_out.numpy(), t_out.numpy(), rtol=1e-10, err_msg=field)


@pytest.mark.parametrize("driver", ["gelsy", "gelsd"])
def test_lstsq_rank_deficient_and_vector_rhs(driver):
    rng = np.random.default_rng(7)
    a = _rank_deficient(rng, (), 6, 4, 2)
    b = rng.standard_normal(6)
    mine = minitorch.linalg.lstsq(minitorch.tensor(a), minitorch.tensor(b), driver=driver)
    ref = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    np.testing.assert_allclose(mine.solution.numpy(), ref.solution.numpy(), rtol=1e-9,
                               atol=1e-12)  # the minimum-norm solution
    assert mine.rank.item() == ref.rank.item() == 2
    assert tuple(mine.residuals.shape) == tuple(ref.residuals.shape) == (0,)


def _cuda_cases():
    rng = np.random.default_rng(0)
    a = _general(rng, (2,), 4)
    spd, tall = _spd(rng, (2,), 4), rng.standard_normal((2, 5, 3))
    b, b_tall = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 5, 2))
    vectors = [rng.standard_normal((2, 3)), rng.standard_normal((2, 3))]
    L = minitorch.linalg
    return {
        "inv": (L.inv, [a]), "det": (L.det, [a]),
        "slogdet": (lambda x: L.slogdet(x).logabsdet, [a]), "solve": (L.solve, [a, b]),
        "solve_triangular": (lambda x, y: L.solve_triangular(x, y, upper=False), [a, b]),
        "cholesky": (L.cholesky, [spd]), "eigh": (lambda x: L.eigh(x)[0], [spd]),
        "qr": (lambda x: L.qr(x).R.abs(), [tall]), "svdvals": (L.svdvals, [tall]),
        "svd": (lambda x: L.svd(x).S, [tall]),
        "svd_vectors": (lambda x: _signed_svd(L.svd(x, full_matrices=False))[0], [tall]),
        "pinv": (L.pinv, [tall]), "pinv_hermitian": (lambda x: L.pinv(x, hermitian=True), [spd]),
        "matrix_rank": (L.matrix_rank, [tall]),
        "lstsq": (lambda x, y: L.lstsq(x, y).solution, [tall, b_tall]),
        "lstsq_residuals": (lambda x, y: L.lstsq(x, y, driver="gelsd").residuals, [tall, b_tall]),
        "cross": (L.cross, vectors), "matrix_norm_nuc": (lambda x: L.matrix_norm(x, "nuc"), [a]),
        "multi_dot": (lambda x, y: L.multi_dot([x, y]), [a, b]),
    }


@pytest.mark.parametrize("name", sorted(_cuda_cases()))
def test_cuda_matches_cpu(name):
    """Each linalg function on the cuda device (cupy.linalg) against the CPU: outputs and
    gradients. Run under ../shared/simcupy without a GPU."""
    if not minitorch.cuda.is_available():
        pytest.skip("no CUDA device (run with PYTHONPATH=../shared/simcupy to simulate one)")
    fn, arrays = _cuda_cases()[name]
    cpu = [minitorch.tensor(x, requires_grad=True) for x in arrays]
    gpu = [minitorch.tensor(x, device="cuda", requires_grad=True) for x in arrays]
    out_cpu, out_gpu = fn(*cpu), fn(*gpu)
    assert out_gpu.device.type == "cuda"
    np.testing.assert_allclose(out_gpu.detach().cpu().numpy(), out_cpu.detach().numpy(),
                               rtol=1e-10, atol=1e-10)
    if out_cpu.requires_grad:
        g = np.random.default_rng(1).standard_normal(tuple(out_cpu.shape))
        (out_cpu * minitorch.tensor(g)).sum().backward()
        (out_gpu * minitorch.tensor(g, device="cuda")).sum().backward()
        for c, d in zip(cpu, gpu):
            assert d.grad.device.type == "cuda"
            np.testing.assert_allclose(d.grad.cpu().numpy(), c.grad.numpy(), rtol=1e-9,
                                       atol=1e-10)


def _second_order(lib, fn, arrays, out_index, seed):
    """(first-order grads, grads of sum(g * w) w.r.t. the inputs and the upstream v)."""
    rng = np.random.default_rng(seed)
    leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    out = out if out_index is None else out[out_index]
    v = lib.tensor(rng.standard_normal(tuple(out.shape)), requires_grad=True)
    gs = lib.autograd.grad(out, leaves, v, create_graph=True)
    ws = [lib.tensor(rng.standard_normal(tuple(g.shape))) for g in gs]
    total = sum((g * w).sum() for g, w in zip(gs, ws))
    seconds = lib.autograd.grad(total, leaves + [v], allow_unused=True)
    return [g.detach().numpy() for g in gs], [
        None if s is None else s.numpy() for s in seconds]


def _double_backward_cases():
    rng = np.random.default_rng(5)
    a, spd, sym = _general(rng, (2,), 3), _spd(rng, (2,), 3), _symmetric(rng, (2,), 3)
    tall, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 3, 2))
    b_tall = rng.standard_normal((2, 5, 2))
    vectors = [rng.standard_normal((2, 3)), rng.standard_normal((2, 3))]
    return {  # name -> (function of lib, inputs, which output)
        "inv": (lambda lib: lib.linalg.inv, [a], None),
        "det": (lambda lib: lib.linalg.det, [a], None),
        "slogdet": (lambda lib: lib.linalg.slogdet, [a], 1),
        "solve": (lambda lib: lib.linalg.solve, [a, b], None),
        "cholesky": (lambda lib: lib.linalg.cholesky, [spd], None),
        "solve_triangular": (lambda lib: lambda x, y: lib.linalg.solve_triangular(
            x, y, upper=True), [a, b], None),
        "solve_triangular_unit_right": (
            lambda lib: lambda x, y: lib.linalg.solve_triangular(
                x, y.mT, upper=False, left=False, unitriangular=True), [a, b], None),
        "cholesky_upper": (lambda lib: lambda x: lib.linalg.cholesky(x, upper=True), [spd],
                           None),
        "eigh_values": (lambda lib: lib.linalg.eigh, [sym], 0),
        "eigh_vectors": (lambda lib: lambda x: _signed(lib.linalg.eigh(x)), [sym], 1),
        "qr_q": (lambda lib: lib.linalg.qr, [tall], 0),
        "qr_r": (lambda lib: lib.linalg.qr, [tall], 1),
        "svdvals": (lambda lib: lib.linalg.svdvals, [tall], None),
        "svd_s": (lambda lib: lib.linalg.svd, [tall], 1),
        "svd_u_tall": (lambda lib: lambda x: _signed_svd(lib.linalg.svd(x)), [tall], 0),
        "svd_vh_tall": (lambda lib: lambda x: _signed_svd(lib.linalg.svd(x)), [tall], 2),
        "svd_u_wide": (lambda lib: lambda x: _signed_svd(lib.linalg.svd(x.mT)), [tall], 0),
        "svd_vh_wide": (lambda lib: lambda x: _signed_svd(
            lib.linalg.svd(x.mT, full_matrices=False)), [tall], 2),
        "svd_square": (lambda lib: lambda x: _signed_svd(lib.linalg.svd(x)), [a], 2),
        "cross": (lambda lib: lib.linalg.cross, vectors, None),
        "pinv": (lambda lib: lib.linalg.pinv, [tall], None),
        "pinv_wide": (lambda lib: lambda x: lib.linalg.pinv(x.mT), [tall], None),
        "lstsq": (lambda lib: lambda x, y: lib.linalg.lstsq(x, y).solution, [tall, b_tall],
                  None),
    }


@pytest.mark.parametrize("name", sorted(_double_backward_cases()))
def test_double_backward_matches_torch(name):
    """create_graph=True through each op's `backward_graph`: the first-order gradients and
    the gradients of sum(grad * w) w.r.t. the inputs and the upstream gradient."""
    fn, arrays, out_index = _double_backward_cases()[name]
    mine = _second_order(minitorch, fn(minitorch), arrays, out_index, seed=0)
    ref = _second_order(torch, fn(torch), arrays, out_index, seed=0)
    for m_list, t_list in zip(mine, ref):
        for m, t in zip(m_list, t_list):
            assert (m is None) == (t is None)
            if t is not None:
                np.testing.assert_allclose(m, t, rtol=1e-8, atol=1e-10)
