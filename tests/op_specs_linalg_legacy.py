"""Registry specs: torch's top-level linear algebra (minitorch/ops/linalg_legacy.py): det
logdet slogdet cholesky qr svd pinverse matrix_power matrix_exp inner cross.

Matrices are drawn well-conditioned, as in tests/test_linalg.py, so float64 agrees to
1e-10: general ones as random + n*I, SPD ones as M M^T + I, and for svd/pinverse
U diag(s) V^T with random orthogonal U, V and singular values well apart (svd's gradient
divides by their gaps). QR and SVD factors are unique up to signs: the callers fix them
(by diag(R), and by each singular vector's largest entry), so values and gradients of
the fixed factors are comparable on any backend. Imported by op_specs.py.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import A, ErrorCase, S, fn, spec
from strategies import Arr, arrays, maybe_empty_shapes, seeds

BATCHES = [(), (2,), (2, 3), (0,)]


def _general(rng, batch, m, n):
    return rng.standard_normal(batch + (m, n)) + min(m, n) * np.eye(m, n)


def _near_identity(rng, batch, m, n):  # eigenvalues near 1: powers stay O(1)
    return np.eye(m, n) + 0.4 * rng.standard_normal(batch + (m, n)) / np.sqrt(n)


def _spd(rng, batch, m, n):
    x = rng.standard_normal(batch + (n, n))
    spd = x @ np.swapaxes(x, -1, -2) + np.eye(n)
    return (spd + np.swapaxes(spd, -1, -2)) / 2  # exactly symmetric


def _orthogonal(rng, batch, n):
    return np.linalg.qr(rng.standard_normal(batch + (n, n)))[0]


def _separated(rng, batch, m, n, ratio=None):
    """U diag(s) V^T with s descending: 1 apart, or each `ratio` times the previous."""
    k = min(m, n)
    if ratio is None:
        s = (1.0 + np.arange(k)[::-1]) + rng.uniform(0, 0.5, batch + (k,))
    else:
        s = ratio ** np.arange(k) * rng.uniform(1.0, 1.2, batch + (k,))
    u, v = _orthogonal(rng, batch, m)[..., :k], _orthogonal(rng, batch, n)[..., :k]
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


@st.composite
def matrices(draw, kind=_general, square=True, batch_layouts=True, **kw):
    """An Arr (*, m, n), sometimes in a transposed or strided layout (batch_layouts=False:
    the batch dims stay in order and unstrided)."""
    rng = np.random.default_rng(draw(seeds))
    batch = draw(st.sampled_from(BATCHES))
    m = draw(st.integers(1, 4))
    n = m if square else draw(st.integers(1, 4))
    values = kind(rng, batch, m, n, **kw)
    layout = draw(arrays(st.just(values.shape))).layout
    if not batch_layouts and layout is not None:
        b = len(batch)
        layout = draw(st.sampled_from([("perm", tuple(range(b)) + (b + 1, b)),
                                       ("step", b), ("step", b + 1)]))
    return Arr(values, layout)


ONES23, ONES3 = A(np.ones((2, 3))), A(np.ones(3))
LONG22 = A(np.ones((2, 2)), dtype=np.int64)


def _square_errors(prefix, *more, long=True):
    """torch's squareCheckInputs errors (and the dtype one), `more` arguments after A."""
    cases = [ErrorCase(S(ONES23, *more), RuntimeError,
                       f"{prefix}: A must be batches of square matrices, but they are 2 by 3 "
                       f"matrices"),
             ErrorCase(S(ONES3, *more), RuntimeError,
                       f"{prefix}: The input tensor A must have at least 2 dimensions.")]
    if long:
        cases.append(ErrorCase(S(LONG22, *more), RuntimeError,
                               f"{prefix}: Expected a floating point or complex tensor as "
                               f"input. Got Long"))
    return cases


# ---- determinants ------------------------------------------------------------------------
spec("det", st.builds(S, matrices()), errors=_square_errors("linalg.det"))
spec("slogdet", st.builds(S, matrices()), errors=_square_errors("linalg.slogdet"))


@st.composite
def logdet_sample(draw):
    """Some matrices with a row negated: det < 0 gives NaN (and a zero gradient)."""
    a = draw(matrices())
    flip = np.random.default_rng(draw(seeds)).choice([1.0, -1.0], a.values.shape[:-2])
    values = a.values.copy()
    values[..., 0, :] *= flip[..., None]
    return S(Arr(values, a.layout))


spec("logdet", logdet_sample(), errors=_square_errors("logdet"))
# a singular matrix: -inf (forward only: the gradient is inf/NaN there)
spec("logdet", st.builds(lambda a: S(Arr(a.values * (np.arange(a.values.shape[-1]) > 0),
                                          a.layout)), matrices()),
     variant="singular", grad=False, calls=("logdet", "det"))

# ---- decompositions ----------------------------------------------------------------------
# A is read through (A + A^T) / 2, as torch's OpInfo does (gradcheck_wrapper_hermitian_input):
# cholesky reads one triangle, and its gradient is the symmetric one, which finite
# differences of single entries would not see
symmetric_cholesky = fn(["cholesky", "Tensor.cholesky"], lambda L, x, **k: (
    L.cholesky((x + x.mT) / 2, **k), ((x + x.mT) / 2).cholesky(**k)))
spec("cholesky", st.builds(S, matrices(_spd), upper=st.booleans()), calls=(symmetric_cholesky,))
spec("cholesky", st.builds(S, matrices(_spd), upper=st.booleans()), variant="raw", grad=False,
     errors=[
    *_square_errors("cholesky", long=False),
    ErrorCase(S(LONG22), NotImplementedError, "\"cholesky_cpu\" not implemented for 'Long'"),
    # on the CPU: CuPy's cholesky gives NaN rather than an error (minitorch/linalg.py)
    ErrorCase(S(A(-np.eye(2))), RuntimeError,
              "cholesky: The factorization could not be completed because the input is not "
              "positive-definite (the leading minor of order 1 is not positive-definite).",
              fn(["cholesky"], lambda L, x: L.cholesky(x.cpu())))])


def _signed_qr(result):
    """Q D, D R with D = sign(diag R) (the first min(m, n) columns of Q, rows of R)."""
    q, r = result
    k = min(q.shape[-2], r.shape[-1])
    d = r.diagonal(dim1=-2, dim2=-1).sign().detach()
    return q[..., :k] * d.unsqueeze(-2), q.shape, r[..., :k, :] * d.unsqueeze(-1), r.shape


signed_qr = fn(["qr", "Tensor.qr"], lambda L, x, **k: (_signed_qr(L.qr(x, **k)),
                                                       _signed_qr(x.qr(**k))))
# tall (reduced), square (either) and wide (either) A; tall with some=False is below
spec("qr", st.builds(S, matrices(square=False), some=st.booleans()).filter(
    lambda s: s.kwargs["some"] or s.args[0].values.shape[-2] <= s.args[0].values.shape[-1]),
     calls=(signed_qr,), errors=[
         ErrorCase(S(ONES3), RuntimeError,
                   "linalg.qr: The input tensor A must have at least 2 dimensions."),
         ErrorCase(S(LONG22), RuntimeError,
                   "linalg.qr: Expected a floating point or complex tensor as input. Got Long")])
# the complete Q of a tall A: its last m - n columns are LAPACK's (the same in torch and
# NumPy); torch has no gradient there ("not differentiable when mode='complete'")
spec("qr", st.builds(S, matrices(square=False), some=st.just(False)), variant="complete",
     grad=False, calls=("qr", ".qr"))


def _signed_svd(result):
    """U, V with each singular pair's sign fixed by U's largest entry in that column."""
    u, s, v = result
    k = s.shape[-1]
    u_k = u[..., :k]
    sign = u_k.gather(-2, u_k.abs().argmax(-2, keepdim=True)).sign().detach()
    return u_k * sign, u.shape, s, v[..., :k] * sign, v.shape


signed_svd = fn(["svd", "Tensor.svd"], lambda L, x, **k: (_signed_svd(L.svd(x, **k)),
                                                         _signed_svd(x.svd(**k))))
spec("svd", st.builds(S, matrices(_separated, square=False), some=st.booleans()),
     calls=(signed_svd,), errors=[
         ErrorCase(S(ONES3), RuntimeError,
                   "linalg.svd: input should have at least 2 dimensions, but has 1 dimensions "
                   "instead"),
         ErrorCase(S(LONG22), RuntimeError,
                   "linalg.svd: Expected a floating point or complex tensor as input. Got "
                   "Long")])
# compute_uv=False: S only, U and V zero-filled at full size
spec("svd", st.builds(S, matrices(_separated, square=False), some=st.booleans(),
                      compute_uv=st.just(False)), variant="values", calls=("svd", ".svd"))
spec("pinverse", st.builds(S, matrices(_separated, square=False)), errors=[
    ErrorCase(S(ONES3), RuntimeError,
              "linalg.pinv(Float{[3]}): expected a tensor with 2 or more dimensions of float, "
              "double, cfloat or cdouble types")])
# rcond cuts the singular values below 0.2 * the largest (ratio 1/3: none near the cut)
spec("pinverse", st.builds(lambda a, pos: S(a, 0.2) if pos else S(a, rcond=0.2),
                           matrices(_separated, square=False, ratio=1 / 3), st.booleans()),
     variant="rcond")


# ---- matrix functions --------------------------------------------------------------------
@st.composite
def matrix_power_sample(draw):
    a = draw(matrices(_near_identity))
    n = draw(st.integers(-4, 6))
    return S(a, n) if draw(st.booleans()) else S(a, n=n)


spec("matrix_power", matrix_power_sample(), tol32=(1e-4, 1e-5), errors=[
    *_square_errors("linalg.matrix_power", 2, long=False),
    ErrorCase(S(LONG22, -1), RuntimeError,
              "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    ErrorCase(S(A(np.eye(2)), 2.0), TypeError, "must be int, not float")])
spec("matrix_power", st.builds(lambda a, n: S(Arr(a.values, a.layout), n),
                               arrays(st.sampled_from([(3, 3), (2, 2, 2), (0, 3, 3), (1, 1)]),
                                      "int64"), st.integers(0, 5)),
     variant="int", grad=False, calls=("matrix_power",))


@st.composite
def matrix_exp_sample(draw):
    """1-norms up to ~15: several scaling-and-squaring steps."""
    # (torch 2.13's matrix_exp backward raises "view size is not compatible" for batch
    # dims out of order or strided: a torch bug, so those layouts are not drawn)
    a = draw(matrices(lambda rng, batch, m, n: rng.standard_normal(batch + (m, n)),
                      batch_layouts=False))
    scale = draw(st.sampled_from([0.1, 0.5, 1.0, 2.0]))
    return S(Arr(a.values * scale, a.layout))


spec("matrix_exp", matrix_exp_sample(), tol32=(1e-4, 1e-4),
     errors=_square_errors("linalg.matrix_exp"))


# ---- products ----------------------------------------------------------------------------
@st.composite
def inner_sample(draw, kind="normal"):
    k = draw(st.integers(0, 3))
    a, b = (draw(maybe_empty_shapes(0, 2)) + (k,) for _ in range(2))
    if draw(st.booleans()):  # a 0-dim operand: a product
        a = ()
    if draw(st.booleans()):
        a, b = b, a
    return S(draw(arrays(st.just(a), kind)), draw(arrays(st.just(b), kind)))


spec("inner", inner_sample(), tol32=(1e-4, 1e-5), errors=[
    ErrorCase(S(ONES23, A(np.ones((4, 2)))), RuntimeError,
              "inner() the last dimension must match on both input tensors but got shapes "
              "[2, 3] and [4, 2]"),
    ErrorCase(S(ONES23, A(np.ones(3), dtype=np.int64)), RuntimeError,
              "both inputs should have same dtype"),
    ErrorCase(S(ONES23, 2.0), TypeError, "must be Tensor, not float")])
spec("inner", inner_sample("int64"), variant="int", grad=False)


@st.composite
def cross_sample(draw, kind="normal"):
    """Shapes with a dim of size 3 (the dim=None default takes input's first), the other
    dims broadcasting between the two."""
    shape = list(draw(maybe_empty_shapes(0, 2)))
    dim = draw(st.integers(0, len(shape)))
    shape.insert(dim, 3)
    which = draw(st.sampled_from(["none", "dim", "negative", "keyword"]))
    # (with dim=None, input's first dim of size 3 may be another one: no broadcasting)
    other = [1 if which != "none" and draw(st.booleans()) and i != dim else s
             for i, s in enumerate(shape)]
    a, b = draw(arrays(st.just(tuple(shape)), kind)), draw(arrays(st.just(tuple(other)), kind))
    if draw(st.booleans()):
        a, b = b, a
    if which == "none":
        return S(a, b)
    d = dim - len(shape) if which == "negative" else dim
    return S(a, b, d) if which != "keyword" else S(a, b, dim=d)


spec("cross", cross_sample(), errors=[
    ErrorCase(S(A(np.ones((4, 4))), A(np.ones((4, 4)))), RuntimeError,
              "no dimension of size 3 in input"),
    ErrorCase(S(A(np.ones((3, 4))), A(np.ones((3, 4))), 1), RuntimeError,
              "linalg.cross: inputs dimension 1 must have length 3. Got 4 and 4"),
    ErrorCase(S(A(np.ones((3, 4))), A(np.ones((3, 4))), 5), IndexError,
              "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    ErrorCase(S(A(np.ones((3, 4))), A(np.ones(3)), 0), RuntimeError,
              "linalg.cross: inputs must have the same number of dimensions."),
    ErrorCase(S(A(np.ones((3, 4))), A(np.ones((3, 4)), dtype=np.int64), 0), RuntimeError,
              "expected scalar type Float but found Long")])
spec("cross", cross_sample("int64"), variant="int", grad=False)
