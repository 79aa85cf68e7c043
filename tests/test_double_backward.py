"""Gradients of gradients (create_graph=True), checked op by op against torch.

The registry test: for every spec of the op registry (tests/op_specs.py) that checks
gradients, with hypothesis-drawn float64 inputs x and a random upstream gradient v (that
requires grad), compute g = d(sum(out * v))/dx with create_graph=True and then the
gradient of sum(g * w) with respect to x and v. Both must equal torch's (rtol 1e-7), and
g must equal minitorch's own first-order (array) backward: that is the check that each
op's `backward_graph` and its fast array `backward` do not drift apart.

Ops without a `backward_graph` yet raise a clear error under create_graph=True; they are
listed in NO_FORMULA so the gap stays visible (and the list exact).
"""
from __future__ import annotations

import importlib
import pkgutil
import re

import numpy as np
import pytest
import torch
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from op_specs import SPECS, call_spec
from test_op_parity import draw_case, flat, host, run_both

import minitorch
from minitorch.autograd import Op, engine

RTOL, ATOL = 1e-7, 1e-9
NO_FORMULA_MSG = "has no double-backward formula yet"

# Built-in ops without a double-backward formula yet (create_graph=True raises
# "<Op> has no double-backward formula yet"). Remove a name when you add its formula.
# StandardGamma is Gamma.rsample's draw (a distributions internal, not a registry op),
# whose gradient torch itself cannot differentiate ("_standard_gamma_grad").
NO_FORMULA = {"StandardGamma"}
# Ops whose formula covers the usual case but raises the same clear error at an edge
# (var/std with correction >= the number of elements: torch's inf/NaN there; norm with
# p < 2 other than 1).
PARTIAL = {"Var", "Std", "Norm"}
# Not graph nodes: abstract bases, and ops whose outputs (bool/int) never need a gradient.
NOT_NODES = {"Unary", "ViewOp", "Compare", "Predicate", "ReduceLogic"}

# Ops torch itself cannot differentiate twice: spec id -> torch's error.
TORCH_CANNOT = {
    "cdist": "the derivative for '_cdist_backward' is not implemented",
}


def _all_ops():
    # every module that defines ops, whether or not this process has loaded it yet (some
    # load on first use: minitorch.distributions, minitorch.linalg)
    for package in (minitorch.ops, minitorch.distributions):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    seen, stack = {}, list(Op.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls.__module__.startswith("minitorch.") and cls.__name__ not in seen:
            seen[cls.__name__] = cls
        stack.extend(cls.__subclasses__())
    return seen


def test_no_formula_list_is_exact():
    """NO_FORMULA names exactly the built-in ops without `backward_graph`."""
    missing = {name for name, cls in _all_ops().items()
               if getattr(cls, "backward_graph", None) is None} - NOT_NODES
    assert missing - NO_FORMULA == set(), "ops without a formula, not listed in NO_FORMULA"
    assert NO_FORMULA - missing == set(), "listed in NO_FORMULA but have a formula now"


@pytest.mark.parametrize("name", sorted(NO_FORMULA))
def test_op_without_formula_raises_clearly(name):
    node = _all_ops()[name]()
    grad = minitorch.ones(2, dtype=minitorch.float64)
    with pytest.raises(RuntimeError, match=f"{name} {NO_FORMULA_MSG}"):
        engine._apply_node_graph(node, [grad])


def _random_like(rng, tensors, lib, requires_grad):
    out = []
    for t in tensors:
        a = rng.standard_normal(tuple(t.shape))
        out.append(lib.tensor(a, dtype=lib.float64, requires_grad=requires_grad))
    return out


def _second_order(lib, outs, leaves, vs, ws):
    """(g, d sum(g * w) / d(leaves + vs)) with g = d sum(outs * vs) / d leaves."""
    gs = lib.autograd.grad(outs, leaves, vs, create_graph=True, allow_unused=True)
    terms = [(g * w).sum() for g, w in zip(gs, ws) if g is not None and g.requires_grad]
    if not terms:
        return gs, [None] * (len(leaves) + len(vs))
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return gs, lib.autograd.grad(total, list(leaves) + list(vs), allow_unused=True)


def _assert_same(mine, ref, what):
    ref_np = np.zeros(0) if ref is None else ref.detach().numpy(force=True)  # ZeroTensors
    # no gradient (None) equals zeros; rounding-level values (atol) count as zeros too
    if mine is None:
        assert ref is None or _near_zero(ref_np), f"{what}: torch has a non-zero gradient"
        return
    got = host(mine)
    if ref is None:
        assert _near_zero(got), f"{what}: torch gives no gradient, minitorch a non-zero one"
        return
    assert got.shape == ref_np.shape, f"{what}: shape {got.shape} != {ref_np.shape}"
    np.testing.assert_allclose(got, ref_np, rtol=RTOL, atol=ATOL, equal_nan=True,
                               err_msg=what)


def _near_zero(a):
    return not (np.isnan(a) | (np.abs(a) > ATOL)).any()


def _pairs(mine, ref):
    return [(m, r) for m, r in zip(flat(mine), flat(ref))
            if isinstance(r, torch.Tensor) and r.requires_grad]


DOUBLE_SPECS = [s for s in SPECS if s.grad and "float64" in s.dtypes]


@pytest.mark.parametrize("spec", DOUBLE_SPECS, ids=[s.id for s in DOUBLE_SPECS])
@given(data=st.data())
def test_second_derivatives_match_torch(spec, data):
    caller, sample = draw_case(spec, data)
    try:
        both = run_both(spec, caller, sample, "float64", "cpu")
    except AssertionError as exc:  # the spec's strategy drew a sample torch rejects:
        if "torch rejected a drawn sample" not in str(exc):  # test_op_parity's business
            raise
        reject()
    if both is None:
        return
    (mine, mine_leaves), (ref, ref_leaves) = both
    pairs = _pairs(mine, ref)
    if not pairs or not ref_leaves:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    state = rng.bit_generator.state
    ref_v = _random_like(rng, [r for _, r in pairs], torch, True)
    ref_w = _random_like(rng, ref_leaves, torch, False)
    rng.bit_generator.state = state
    mine_v = _random_like(rng, [m for m, _ in pairs], minitorch, True)
    mine_w = _random_like(rng, mine_leaves, minitorch, False)
    try:
        ref_g, ref_h = _second_order(torch, [r for _, r in pairs], ref_leaves, ref_v, ref_w)
    except RuntimeError as exc:
        assert spec.id in TORCH_CANNOT and TORCH_CANNOT[spec.id] in str(exc), \
            f"torch cannot differentiate {spec.id} twice: {exc}"
        with pytest.raises(RuntimeError):
            _second_order(minitorch, [m for m, _ in pairs], mine_leaves, mine_v, mine_w)
        return
    outs = [m for m, _ in pairs]
    array_g = minitorch.autograd.grad(outs, mine_leaves, [v.detach() for v in mine_v],
                                      retain_graph=True, allow_unused=True)
    try:
        mine_g, mine_h = _second_order(minitorch, outs, mine_leaves, mine_v, mine_w)
    except RuntimeError as exc:
        name = str(exc).split(" ")[0]
        if NO_FORMULA_MSG in str(exc) and name in NO_FORMULA | PARTIAL:
            return  # a known gap: the clear error, never wrong numbers
        raise
    # the formula and the array backward agree (first order)
    for i, (g, a) in enumerate(zip(mine_g, array_g)):
        if g is not None and a is not None:
            np.testing.assert_allclose(host(g), host(a), rtol=RTOL, atol=ATOL,
                                       equal_nan=True, err_msg=f"first order, input {i}")
    for i, (m, r) in enumerate(zip(mine_g, ref_g)):
        _assert_same(m, r, f"first derivative of input {i}")
    n = len(mine_leaves)
    for i, (m, r) in enumerate(zip(mine_h, ref_h)):
        what = f"second derivative w.r.t. input {i}" if i < n else \
            f"second derivative w.r.t. upstream gradient {i - n}"
        _assert_same(m, r, what)


# ---- the engine: create_graph, one pass for several outputs, custom Functions ----------------
def _both(fn):
    """Run fn(lib) for minitorch and torch; compare the returned lists of tensors."""
    mine, ref = fn(minitorch), fn(torch)
    assert len(mine) == len(ref)
    for i, (m, r) in enumerate(zip(mine, ref)):
        np.testing.assert_allclose(host(m), r.detach().numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"result {i}")


def test_backward_create_graph_leaves_differentiable_grad():
    def fn(L):
        x = L.tensor([0.3, -1.2, 2.0], dtype=L.float64, requires_grad=True)
        (x.sin() * x ** 3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        (h,) = L.autograd.grad(g.sum(), x)
        return [g, h]

    _both(fn)


def test_third_and_fourth_derivatives():
    def fn(L):
        x = L.tensor([0.7, -0.4], dtype=L.float64, requires_grad=True)
        y = (x.tanh() * x.exp()).sum()
        out = []
        for _ in range(4):
            (y,) = L.autograd.grad(y, x, create_graph=True)
            out.append(y)
            y = y.sum()
        return out

    _both(fn)


def test_multiple_outputs_are_one_backward_pass():
    """backward([a, b]): a hook on a tensor both depend on fires once, and the graph is
    freed afterwards, so a second backward raises (as in torch)."""
    for lib in (minitorch, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        shared = x * 3
        calls = []
        shared.register_hook(lambda g: calls.append(1))
        a, b = (shared * shared).sum(), (shared * 2).sum()
        lib.autograd.backward([a, b])
        assert len(calls) == 1, lib.__name__
        np.testing.assert_allclose(x.grad.numpy(), 18 * np.array([1.0, 2.0]) + 6)
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            a.backward()


def test_backward_with_tensors_and_grad_tensors():
    def fn(L):
        x = L.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=L.float64, requires_grad=True)
        y1, y2 = x.exp(), (x * x).sum(1)
        L.autograd.backward([y1, y2], [L.ones(2, 2, dtype=L.float64),
                                       L.tensor([2.0, -1.0], dtype=L.float64)])
        return [x.grad]

    _both(fn)


def test_upstream_gradient_that_requires_grad():
    """d/dv of the vector-Jacobian product v^T J (the double-backward trick)."""
    def fn(L):
        x = L.tensor([0.2, 0.9, -0.5], dtype=L.float64, requires_grad=True)
        v = L.tensor([1.0, -2.0, 0.5], dtype=L.float64, requires_grad=True)
        (g,) = L.autograd.grad(x.sigmoid(), x, v, create_graph=True)
        (jv,) = L.autograd.grad(g, v, L.ones(3, dtype=L.float64))
        return [g, jv]

    _both(fn)


class _CubeFn:
    """A custom Function whose backward uses differentiable ops and a saved output."""

    @staticmethod
    def make(L):
        class Cube(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * x * x
                ctx.save_for_backward(x, y)
                return y

            @staticmethod
            def backward(ctx, grad):
                x, y = ctx.saved_tensors
                return grad * 3 * y / x  # uses the saved output: it must carry the graph

        return Cube


def test_custom_function_double_backward():
    def fn(L):
        x = L.tensor([0.5, -1.5, 2.0], dtype=L.float64, requires_grad=True)
        y = _CubeFn.make(L).apply(x).sum()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        (h,) = L.autograd.grad(g.sum(), x)
        return [g, h]

    _both(fn)


def test_retain_graph_defaults_to_create_graph():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    minitorch.autograd.grad(y, x, create_graph=True)
    minitorch.autograd.grad(y, x)  # the graph was kept
    with pytest.raises(RuntimeError, match="second time"):
        minitorch.autograd.grad(y, x)


def test_inplace_change_of_an_input_exp_does_not_need():
    """exp's double backward is written on its saved output (torch's `result`), so changing
    its input in place afterwards is no error at any order, as in torch, with torch's
    numbers."""
    grads = []
    for lib in (torch, minitorch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        y = a.exp()
        a.mul_(2)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        grads.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)


def test_inplace_change_of_an_input_is_caught():
    """A formula that reads the op's inputs (sin's: cos x) would give wrong numbers after
    they changed in place, so create_graph=True raises, as torch does."""
    for lib in (torch, minitorch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        y = a.sin()
        a.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            lib.autograd.grad(y.sum(), x, create_graph=True)


class Twice(Op):
    """A toy op with only the array backward."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return (grad * 2,)


def test_op_without_formula_names_itself_in_the_graph():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = minitorch.autograd.grad(Twice.apply(x).sum(), x)  # first order works
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0])
    with pytest.raises(RuntimeError, match="Twice has no double-backward formula yet"):
        minitorch.autograd.grad(Twice.apply(x).sum(), x, create_graph=True)


@pytest.mark.parametrize("values", [
    [[2.0, 0.0, 3.0, -1.5]],                 # one zero
    [[0.0, 1.5, 0.0, 2.0]],                  # two zeros: only the pair terms survive
    [[1.5, -2.0, 0.5, 3.0], [0.0, 2.0, 0.0, 0.0]],
])
@pytest.mark.parametrize("op", ["prod", "prod_dim", "prod_all", "cumprod", "cumprod_0"])
def test_products_with_zeros_second_derivatives(op, values):
    """torch handles zeros in prod/cumprod's backward specially (no division by x); the
    second derivatives must still match, with v requiring grad too."""
    def program(L):
        x = L.tensor(values, dtype=L.float64, requires_grad=True)
        fn = {"prod": lambda t: t.prod(1), "prod_dim": lambda t: t.prod(-1, keepdim=True),
              "prod_all": lambda t: t.prod(), "cumprod": lambda t: t.cumprod(1),
              "cumprod_0": lambda t: t.cumprod(0)}[op]
        out = fn(x)
        rng = np.random.default_rng(0)
        v = L.tensor(rng.standard_normal(tuple(out.shape)), dtype=L.float64,
                     requires_grad=True)
        w = L.tensor(rng.standard_normal(tuple(x.shape)), dtype=L.float64)
        (g,) = L.autograd.grad(out, x, v, create_graph=True)
        hx, hv = L.autograd.grad((g * w).sum(), [x, v], create_graph=True, allow_unused=True)
        third = None
        if hx is not None and hx.requires_grad:  # third order, through the formulas again
            (third,) = L.autograd.grad((hx * w).sum(), x, allow_unused=True)
        return [L.zeros_like(x) if t is None else t for t in (g, hx, hv, third)]

    _both(program)


def test_cdist_gradient_has_no_derivative_as_in_torch():
    for L in (minitorch, torch):
        x1 = L.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=L.float64, requires_grad=True)
        x2 = L.tensor([[1.0, 1.0]], dtype=L.float64)
        (g,) = L.autograd.grad(L.cdist(x1, x2).sum(), x1, create_graph=True)
        assert g.requires_grad
        with pytest.raises(NotImplementedError, match="derivative for '_cdist_backward'"):
            g.sum().backward()


def test_hooks_see_the_graph_under_create_graph():
    x = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64, requires_grad=True)
    y = x * x
    seen = []
    y.register_hook(lambda g: seen.append(g.requires_grad))
    (g,) = minitorch.autograd.grad((y * x).sum(), x, create_graph=True)
    assert seen == [True]
    (h,) = minitorch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [6.0, 12.0])


# ---- use cases: gradient penalty, Hessian-vector product, MAML --------------------------------
def _mlp(L, seed=0):
    g = np.random.default_rng(seed)
    return [L.tensor(g.standard_normal(s) * 0.5, dtype=L.float64, requires_grad=True)
            for s in [(8, 4), (8,), (1, 8), (1,)]]


def _mlp_forward(L, params, x):
    F = L.nn.functional
    w1, b1, w2, b2 = params
    return F.linear(F.linear(x, w1, b1).tanh(), w2, b2)


def test_wgan_gradient_penalty_mlp():
    def fn(L):
        params = _mlp(L)
        g = np.random.default_rng(1)
        real = L.tensor(g.standard_normal((5, 4)), dtype=L.float64)
        fake = L.tensor(g.standard_normal((5, 4)), dtype=L.float64)
        eps = L.tensor(g.random((5, 1)), dtype=L.float64)
        mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
        score = _mlp_forward(L, params, mix)
        (grad_mix,) = L.autograd.grad(score, mix, L.ones(5, 1, dtype=L.float64),
                                      create_graph=True)
        penalty = ((grad_mix.reshape(5, -1).pow(2).sum(1).sqrt() - 1) ** 2).mean()
        loss = score.mean() + 10 * penalty
        loss.backward()
        return [penalty] + [p.grad for p in params]

    _both(fn)


def test_wgan_gradient_penalty_cnn():
    def fn(L):
        F = L.nn.functional
        g = np.random.default_rng(2)
        w = L.tensor(g.standard_normal((4, 2, 3, 3)) * 0.3, dtype=L.float64,
                     requires_grad=True)
        b = L.tensor(g.standard_normal(4) * 0.1, dtype=L.float64, requires_grad=True)
        head = L.tensor(g.standard_normal((1, 4 * 3 * 3)) * 0.3, dtype=L.float64,
                        requires_grad=True)
        x = L.tensor(g.standard_normal((3, 2, 6, 6)), dtype=L.float64, requires_grad=True)
        h = F.conv2d(x, w, b, stride=2, padding=1).sigmoid()
        score = F.linear(h.reshape(3, -1), head)
        (gx,) = L.autograd.grad(score.sum(), x, create_graph=True)
        penalty = ((gx.reshape(3, -1).norm(dim=1) - 1) ** 2).mean()
        penalty.backward()
        return [penalty, w.grad, b.grad, head.grad]

    _both(fn)


def test_hessian_vector_product_of_a_classifier_loss():
    def fn(L):
        params = _mlp(L, seed=3)
        params[2] = L.tensor(np.random.default_rng(4).standard_normal((3, 8)),
                             dtype=L.float64, requires_grad=True)
        params[3] = L.tensor(np.zeros(3), dtype=L.float64, requires_grad=True)
        g = np.random.default_rng(5)
        x = L.tensor(g.standard_normal((6, 4)), dtype=L.float64)
        target = L.tensor(g.integers(0, 3, 6))
        loss = L.nn.functional.cross_entropy(_mlp_forward(L, params, x), target)
        grads = L.autograd.grad(loss, params, create_graph=True)
        vs = [L.tensor(np.full(tuple(p.shape), 0.1), dtype=L.float64) for p in params]
        dot = sum((gr * v).sum() for gr, v in zip(grads, vs))
        return list(L.autograd.grad(dot, params))

    _both(fn)


def test_maml_inner_step():
    """One inner SGD step with create_graph=True, then the outer loss on the adapted
    weights, differentiated back to the original weights (second order MAML)."""
    def fn(L):
        F = L.nn.functional
        params = _mlp(L, seed=6)
        g = np.random.default_rng(7)
        xs, ys = (L.tensor(g.standard_normal(s), dtype=L.float64) for s in [(5, 4), (5, 1)])
        xq, yq = (L.tensor(g.standard_normal(s), dtype=L.float64) for s in [(5, 4), (5, 1)])
        inner = F.mse_loss(_mlp_forward(L, params, xs), ys)
        grads = L.autograd.grad(inner, params, create_graph=True)
        adapted = [p - 0.1 * gr for p, gr in zip(params, grads)]
        outer = F.mse_loss(_mlp_forward(L, adapted, xq), yq)
        outer.backward()
        return [outer] + [p.grad for p in params]

    _both(fn)


def test_gradgradcheck_passes_and_can_fail():
    x = minitorch.tensor([[0.3, -0.8], [1.1, 0.4]], dtype=minitorch.float64,
                         requires_grad=True)
    w = minitorch.tensor([[0.5, -0.2], [0.1, 0.7]], dtype=minitorch.float64,
                         requires_grad=True)
    assert minitorch.autograd.gradgradcheck(
        lambda x, w: (x @ w).tanh().softmax(1).log(), (x, w))

    class WrongSquare(Op):  # correct first derivative, wrong formula for the second
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return (2 * grad * x,)

        @staticmethod
        def backward_graph(ctx, grad, x):
            return (3 * grad * x,)

    assert minitorch.autograd.gradcheck(WrongSquare.apply, (x,))
    assert not minitorch.autograd.gradgradcheck(WrongSquare.apply, (x,),
                                                raise_exception=False)
    with pytest.raises(minitorch.autograd.GradcheckError):
        minitorch.autograd.gradgradcheck(WrongSquare.apply, (x,))


# ---- gradgradcheck: the registry against finite differences ---------------------------------
FD_MAX_ELEMENTS = 24  # finite differences cost two evaluations per input element
FD_SKIP = {"casts-grad"}  # goes through float32 on the way: its differences are noise


@pytest.mark.parametrize("spec", DOUBLE_SPECS, ids=[s.id for s in DOUBLE_SPECS])
@settings(max_examples=6)
@given(data=st.data())
def test_gradgradcheck_registry(spec, data):
    """Second derivatives against finite differences of the first-order backward (small
    samples only). Inputs get a small positive jitter: the registry draws integer values
    on purpose (ties for relu, abs, max), where finite differences straddle a kink."""
    from test_op_parity import build

    if spec.id in FD_SKIP:
        pytest.skip(f"{spec.id}: finite differences through float32")
    caller, sample = draw_case(spec, data)
    leaves = []
    args = build(sample.args, minitorch, "float64", "cpu", leaves)
    kwargs = build(sample.kwargs, minitorch, "float64", "cpu", leaves)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    for x in leaves:
        x._data += rng.uniform(0.01, 0.05, x.shape)

    def fn(*_):  # gradcheck perturbs the leaves in place and calls again
        return [o for o in flat(call_spec(spec, caller, minitorch, args, kwargs))
                if isinstance(o, minitorch.Tensor) and o.requires_grad]

    try:
        outs = fn()
    except Exception:  # noqa: BLE001 -- a sample the op rejects: test_op_parity's business
        reject()
    size = sum(x.numel() for x in leaves) + sum(o.numel() for o in outs)
    if not leaves or not outs or size > FD_MAX_ELEMENTS or any(
            o.dtype != minitorch.float64 for o in outs):  # float32 differences are noise
        return
    try:
        minitorch.autograd.grad(outs, leaves, [o.detach() * 0 + 1 for o in outs],
                                create_graph=True, allow_unused=True)
    except RuntimeError as exc:
        name = str(exc).split(" ")[0]
        if NO_FORMULA_MSG in str(exc) and name in NO_FORMULA | PARTIAL:
            return
        raise
    if spec.id in TORCH_CANNOT:  # the gradient exists, its derivative raises (as torch)
        with pytest.raises(RuntimeError, match=re.escape(TORCH_CANNOT[spec.id])):
            minitorch.autograd.gradgradcheck(fn, leaves, atol=1e-5, rtol=1e-4)
        return
    if any(not np.isfinite(host(x)).all() for x in leaves):  # the "edges" samples
        return
    if any(not np.isfinite(host(o)).all() for o in outs):  # outside the domain (logit < 0):
        return  # NaN values have no finite differences to compare with
    if spec.name in ("std", "std_mean") and any((host(o) == 0).any() for o in outs):
        return  # torch's NaN d/dgrad where std == 0 (Std.backward_graph); differences say 0
    assert minitorch.autograd.gradgradcheck(fn, leaves, atol=1e-5, rtol=1e-4)


# ---- the formulas on CuPy (or ../shared/simcupy): the backend-neutral helpers ------------------
CUDA_CASES = {
    "roll": lambda L, x: L.roll(x, 1, 1),
    "diagonal": lambda L, x: x.diagonal(1),
    "take": lambda L, x: L.take(x, L.tensor([0, 5, 5], device=x.device)),
    "pad_reflect": lambda L, x: L.nn.functional.pad(x, (1, 2), mode="reflect"),
    "cummax": lambda L, x: x.cummax(1)[0],
    "cumprod_zero": lambda L, x: x.cumprod(1),
    "prod_zero": lambda L, x: x.prod(1),
    "logcumsumexp": lambda L, x: x.logcumsumexp(1),
    "einsum": lambda L, x: L.einsum("ij,kj->ik", x, x),
    "median": lambda L, x: x.median(),
}


@pytest.mark.skipif(not minitorch.cuda.is_available(), reason="needs CuPy and a GPU (or "
                    "PYTHONPATH=../shared/simcupy)")
@pytest.mark.parametrize("name", sorted(CUDA_CASES))
def test_second_derivatives_on_cuda(name):
    values = np.random.default_rng(0).standard_normal((3, 4))
    values[0, 1] = 0.0  # the zero branch of prod/cumprod

    def program(L):
        x = L.tensor(values, dtype=L.float64, requires_grad=True,
                     device="cuda" if L is minitorch else "cpu")
        out = CUDA_CASES[name](L, x)
        v = L.ones_like(out).requires_grad_()
        (g,) = L.autograd.grad(out, x, v, create_graph=True)
        hx, hv = L.autograd.grad((g * g).sum(), [x, v], allow_unused=True)
        return [g, L.zeros_like(x) if hx is None else hx, hv]

    _both(program)


# ---- nn functionals whose ops the registry above does not draw --------------------------------
NN_CASES = {
    "elu": lambda L, x, t: L.nn.functional.elu(x, alpha=0.7),
    "selu": lambda L, x, t: L.nn.functional.selu(x),
    "celu": lambda L, x, t: L.nn.functional.celu(x, alpha=1.3),
    "embedding": lambda L, x, t: L.nn.functional.embedding(
        L.tensor([[0, 2, 2], [1, 0, 3]]), x, padding_idx=2),
    "kl_div": lambda L, x, t: L.nn.functional.kl_div(x, t.abs(), reduction="none"),
    "kl_div_log_target": lambda L, x, t: L.nn.functional.kl_div(
        x, t, reduction="sum", log_target=True),
    "binary_cross_entropy": lambda L, x, t: L.nn.functional.binary_cross_entropy(
        x.sigmoid(), t.sigmoid(), reduction="none"),
    "smooth_l1": lambda L, x, t: L.nn.functional.smooth_l1_loss(x, t, beta=0.5),
    "huber": lambda L, x, t: L.nn.functional.huber_loss(x, t, reduction="none", delta=0.8),
    "pad_constant": lambda L, x, t: L.nn.functional.pad(x, (1, -1, 2, 0), value=0.5),
    "pad_reflect": lambda L, x, t: L.nn.functional.pad(x.unsqueeze(0), (2, 1), "reflect"),
    "pad_replicate": lambda L, x, t: L.nn.functional.pad(x.unsqueeze(0), (1, 2), "replicate"),
    "pad_circular": lambda L, x, t: L.nn.functional.pad(x.unsqueeze(0), (3, 1), "circular"),
}


@pytest.mark.parametrize("name", sorted(NN_CASES))
def test_nn_functional_second_derivatives_match_torch(name):
    rng = np.random.default_rng(1)
    values, targets, w = (rng.standard_normal((4, 5)) for _ in range(3))
    results = []
    for L in (minitorch, torch):
        x = L.tensor(values, dtype=L.float64, requires_grad=True)
        t = L.tensor(targets, dtype=L.float64, requires_grad=True)
        out = NN_CASES[name](L, x, t)
        v = L.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)),
                     dtype=L.float64, requires_grad=True)
        results.append(_second_order(L, [out], [x, t], [v], [L.tensor(w, dtype=L.float64)] * 2))
    (mine_g, mine_h), (ref_g, ref_h) = results
    for i, (m, r) in enumerate(zip(list(mine_g) + list(mine_h), list(ref_g) + list(ref_h))):
        _assert_same(m, r, f"{name}: result {i}")


@pytest.mark.parametrize("op, message", [
    (lambda L, x: L.heaviside(x, x), "derivative for aten::heaviside is not implemented"),
    (lambda L, x: L.floor_divide(x, 2.0), "derivative for aten::floor_divide is not implemented"),
])
def test_ops_without_derivative_raise_under_create_graph_too(op, message):
    for L in (minitorch, torch):
        x = L.tensor([1.5, -2.0], dtype=L.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match=message):
            L.autograd.grad(op(L, x).sum(), x, create_graph=True)


def test_relu_gradients_match_torch_at_nan_and_stay_differentiable():
    """ReLU's gradient passes at NaN (torch's threshold_backward: zero only where
    out <= 0), and the first gradient of a ReLU-only chain requires grad (its node,
    ThresholdBackwardBackward0, has a zero derivative with respect to the output)."""
    results = []
    for lib in (torch, minitorch):
        x = lib.tensor([float("nan"), -1.0, 0.0, 2.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.relu(x).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x, create_graph=True)
        results.append((g.detach().numpy(), g.requires_grad, g.grad_fn.name(),
                        gg.detach().numpy(), gg.requires_grad))
    (tg, treq, tname, tgg, tgreq), (mg, mreq, mname, mgg, mgreq) = results
    np.testing.assert_array_equal(mg, tg)
    np.testing.assert_array_equal(mgg, tgg)
    assert (mreq, mname, mgreq) == (treq, tname, tgreq)
