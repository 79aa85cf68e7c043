"""cdf/icdf, the base class's NotImplementedError methods, monotone transforms, and the
distributions torch builds as TransformedDistributions (Gumbel, HalfNormal, Pareto, Weibull),
against torch.distributions.

Deterministic quantities (log_prob, cdf, icdf, mean, variance, entropy) and their gradients
must match torch in float64 to rtol 1e-10; samples only in shape, dtype and sample mean,
since minitorch's random stream is not torch's.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.distributions as TD

import minitorch
import minitorch.distributions as MD

RTOL, ATOL = 1e-10, 1e-12
SHAPE = (2, 3)


def _pos(rng):
    return rng.uniform(0.5, 3.0, SHAPE)


def _real(rng):
    return rng.standard_normal(SHAPE)


def _prob(rng):
    return rng.uniform(0.02, 0.98, SHAPE)


# name -> (param makers, a maker of values inside the support from the params)
SPECS = {
    "Exponential": ((_pos,), lambda rng, rate: rng.uniform(0.0, 3.0, SHAPE)),
    "Uniform": ((_real, lambda rng: None),
                lambda rng, low, high: low + rng.uniform(0, 1, SHAPE) * (high - low)),
    "Laplace": ((_real, _pos), lambda rng, loc, scale: rng.standard_normal(SHAPE) * 2),
    "Normal": ((_real, _pos), lambda rng, loc, scale: rng.standard_normal(SHAPE) * 2),
    "LogNormal": ((_real, _pos), lambda rng, loc, scale: rng.uniform(0.1, 4.0, SHAPE)),
    "Gumbel": ((_real, _pos), lambda rng, loc, scale: rng.standard_normal(SHAPE) * 2),
    "HalfNormal": ((_pos,), lambda rng, scale: rng.uniform(0.0, 4.0, SHAPE)),
    # alpha > 2: finite mean and variance (the infinite ones have their own tests below)
    "Pareto": ((_pos, lambda rng: rng.uniform(2.2, 5.0, SHAPE)),
               lambda rng, scale, alpha: scale + rng.uniform(0.0, 4.0, SHAPE)),
    "Weibull": ((_pos, _pos), lambda rng, scale, k: rng.uniform(0.1, 4.0, SHAPE)),
}


def _params(name, rng):
    makers, _ = SPECS[name]
    values = [m(rng) for m in makers]
    if name == "Uniform":  # high > low
        values[1] = values[0] + rng.uniform(0.5, 2.0, SHAPE)
    return values


def _pair(array):
    """The same float64 leaf in both libraries."""
    return (minitorch.tensor(array, dtype=minitorch.float64, requires_grad=True),
            torch.tensor(array, dtype=torch.float64, requires_grad=True))


def _check(ours, theirs, inputs, rng):
    """Same shape, dtype, values, and gradients (random upstream) for every input pair."""
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(),
                               rtol=RTOL, atol=ATOL)
    if not theirs.requires_grad:  # a constant (HalfNormal's mode): no gradient in either
        assert not ours.requires_grad
        return
    needed = [(m, t) for m, t in inputs if t.requires_grad]
    upstream = rng.standard_normal(tuple(theirs.shape))
    grads = torch.autograd.grad(theirs, [t for _, t in needed],
                                torch.tensor(upstream), allow_unused=True, retain_graph=True)
    for (m, _), g in zip(needed, grads):
        m.grad = None
    ours.backward(minitorch.tensor(upstream, dtype=minitorch.float64), retain_graph=True)
    for (m, _), g in zip(needed, grads):
        expected = np.zeros(m.shape) if g is None else g.numpy()
        got = np.zeros(m.shape) if m.grad is None else m.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def _build(name, seed):
    rng = np.random.default_rng(seed)
    params = [_pair(p) for p in _params(name, rng)]
    ours = getattr(MD, name)(*[m for m, _ in params])
    theirs = getattr(TD, name)(*[t for _, t in params])
    return ours, theirs, params, rng


# ---------------------------------------------------------------- the base class


@pytest.mark.parametrize("method", ["cdf", "icdf", "log_prob"])
def test_base_distribution_methods_raise_not_implemented(method):
    value = 0.5
    with pytest.raises(NotImplementedError):
        getattr(TD.Distribution(validate_args=False), method)(torch.tensor(value))
    with pytest.raises(NotImplementedError):
        getattr(MD.Distribution(validate_args=False), method)(minitorch.tensor(value))


@pytest.mark.parametrize("method", ["entropy", "enumerate_support", "rsample", "perplexity"])
def test_base_distribution_no_arg_methods_raise_not_implemented(method):
    with pytest.raises(NotImplementedError):
        getattr(TD.Distribution(validate_args=False), method)()
    with pytest.raises(NotImplementedError):
        getattr(MD.Distribution(validate_args=False), method)()


def test_base_distribution_has_torch_methods():
    missing = {n for n in dir(TD.Distribution) if not n.startswith("__")} - set(
        dir(MD.Distribution))
    assert not missing


def test_expand_of_subclass_with_own_init_raises_as_torch():
    class TorchSub(TD.Exponential):
        def __init__(self, rate):
            super().__init__(rate)

    class OurSub(MD.Exponential):
        def __init__(self, rate):
            super().__init__(rate)

    for sub, lib in ((TorchSub, torch), (OurSub, minitorch)):
        with pytest.raises(NotImplementedError):
            sub(lib.ones(2))._get_checked_instance(TD.Exponential if lib is torch
                                                   else MD.Exponential)


# ---------------------------------------------------------------- values and gradients


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", list(SPECS))
def test_cdf_matches_torch(name, seed):
    ours, theirs, params, rng = _build(name, seed)
    param_values = [t.detach().numpy() for _, t in params]
    value = _pair(SPECS[name][1](rng, *param_values))
    _check(ours.cdf(value[0]), theirs.cdf(value[1]), params + [value], rng)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", list(SPECS))
def test_icdf_matches_torch(name, seed):
    ours, theirs, params, rng = _build(name, seed)
    prob = _pair(_prob(rng))
    _check(ours.icdf(prob[0]), theirs.icdf(prob[1]), params + [prob], rng)


@pytest.mark.parametrize("name", list(SPECS))
def test_icdf_inverts_cdf(name):
    ours, _, _, rng = _build(name, 7)
    prob = minitorch.tensor(_prob(rng), dtype=minitorch.float64)
    np.testing.assert_allclose(ours.cdf(ours.icdf(prob)).detach().numpy(), prob.numpy(),
                               rtol=1e-9)


NEW = ["Gumbel", "HalfNormal", "Pareto", "Weibull"]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", NEW)
def test_log_prob_matches_torch(name, seed):
    ours, theirs, params, rng = _build(name, seed)
    param_values = [t.detach().numpy() for _, t in params]
    value = _pair(SPECS[name][1](rng, *param_values))
    _check(ours.log_prob(value[0]), theirs.log_prob(value[1]), params + [value], rng)


@pytest.mark.parametrize("quantity", ["mean", "variance", "stddev", "mode", "entropy"])
@pytest.mark.parametrize("name", NEW)
def test_moments_and_entropy_match_torch(name, quantity):
    ours, theirs, params, rng = _build(name, 3)
    if quantity == "entropy":
        _check(ours.entropy(), theirs.entropy(), params, rng)
    else:
        _check(getattr(ours, quantity), getattr(theirs, quantity), params, rng)


def test_pareto_infinite_mean_gradient_as_torch():
    """alpha <= 1 clamps an infinite mean: the inf upstream gradient must give 0 there
    (Clamp's backward selects rather than multiplies by its mask, as torch's)."""
    alpha = _pair(np.array([0.5, 1.5, 3.0]))
    _check(MD.Pareto(1.0, alpha[0]).mean, TD.Pareto(1.0, alpha[1]).mean, [alpha],
           np.random.default_rng(0))


def test_pareto_infinite_moments_as_torch():
    ours = MD.Pareto(minitorch.tensor([1.0, 2.0]), minitorch.tensor([0.5, 1.5]))
    theirs = TD.Pareto(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 1.5]))
    np.testing.assert_array_equal(ours.mean.numpy(), theirs.mean.numpy())
    np.testing.assert_array_equal(ours.variance.numpy(), theirs.variance.numpy())


# ---------------------------------------------------------------- transforms and signs


def _transform_pairs():
    scale = np.array([2.0, -0.5, 3.0])
    return [
        (MD.ExpTransform(), TD.ExpTransform()),
        (MD.AffineTransform(1.0, -2.0), TD.AffineTransform(1.0, -2.0)),
        (MD.AffineTransform(0.5, minitorch.tensor(scale)),
         TD.AffineTransform(0.5, torch.tensor(scale))),
        (MD.SigmoidTransform(), TD.SigmoidTransform()),
        (MD.TanhTransform(), TD.TanhTransform()),
        (MD.PowerTransform(minitorch.tensor(scale)), TD.PowerTransform(torch.tensor(scale))),
        (MD.ExpTransform().inv, TD.ExpTransform().inv),
        (MD.ComposeTransform([MD.ExpTransform(), MD.AffineTransform(0.0, -1.0)]),
         TD.ComposeTransform([TD.ExpTransform(), TD.AffineTransform(0.0, -1.0)])),
    ]


@pytest.mark.parametrize("index", range(len(_transform_pairs())))
def test_transform_sign_matches_torch(index):
    ours, theirs = _transform_pairs()[index]
    ours_sign, theirs_sign = ours.sign, theirs.sign
    if isinstance(theirs_sign, torch.Tensor):
        np.testing.assert_array_equal(ours_sign.numpy(), theirs_sign.numpy())
    else:
        assert ours_sign == theirs_sign and type(ours_sign) is type(theirs_sign)


def test_abs_transform_sign_raises_as_torch():
    with pytest.raises(NotImplementedError):
        TD.AbsTransform().sign
    with pytest.raises(NotImplementedError):
        MD.AbsTransform().sign


def test_power_transform_matches_torch():
    rng = np.random.default_rng(0)
    exponent, x = _pair(rng.uniform(-2, 2, SHAPE)), _pair(rng.uniform(0.2, 3, SHAPE))
    ours, theirs = MD.PowerTransform(exponent[0]), TD.PowerTransform(exponent[1])
    _check(ours(x[0]), theirs(x[1]), [exponent, x], rng)
    y = _pair(rng.uniform(0.2, 3, SHAPE))
    _check(ours.inv(y[0]), theirs.inv(y[1]), [exponent, y], rng)
    _check(ours.log_abs_det_jacobian(x[0], ours(x[0])),
           theirs.log_abs_det_jacobian(x[1], theirs(x[1])), [exponent, x], rng)


@pytest.mark.parametrize("scale", [-2.0, 1.5, "tensor"])
def test_transformed_cdf_icdf_flip_for_decreasing_transforms(scale):
    """A decreasing affine map turns F into 1 - F; a tensor scale mixes both per element."""
    rng = np.random.default_rng(1)
    loc, value, prob = _pair(_real(rng)), _pair(_real(rng) * 3), _pair(_prob(rng))
    if scale == "tensor":
        signs = np.where(rng.random(SHAPE) < 0.5, -1.0, 1.0) * _pos(rng)
        scales = (minitorch.tensor(signs), torch.tensor(signs))
    else:
        scales = (scale, scale)
    ours = MD.TransformedDistribution(MD.Normal(loc[0], 1.0),
                                      [MD.AffineTransform(0.3, scales[0])])
    theirs = TD.TransformedDistribution(TD.Normal(loc[1], 1.0),
                                        [TD.AffineTransform(0.3, scales[1])])
    _check(ours.cdf(value[0]), theirs.cdf(value[1]), [loc, value], rng)
    _check(ours.icdf(prob[0]), theirs.icdf(prob[1]), [loc, prob], rng)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("name", ["Exponential", "Uniform", "LogNormal", "HalfNormal",
                                  "Pareto", "Weibull"])
def test_cdf_outside_support_raises_as_torch(name):
    ours, theirs, _, _ = _build(name, 0)
    with pytest.raises(ValueError):
        theirs.cdf(torch.full(SHAPE, -10.0, dtype=torch.float64))
    with pytest.raises(ValueError):
        ours.cdf(minitorch.full(SHAPE, -10.0, dtype=minitorch.float64))


@pytest.mark.parametrize("name", ["Exponential", "Uniform", "Laplace", "Gumbel",
                                  "HalfNormal", "Pareto", "Weibull"])
def test_icdf_outside_unit_interval_as_torch(name):
    """torch does not validate icdf's argument: out-of-range probabilities give nan/inf or
    an extrapolation, never an error; ours gives the same numbers."""
    ours, theirs, _, _ = _build(name, 0)
    prob = np.array([[-0.5, 0.0, 1.0], [1.5, 0.5, 2.0]])
    expected = theirs.icdf(torch.tensor(prob)).detach().numpy()
    got = ours.icdf(minitorch.tensor(prob, dtype=minitorch.float64)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", NEW)
def test_invalid_parameters_raise_value_error(name):
    params = [np.full(SHAPE, -1.0) for _ in SPECS[name][0]]
    if name == "Gumbel":
        params[0] = np.zeros(SHAPE)  # loc is real; only scale can be invalid
    with pytest.raises(ValueError):
        getattr(TD, name)(*[torch.tensor(p) for p in params])
    with pytest.raises(ValueError):
        getattr(MD, name)(*[minitorch.tensor(p) for p in params])


@pytest.mark.parametrize("name", NEW)
def test_scalar_parameters_as_torch(name):
    args = [0.5 + i for i in range(len(SPECS[name][0]))]
    ours, theirs = getattr(MD, name)(*args), getattr(TD, name)(*args)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) == ()
    np.testing.assert_allclose(ours.cdf(minitorch.tensor(1.7)).numpy(),
                               theirs.cdf(torch.tensor(1.7)).numpy(), rtol=1e-6)
    assert str(ours.mean.dtype).split(".")[-1] == str(theirs.mean.dtype).split(".")[-1]


# ---------------------------------------------------------------- expand and sampling


@pytest.mark.parametrize("name", NEW)
def test_expand_matches_torch(name):
    rng = np.random.default_rng(5)
    params = [_pair(m(rng)[0]) for m in SPECS[name][0]]  # batch (3,)
    ours = getattr(MD, name)(*[m for m, _ in params]).expand((4, 3))
    theirs = getattr(TD, name)(*[t for _, t in params]).expand((4, 3))
    assert type(ours) is getattr(MD, name)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) == (4, 3)
    prob = _pair(rng.uniform(0.05, 0.95, (4, 3)))
    _check(ours.icdf(prob[0]), theirs.icdf(prob[1]), params + [prob], rng)
    _check(ours.mean, theirs.mean, params, rng)


@pytest.mark.parametrize("name", NEW)
def test_sample_shape_dtype_and_mean(name):
    """Mean of 20000 draws within 5 standard errors of torch's mean (Pareto with
    alpha > 4 so the variance is finite and the estimate settles)."""
    minitorch.manual_seed(0)
    args = {"Gumbel": (0.3, 1.2), "HalfNormal": (1.3,), "Pareto": (1.0, 5.0),
            "Weibull": (1.5, 2.0)}[name]
    ours, theirs = getattr(MD, name)(*args), getattr(TD, name)(*args)
    batch = ours.expand((2,))
    assert tuple(batch.sample((5,)).shape) == tuple(theirs.expand((2,)).sample((5,)).shape)
    n = 20000
    draws = ours.sample((n,))
    assert draws.dtype == minitorch.float32 and tuple(draws.shape) == (n,)
    stderr = float(theirs.stddev) / n**0.5
    assert abs(float(draws.mean()) - float(theirs.mean)) < 5 * stderr
    assert ours.has_rsample == theirs.has_rsample


@pytest.mark.parametrize("name", NEW)
def test_rsample_gradient_flows(name):
    """rsample is differentiable: every parameter gets a gradient of its own shape (the
    values cannot be compared, the noise differs from torch's)."""
    minitorch.manual_seed(1)
    ours, _, params, _ = _build(name, 2)
    if not ours.has_rsample:
        pytest.skip("torch gives this distribution no rsample")
    ours.rsample((4,)).sum().backward()
    assert all(m.grad is not None and tuple(m.grad.shape) == SHAPE for m, _ in params)


@pytest.mark.parametrize("name", NEW)
def test_repr_as_torch(name):
    args = [0.5 + i for i in range(len(SPECS[name][0]))]
    ours = getattr(MD, name)(*[minitorch.tensor(a) for a in args])
    theirs = getattr(TD, name)(*[torch.tensor(a) for a in args])
    assert repr(ours) == repr(theirs)
