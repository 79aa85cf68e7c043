"""Cauchy, StudentT, Chi2, HalfCauchy, Geometric, Poisson and Binomial against
torch.distributions (float64, rtol 1e-10).

As in test_distributions.py: each spec draws parameters for a batch shape from a seed and
builds the same distribution in both libraries; values and parameter gradients (with a
random upstream gradient) must agree, including torch's NaN/inf where a moment is undefined
or infinite. Sampling is checked by shape, dtype, support and sample statistics.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.distributions as TD
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.distributions as MD

RTOL, ATOL = 1e-10, 1e-12
# gradients through digamma (torch's trigamma is a truncated series, up to ~5e-10 relative
# off; see test_distributions.py)
TRIGAMMA_TOL = (1e-8, 1e-9)
N_TRIALS = 6  # Binomial's total_count where it is one number


def _real(rng, s):
    return rng.standard_normal(s)


def _pos(rng, s):
    return rng.uniform(0.3, 3.0, s)


def _df(rng, s):
    # across df <= 1 (no mean), 1 < df <= 2 (infinite variance) and df > 2
    return rng.uniform(0.3, 5.0, s)


def _unit(rng, s):
    return rng.uniform(0.05, 0.95, s)


def _unit_edges(rng, s):
    # exact 0 and 1 too: the logits are then those of the clamped probabilities
    return np.where(rng.random(s) < 0.2, rng.integers(0, 2, s).astype(np.float64), _unit(rng, s))


def _counts(rng, s, consts=None):
    return rng.integers(0, 9, s).astype(np.float64)


def _wide(rng, s, consts=None):
    return 3 * rng.standard_normal(s)


def _trials(rng, s):
    return rng.integers(0, 9, s).astype(np.float64)


def _up_to_count(rng, s, consts):
    """Values in {0, ..., total_count} (Binomial's support)."""
    return np.floor(rng.uniform(0, 1, s) * (consts["total_count"] + 1))


# name -> (param makers (differentiated), constant makers, build(D, lib, params, consts),
#          value maker (rng, shape, consts), quantities with no closed form in torch)
SPECS = {
    "Cauchy": ({"loc": _real, "scale": _pos}, {},
               lambda D, lib, p, c: D.Cauchy(p["loc"], p["scale"]), _wide, ()),
    "StudentT": ({"df": _df, "loc": _real, "scale": _pos}, {},
                 lambda D, lib, p, c: D.StudentT(p["df"], p["loc"], p["scale"]), _wide, ()),
    "StudentT-df": ({"df": _df}, {}, lambda D, lib, p, c: D.StudentT(p["df"]), _wide, ()),
    # no cdf: torch's Gamma.cdf is gammainc, which minitorch lacks (so does its Gamma)
    "Chi2": ({"df": _df}, {}, lambda D, lib, p, c: D.Chi2(p["df"]),
             lambda rng, s, c: rng.uniform(0.01, 8.0, s), ("cdf",)),
    "HalfCauchy": ({"scale": _pos}, {}, lambda D, lib, p, c: D.HalfCauchy(p["scale"]),
                   lambda rng, s, c: rng.uniform(0.0, 6.0, s), ()),
    "Geometric-probs": ({"probs": _unit}, {},
                        lambda D, lib, p, c: D.Geometric(probs=p["probs"]), _counts, ()),
    "Geometric-logits": ({"logits": _real}, {},
                         lambda D, lib, p, c: D.Geometric(logits=p["logits"]), _counts, ()),
    "Poisson": ({"rate": _pos}, {}, lambda D, lib, p, c: D.Poisson(p["rate"]), _counts,
                ("entropy",)),
    # one total_count for the batch: entropy needs it
    "Binomial-probs": ({"probs": _unit_edges}, {},
                       lambda D, lib, p, c: D.Binomial(N_TRIALS, probs=p["probs"]),
                       lambda rng, s, c: rng.integers(0, N_TRIALS + 1, s).astype(np.float64),
                       ()),
    "Binomial-logits": ({"logits": _real}, {"total_count": _trials},
                        lambda D, lib, p, c: D.Binomial(lib.tensor(c["total_count"]),
                                                        logits=p["logits"]),
                        _up_to_count, ()),
}
CDF = ("Cauchy", "HalfCauchy")  # the ones with cdf and icdf in torch
QUANTITIES = ("log_prob", "entropy", "mean", "mode", "variance", "stddev", "cdf", "icdf")


def _grad_tol(*specs):
    return TRIGAMMA_TOL if any(s.startswith(("StudentT", "Chi2")) for s in specs) else (
        RTOL, ATOL)


def _params(lib, arrays):
    return {k: lib.tensor(v, dtype=lib.float64, requires_grad=True) for k, v in arrays.items()}


def _check_same(name, mt_out, t_out, mt_params, t_params, rng, grad_tol=(RTOL, ATOL)):
    """Values (NaN and inf in the same places), shape and dtype equal; then gradients
    w.r.t. every parameter for one random upstream gradient."""
    assert tuple(mt_out.shape) == tuple(t_out.shape), name
    assert str(mt_out.dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1], name
    np.testing.assert_allclose(mt_out.detach().numpy(), t_out.detach().numpy(), rtol=RTOL,
                               atol=ATOL, err_msg=name)
    if not t_out.requires_grad:
        return
    grad = rng.standard_normal(tuple(t_out.shape))
    keys = [k for k in t_params if t_params[k].requires_grad]
    t_grads = torch.autograd.grad(t_out, [t_params[k] for k in keys], torch.tensor(grad),
                                  allow_unused=True)
    mt_grads = minitorch.autograd.grad(mt_out, [mt_params[k] for k in keys],
                                       minitorch.tensor(grad, dtype=minitorch.float64),
                                       allow_unused=True)
    for key, t_g, mt_g in zip(keys, t_grads, mt_grads):
        t_g = np.zeros(t_params[key].shape) if t_g is None else t_g.numpy()
        mt_g = np.zeros(t_params[key].shape) if mt_g is None else mt_g.numpy()
        np.testing.assert_allclose(mt_g, t_g, rtol=grad_tol[0], atol=grad_tol[1],
                                   err_msg=f"{name} d/d{key}")


def _quantity(dist, attr, value, lib):
    if attr in ("log_prob", "cdf", "icdf"):
        return getattr(dist, attr)(lib.tensor(value, dtype=lib.float64))
    if attr == "entropy":
        return dist.entropy()
    return getattr(dist, attr)


def _build(spec, lib, arrays, consts):
    build = SPECS[spec][2]
    params = _params(lib, arrays)
    return build(MD if lib is minitorch else TD, lib, params, consts), params


batch_shapes = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)


@pytest.mark.parametrize("spec", sorted(SPECS))
@settings(max_examples=12)
@given(batch=batch_shapes, seed=st.integers(0, 2**32 - 1), extra=st.booleans())
def test_values_and_gradients_match_torch(spec, batch, seed, extra):
    """log_prob (with an extra leading sample dim if `extra`), entropy, mean, mode,
    variance, stddev, and cdf/icdf where torch has them: values and parameter gradients
    equal torch's; the ones torch does not implement raise NotImplementedError in both."""
    makers, const_makers, _, value_maker, missing = SPECS[spec]
    rng = np.random.default_rng(seed)
    arrays = {k: make(rng, batch) for k, make in makers.items()}
    consts = {k: make(rng, batch) for k, make in const_makers.items()}
    vshape = ((2,) if extra else ()) + batch
    value = value_maker(rng, vshape, consts)
    probs = rng.uniform(0.01, 0.99, vshape)
    for attr in QUANTITIES:
        t_dist, t_params = _build(spec, torch, arrays, consts)
        mt_dist, mt_params = _build(spec, minitorch, arrays, consts)
        assert tuple(mt_dist.batch_shape) == tuple(t_dist.batch_shape)
        assert tuple(mt_dist.event_shape) == tuple(t_dist.event_shape)
        arg = probs if attr == "icdf" else value
        if attr in missing and spec == "Chi2":
            with pytest.raises(NotImplementedError):
                _quantity(mt_dist, attr, arg, minitorch)
            continue
        try:
            t_out = _quantity(t_dist, attr, arg, torch)
        except NotImplementedError as err:  # no closed form (Poisson's entropy, the cdfs)
            assert attr in missing or (attr in ("cdf", "icdf") and spec not in CDF) or (
                spec.startswith("Binomial") and attr == "entropy"), err
            mt_msg, t_msg = _same_error(lambda: _quantity(t_dist, attr, arg, torch),
                                        lambda: _quantity(mt_dist, attr, arg, minitorch))
            assert mt_msg == t_msg
            continue
        _check_same(f"{spec}.{attr}", _quantity(mt_dist, attr, arg, minitorch), t_out,
                    mt_params, t_params, rng, _grad_tol(spec))


def test_undefined_and_infinite_moments_as_torch():
    """StudentT's mean is NaN for df <= 1; its variance NaN for df <= 1 and inf for
    1 < df <= 2 (the boundaries 1 and 2 included); the gradient is 0 there. Cauchy: mean
    NaN, variance and stddev inf; HalfCauchy: mean and variance inf."""
    df = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 4.0])
    rng = np.random.default_rng(0)
    arrays = {"df": df, "loc": rng.standard_normal(6), "scale": _pos(rng, 6)}
    for attr in ("mean", "variance", "stddev"):
        t_params, mt_params = _params(torch, arrays), _params(minitorch, arrays)
        t_dist = TD.StudentT(t_params["df"], t_params["loc"], t_params["scale"])
        mt_dist = MD.StudentT(mt_params["df"], mt_params["loc"], mt_params["scale"])
        _check_same(f"StudentT.{attr}", getattr(mt_dist, attr), getattr(t_dist, attr),
                    mt_params, t_params, rng)
    for D, lib in ((TD, torch), (MD, minitorch)):
        cauchy = D.Cauchy(lib.zeros(2, 3, dtype=lib.float64), 1.0)
        assert bool(cauchy.mean.isnan().all()) and tuple(cauchy.mean.shape) == (2, 3)
        assert bool((cauchy.variance == math.inf).all())
        assert bool((cauchy.stddev == math.inf).all())
        half = D.HalfCauchy(lib.ones(3))
        assert bool((half.mean == math.inf).all()) and bool((half.variance == math.inf).all())
        assert str(half.mean.dtype).split(".")[-1] == "float32"


def test_geometric_probability_one_as_torch():
    """Geometric(p = 1): all mass at 0. log_prob(0) = 0 (not 0 * -inf), with torch's
    gradient; entropy of the clamped logits."""
    probs = np.array([1.0, 1.0, 0.4])
    value = np.array([0.0, 0.0, 2.0])
    rng = np.random.default_rng(1)
    for attr in ("log_prob", "entropy", "mean", "variance"):
        t_params, mt_params = _params(torch, {"probs": probs}), _params(minitorch,
                                                                       {"probs": probs})
        t_dist, mt_dist = TD.Geometric(t_params["probs"]), MD.Geometric(mt_params["probs"])
        _check_same(f"Geometric.{attr}", _quantity(mt_dist, attr, value, minitorch),
                    _quantity(t_dist, attr, value, torch), mt_params, t_params, rng)


def test_constraints_and_repr_as_torch():
    """arg_constraints, support, has_rsample, has_enumerate_support and repr."""
    cases = [lambda D, lib: D.Cauchy(0.0, 1.0),
             lambda D, lib: D.Cauchy(lib.zeros(2), lib.ones(2)),
             lambda D, lib: D.StudentT(3.0),
             lambda D, lib: D.StudentT(lib.tensor([3.0]), 1.0, 2.0),
             lambda D, lib: D.Chi2(3.0),
             lambda D, lib: D.Chi2(lib.tensor([3.0, 1.0])),
             lambda D, lib: D.HalfCauchy(lib.tensor([2.0])),
             lambda D, lib: D.Geometric(0.3),
             lambda D, lib: D.Geometric(logits=lib.tensor([0.0, 1.0])),
             lambda D, lib: D.Poisson(2.0),
             lambda D, lib: D.Poisson(lib.tensor([2.0, 0.0])),
             lambda D, lib: D.Binomial(5, lib.tensor(0.25)),
             lambda D, lib: D.Binomial(lib.tensor([3, 4]), logits=lib.tensor([0.5, 0.0]))]
    for make in cases:
        t_dist, mt_dist = make(TD, torch), make(MD, minitorch)
        assert type(mt_dist).__name__ == type(t_dist).__name__
        assert repr(mt_dist).replace("minitorch.", "torch.") == repr(t_dist)
        assert tuple(mt_dist.batch_shape) == tuple(t_dist.batch_shape)
        assert mt_dist.has_rsample == t_dist.has_rsample
        assert mt_dist.has_enumerate_support == t_dist.has_enumerate_support
        assert repr(mt_dist.support) == repr(t_dist.support)
        assert {k: repr(v) for k, v in mt_dist.arg_constraints.items()} == {
            k: repr(v) for k, v in t_dist.arg_constraints.items()}
    assert issubclass(MD.Chi2, MD.Gamma) and issubclass(MD.HalfCauchy,
                                                        MD.TransformedDistribution)
    for name in ("nonnegative_integer", "positive_integer"):
        assert repr(getattr(MD.constraints, name)) == repr(getattr(TD.constraints, name))
        assert getattr(MD.constraints, name).is_discrete


def test_scalar_parameters_and_dtypes_as_torch():
    """Python-number parameters give the default dtype, a () batch; Chi2's df is 2 x its
    concentration; Binomial's integer total_count takes the probabilities' dtype."""
    for D, lib in ((TD, torch), (MD, minitorch)):
        chi2 = D.Chi2(lib.tensor([3.0, 5.0], dtype=lib.float64))
        assert str(chi2.df.dtype).endswith("float64")
        np.testing.assert_allclose(chi2.concentration.numpy(), [1.5, 2.5])
        np.testing.assert_allclose(chi2.rate.numpy(), [0.5, 0.5])
        binomial = D.Binomial(lib.tensor([3, 4]), probs=lib.tensor([0.5, 0.2],
                                                                   dtype=lib.float64))
        assert str(binomial.total_count.dtype).endswith("float64")
        for dist in (D.Cauchy(0.0, 1.0), D.StudentT(2.0), D.Poisson(1.0), D.Geometric(0.5)):
            assert tuple(dist.batch_shape) == ()
            assert str(dist.sample().dtype).endswith("float32")


# ---- errors --------------------------------------------------------------------------------
BAD_PARAMS = [
    ("Cauchy", lambda D, lib: D.Cauchy(lib.tensor([0.0]), lib.tensor([-1.0]))),
    ("Cauchy-nan-loc", lambda D, lib: D.Cauchy(lib.tensor([float("nan")]), lib.tensor([1.0]))),
    ("StudentT-df", lambda D, lib: D.StudentT(lib.tensor([-1.0]))),
    # torch builds its Chi2 with the default validation: a bad df raises anyway
    ("StudentT-df-unvalidated", lambda D, lib: D.StudentT(lib.tensor([-1.0]),
                                                          validate_args=False)),
    ("StudentT-scale", lambda D, lib: D.StudentT(lib.tensor([1.0]), scale=lib.tensor([-1.0]))),
    ("Chi2", lambda D, lib: D.Chi2(lib.tensor([1.0, 0.0]))),
    ("HalfCauchy", lambda D, lib: D.HalfCauchy(lib.tensor([-1.0]))),
    ("Geometric-zero", lambda D, lib: D.Geometric(lib.tensor([0.5, 0.0]))),
    ("Geometric-big", lambda D, lib: D.Geometric(lib.tensor([1.5]))),
    ("Geometric-both", lambda D, lib: D.Geometric(lib.tensor([0.5]), lib.tensor([0.0]))),
    ("Geometric-none", lambda D, lib: D.Geometric()),
    ("Poisson", lambda D, lib: D.Poisson(lib.tensor([1.0, -1.0]))),
    ("Binomial-fraction", lambda D, lib: D.Binomial(lib.tensor([1.5]), lib.tensor([0.2]))),
    ("Binomial-negative", lambda D, lib: D.Binomial(lib.tensor([-1.0]), lib.tensor([0.2]))),
    ("Binomial-probs", lambda D, lib: D.Binomial(3, lib.tensor([1.2]))),
    ("Binomial-none", lambda D, lib: D.Binomial(3)),
]


def _same_error(t_fn, mt_fn):
    with pytest.raises(Exception) as t_err:
        t_fn()
    with pytest.raises(Exception) as mt_err:
        mt_fn()
    assert type(mt_err.value) is type(t_err.value), (mt_err.value, t_err.value)
    return str(mt_err.value).replace("minitorch.", "torch."), str(t_err.value)


@pytest.mark.parametrize("name,make", BAD_PARAMS, ids=[b[0] for b in BAD_PARAMS])
def test_bad_parameters_raise_like_torch(name, make):
    """torch's exception type; the message up to the printed values."""
    mt_msg, t_msg = _same_error(lambda: make(TD, torch), lambda: make(MD, minitorch))
    assert mt_msg.split("invalid values")[0] == t_msg.split("invalid values")[0]


def test_validate_args_false_skips_the_checks():
    for D, lib in ((TD, torch), (MD, minitorch)):
        D.Cauchy(lib.tensor([0.0]), lib.tensor([-1.0]), validate_args=False)
        D.Geometric(lib.tensor([0.0]), validate_args=False)
        D.Poisson(lib.tensor([-1.0]), validate_args=False).log_prob(lib.tensor([0.5]))
        D.Binomial(lib.tensor([1.5]), lib.tensor([2.0]), validate_args=False)


OUT_OF_SUPPORT = [
    ("Cauchy-nan", lambda D, lib: D.Cauchy(lib.zeros(2), lib.ones(2)),
     lambda lib: lib.tensor([0.0, float("nan")])),
    ("Chi2", lambda D, lib: D.Chi2(lib.ones(2)), lambda lib: lib.tensor([-1.0, 1.0])),
    ("HalfCauchy", lambda D, lib: D.HalfCauchy(lib.ones(2)), lambda lib: lib.tensor([-1.0, 1.0])),
    ("Geometric", lambda D, lib: D.Geometric(lib.tensor([0.3, 0.6])),
     lambda lib: lib.tensor([0.0, 1.5])),
    ("Poisson-negative", lambda D, lib: D.Poisson(lib.ones(2)),
     lambda lib: lib.tensor([-1.0, 1.0])),
    ("Poisson-fraction", lambda D, lib: D.Poisson(lib.ones(2)),
     lambda lib: lib.tensor([0.5, 1.0])),
    ("Binomial", lambda D, lib: D.Binomial(lib.tensor([3.0, 2.0]), lib.tensor([0.5, 0.5])),
     lambda lib: lib.tensor([3.0, 3.0])),
    ("Binomial-shape", lambda D, lib: D.Binomial(3, lib.tensor([0.5, 0.5])),
     lambda lib: lib.zeros(3)),
]


@pytest.mark.parametrize("name,make,value", OUT_OF_SUPPORT, ids=[o[0] for o in OUT_OF_SUPPORT])
def test_log_prob_outside_support_raises_like_torch(name, make, value):
    mt_msg, t_msg = _same_error(lambda: make(TD, torch).log_prob(value(torch)),
                                lambda: make(MD, minitorch).log_prob(value(minitorch)))
    assert mt_msg.split("invalid values")[0] == t_msg.split("invalid values")[0]


def test_binomial_inhomogeneous_count_raises_like_torch():
    for method in ("entropy", "enumerate_support"):
        mt_msg, t_msg = _same_error(
            lambda: getattr(TD.Binomial(torch.tensor([2.0, 3.0]), torch.tensor([0.5, 0.5])),
                            method)(),
            lambda: getattr(MD.Binomial(minitorch.tensor([2.0, 3.0]),
                                        minitorch.tensor([0.5, 0.5])), method)())
        assert mt_msg == t_msg


# ---- expand, enumerate_support --------------------------------------------------------------
@pytest.mark.parametrize("spec", sorted(SPECS))
def test_expand_matches_torch(spec):
    """expand((2, 3)) of a batch-(3,) distribution: type, shapes, log_prob and entropy
    (values and gradients to the unexpanded parameters), sample shape; a bad shape fails as
    in torch."""
    makers, const_makers, _, value_maker, missing = SPECS[spec]
    rng = np.random.default_rng(0)
    arrays = {k: make(rng, (3,)) for k, make in makers.items()}
    consts = {k: make(rng, (3,)) for k, make in const_makers.items()}
    t_dist, t_params = _build(spec, torch, arrays, consts)
    mt_dist, mt_params = _build(spec, minitorch, arrays, consts)
    t_big, mt_big = t_dist.expand((2, 3)), mt_dist.expand((2, 3))
    assert type(mt_big) is type(mt_dist)
    assert tuple(mt_big.batch_shape) == tuple(t_big.batch_shape) == (2, 3)
    value = value_maker(rng, (2, 3), consts)
    _check_same(f"{spec} log_prob", mt_big.log_prob(minitorch.tensor(value)),
                t_big.log_prob(torch.tensor(value)), mt_params, t_params, rng, _grad_tol(spec))
    if "entropy" not in missing and not (spec.startswith("Binomial") and len(
            set(consts.get("total_count", [0]))) > 1):  # expanded afresh: torch frees the graph
        t_dist, t_params = _build(spec, torch, arrays, consts)
        mt_dist, mt_params = _build(spec, minitorch, arrays, consts)
        _check_same(f"{spec} entropy", mt_dist.expand((2, 3)).entropy(),
                    t_dist.expand((2, 3)).entropy(), mt_params, t_params, rng, _grad_tol(spec))
    assert tuple(mt_big.sample((4,)).shape) == tuple(t_big.sample((4,)).shape) == (4, 2, 3)
    assert mt_big._validate_args == t_big._validate_args
    with pytest.raises(RuntimeError):
        t_dist.expand((2, 5))
    with pytest.raises(RuntimeError):
        mt_dist.expand((2, 5))


@pytest.mark.parametrize("spec", sorted(SPECS))
@pytest.mark.parametrize("expand", [True, False])
def test_enumerate_support_matches_torch(spec, expand):
    makers = SPECS[spec][0]
    rng = np.random.default_rng(0)
    arrays = {k: make(rng, (2, 3)) for k, make in makers.items()}
    consts = {"total_count": np.full((2, 3), 4.0)} if SPECS[spec][1] else {}
    t_dist, _ = _build(spec, torch, arrays, consts)
    mt_dist, _ = _build(spec, minitorch, arrays, consts)
    assert mt_dist.has_enumerate_support == t_dist.has_enumerate_support
    if not t_dist.has_enumerate_support:
        with pytest.raises(NotImplementedError):
            mt_dist.enumerate_support(expand)
        return
    t_values, mt_values = t_dist.enumerate_support(expand), mt_dist.enumerate_support(expand)
    assert tuple(mt_values.shape) == tuple(t_values.shape)
    assert str(mt_values.dtype).split(".")[-1] == str(t_values.dtype).split(".")[-1]
    np.testing.assert_array_equal(mt_values.numpy(), t_values.numpy())


# ---- KL --------------------------------------------------------------------------------------
def _chi2(D, lib, p):
    return D.Chi2(p["df"])


KL_SIDES = {  # name -> (param makers, build(D, lib, params))
    "Cauchy": ({"loc": _real, "scale": _pos}, lambda D, lib, p: D.Cauchy(p["loc"], p["scale"])),
    "HalfCauchy": ({"scale": _pos}, lambda D, lib, p: D.HalfCauchy(p["scale"])),
    "Chi2": ({"df": _pos}, _chi2),
    "Geometric-probs": ({"probs": _unit}, lambda D, lib, p: D.Geometric(probs=p["probs"])),
    "Geometric-logits": ({"logits": _real}, lambda D, lib, p: D.Geometric(logits=p["logits"])),
    "Poisson": ({"rate": _pos}, lambda D, lib, p: D.Poisson(p["rate"])),
    "Binomial-probs": ({"probs": _unit},
                       lambda D, lib, p: D.Binomial(lib.tensor(p["n"]), probs=p["probs"])),
    "Binomial-logits": ({"logits": _real},
                        lambda D, lib, p: D.Binomial(lib.tensor(p["n"]), logits=p["logits"])),
    "Bernoulli": ({"probs": _unit}, lambda D, lib, p: D.Bernoulli(probs=p["probs"])),
    "Gamma": ({"concentration": _pos, "rate": _pos},
              lambda D, lib, p: D.Gamma(p["concentration"], p["rate"])),
    "Normal": ({"loc": _real, "scale": _pos}, lambda D, lib, p: D.Normal(p["loc"], p["scale"])),
    "Exponential": ({"rate": _pos}, lambda D, lib, p: D.Exponential(p["rate"])),
    "Uniform": ({"low": _pos, "high": lambda rng, s: 3.5 + _pos(rng, s)},
                lambda D, lib, p: D.Uniform(p["low"], p["high"])),
    "Beta": ({"concentration1": _pos, "concentration0": _pos},
             lambda D, lib, p: D.Beta(p["concentration1"], p["concentration0"])),
    "Gumbel": ({"loc": _real, "scale": _pos}, lambda D, lib, p: D.Gumbel(p["loc"], p["scale"])),
    "Pareto": ({"scale": _pos, "alpha": _pos},
               lambda D, lib, p: D.Pareto(p["scale"], p["alpha"])),
}
# every pair torch registers among the new families (Chi2 through Gamma's pairs, HalfCauchy
# through TransformedDistribution's), plus the infinite ones
KL_PAIRS = [("Cauchy", "Cauchy"), ("HalfCauchy", "HalfCauchy"), ("Chi2", "Chi2"),
            ("Chi2", "Gamma"), ("Gamma", "Chi2"), ("Chi2", "Normal"), ("Chi2", "Exponential"),
            ("Exponential", "Chi2"), ("Uniform", "Chi2"), ("Beta", "Chi2"), ("Chi2", "Gumbel"),
            ("Normal", "Chi2"), ("Chi2", "Beta"), ("Chi2", "Uniform"), ("Chi2", "Pareto"),
            ("Pareto", "Chi2"),
            ("Geometric-probs", "Geometric-probs"), ("Geometric-logits", "Geometric-probs"),
            ("Geometric-probs", "Geometric-logits"), ("Poisson", "Poisson"),
            ("Binomial-probs", "Binomial-probs"), ("Binomial-logits", "Binomial-probs"),
            ("Binomial-probs", "Binomial-logits"), ("Bernoulli", "Poisson"),
            ("Poisson", "Bernoulli"), ("Poisson", "Binomial-probs")]


@pytest.mark.parametrize("p_spec,q_spec", KL_PAIRS)
@settings(max_examples=8)
@given(batch=batch_shapes, seed=st.integers(0, 2**32 - 1))
def test_kl_divergence_matches_torch(p_spec, q_spec, batch, seed):
    """kl_divergence(p, q): values and gradients w.r.t. both sides' parameters. Binomial:
    p's total_count >= q's, inf (zero gradient) where it is larger."""
    rng = np.random.default_rng(seed)
    arrays = {f"p_{k}": make(rng, batch) for k, make in KL_SIDES[p_spec][0].items()}
    arrays.update({f"q_{k}": make(rng, batch) for k, make in KL_SIDES[q_spec][0].items()})
    q_n = rng.integers(0, 6, batch).astype(np.float64)
    p_n = q_n + np.where(rng.random(batch) < 0.3, 1.0, 0.0)
    t_params, mt_params = _params(torch, arrays), _params(minitorch, arrays)

    def kl(D, lib, params):
        sides = []
        for side, spec, n in (("p", p_spec, p_n), ("q", q_spec, q_n)):
            side_params = {k[2:]: v for k, v in params.items() if k[0] == side}
            side_params["n"] = n
            sides.append(KL_SIDES[spec][1](D, lib, side_params))
        return D.kl_divergence(*sides)

    _check_same(f"KL {p_spec} {q_spec}", kl(MD, minitorch, mt_params),
                kl(TD, torch, t_params), mt_params, t_params, rng, _grad_tol(p_spec, q_spec))


def test_kl_binomial_smaller_p_count_raises_like_torch():
    def make(D, lib):
        return D.kl_divergence(D.Binomial(lib.tensor([2.0, 3.0]), lib.tensor([0.5, 0.5])),
                               D.Binomial(lib.tensor([3.0, 3.0]), lib.tensor([0.5, 0.5])))
    mt_msg, t_msg = _same_error(lambda: make(TD, torch), lambda: make(MD, minitorch))
    assert mt_msg == t_msg


def test_kl_registry_covers_torchs_pairs_for_new_families():
    """A closed form exists for a pair involving a new family exactly when torch has one
    (test_distributions.py checks all pairs; this names the new ones)."""
    from torch.distributions import kl as torch_kl

    from minitorch.distributions import kl as mt_kl

    new = ("Cauchy", "StudentT", "Chi2", "HalfCauchy", "Geometric", "Poisson", "Binomial")
    names = [n for n in MD.__all__ if isinstance(getattr(MD, n), type)
             and issubclass(getattr(MD, n), MD.Distribution) and n != "Distribution"]
    for p_name in names:
        for q_name in names:
            if p_name not in new and q_name not in new:
                continue
            ours = mt_kl._dispatch_kl(getattr(MD, p_name), getattr(MD, q_name)) is not None
            theirs = torch_kl._dispatch_kl(getattr(TD, p_name), getattr(TD, q_name))
            registered = theirs not in (NotImplemented, torch_kl._kl_expfamily_expfamily)
            assert ours == registered, (p_name, q_name)


# ---- sampling --------------------------------------------------------------------------------
def _sample_dist(spec, lib, batch, seed=2):
    makers, const_makers = SPECS[spec][:2]
    rng = np.random.default_rng(seed)
    arrays = {k: make(rng, batch) for k, make in makers.items()}
    consts = {k: make(rng, batch) for k, make in const_makers.items()}
    return _build(spec, lib, arrays, consts)


@pytest.mark.parametrize("spec", sorted(SPECS))
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 3)])
def test_sample_shape_dtype_and_support(spec, sample_shape):
    """sample() (and rsample() where torch has it): shape, dtype, requires_grad as torch's;
    every draw inside the support."""
    t_dist, _ = _sample_dist(spec, torch, (3,))
    mt_dist, _ = _sample_dist(spec, minitorch, (3,))
    t_s, mt_s = t_dist.sample(sample_shape), mt_dist.sample(sample_shape)
    assert tuple(mt_s.shape) == tuple(t_s.shape)
    assert str(mt_s.dtype).split(".")[-1] == str(t_s.dtype).split(".")[-1]
    assert not mt_s.requires_grad
    assert bool(mt_dist.support.check(mt_s).all())
    assert mt_dist.has_rsample == t_dist.has_rsample
    if t_dist.has_rsample:
        t_r, mt_r = t_dist.rsample(sample_shape), mt_dist.rsample(sample_shape)
        assert tuple(mt_r.shape) == tuple(t_r.shape)
        assert mt_r.requires_grad and t_r.requires_grad
    else:
        with pytest.raises(NotImplementedError):
            mt_dist.rsample(sample_shape)


def _moment_params(spec):
    """Parameters with a finite variance (df > 4 for StudentT: a finite 4th moment, so the
    standard error of the sample variance is meaningful too)."""
    return {"StudentT": {"df": np.array([4.5, 9.0]), "loc": np.array([-1.0, 2.0]),
                         "scale": np.array([0.5, 2.0])},
            "StudentT-df": {"df": np.array([4.5, 9.0])},
            "Chi2": {"df": np.array([0.7, 6.0])}}.get(spec)


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_sample_statistics(spec):
    """20000 draws per batch element. With a finite variance: the sample mean within 5
    standard errors of `mean`. Cauchy and HalfCauchy (no mean): the fraction of draws below
    icdf(q) within 5 standard errors of q, for q = 0.1, 0.5, 0.9."""
    n = 20000
    arrays = _moment_params(spec)
    if arrays is None:
        mt_dist, _ = _sample_dist(spec, minitorch, (2,))
    else:
        mt_dist = SPECS[spec][2](MD, minitorch, _params(minitorch, arrays), {})
    minitorch.manual_seed(0)
    samples = mt_dist.sample((n,)).numpy()
    if spec in CDF:
        for q in (0.1, 0.5, 0.9):
            below = (samples <= mt_dist.icdf(minitorch.tensor(q)).detach().numpy()).mean(0)
            assert np.all(np.abs(below - q) < 5 * math.sqrt(q * (1 - q) / n)), (q, below)
        return
    mean, var = mt_dist.mean.detach().numpy(), mt_dist.variance.detach().numpy()
    stderr = np.sqrt(var / n)
    np.testing.assert_array_less(np.abs(samples.mean(0) - mean), 5 * stderr + 1e-12)
    # and the spread: the sample variance within 20 % of the variance
    np.testing.assert_allclose(samples.var(0), var, rtol=0.2)


@pytest.mark.parametrize("spec", ["Cauchy", "StudentT"])
def test_rsample_gradient_is_the_reparameterization(spec):
    """x = loc + scale * eps: dx/dloc = 1, dx/dscale = (x - loc) / scale; StudentT's df gets
    a gradient through its Chi2 draw."""
    rng = np.random.default_rng(1)
    arrays = {k: make(rng, (3,)) for k, make in SPECS[spec][0].items()}
    params = _params(minitorch, arrays)
    minitorch.manual_seed(0)
    x = SPECS[spec][2](MD, minitorch, params, {}).rsample((4,))
    grad = rng.standard_normal(tuple(x.shape))
    x.backward(minitorch.tensor(grad, dtype=minitorch.float64))
    x = x.detach().numpy()
    np.testing.assert_allclose(params["loc"].grad.numpy(), grad.sum(0), rtol=1e-12)
    np.testing.assert_allclose(params["scale"].grad.numpy(),
                               (grad * (x - arrays["loc"]) / arrays["scale"]).sum(0),
                               rtol=1e-9, atol=1e-12)
    if spec == "StudentT":
        assert np.isfinite(params["df"].grad.numpy()).all()


def test_half_cauchy_cdf_icdf_round_trip():
    scale = minitorch.tensor([0.5, 1.0, 3.0], dtype=minitorch.float64)
    for dist in (MD.HalfCauchy(scale), MD.Cauchy(scale - 1, scale)):
        q = minitorch.tensor([0.1, 0.5, 0.95], dtype=minitorch.float64)
        np.testing.assert_allclose(dist.cdf(dist.icdf(q)).numpy(), q.numpy(), rtol=1e-12)


def test_sampling_and_log_prob_on_device(device):
    """Every family samples and scores on the device (the Poisson and Binomial draws come
    from its own generator); draws are in the support with the parameters' dtype."""
    f64 = minitorch.float64
    dists = [MD.Cauchy(minitorch.zeros(3, dtype=f64, device=device), 1.0),
             MD.StudentT(minitorch.full((3,), 3.0, dtype=f64, device=device)),
             MD.Chi2(minitorch.full((3,), 2.0, dtype=f64, device=device)),
             MD.HalfCauchy(minitorch.ones(3, dtype=f64, device=device)),
             MD.Geometric(minitorch.full((3,), 0.3, dtype=f64, device=device)),
             MD.Poisson(minitorch.full((3,), 4.0, dtype=f64, device=device)),
             MD.Binomial(minitorch.full((3,), 5.0, dtype=f64, device=device),
                         logits=minitorch.zeros(3, dtype=f64, device=device))]
    for dist in dists:
        minitorch.manual_seed(0)
        x = dist.sample((2000,))
        assert x.device.type == device and x.dtype == f64 and tuple(x.shape) == (2000, 3)
        assert bool(dist.support.check(x).all())
        lp = dist.log_prob(x)
        assert lp.device.type == device and bool(lp.isfinite().all())
        for attr in ("mean", "mode", "variance", "stddev"):
            assert getattr(dist, attr).device.type == device
        if not isinstance(dist, MD.Poisson):  # (no entropy in torch)
            assert dist.entropy().device.type == device
    student = MD.StudentT(minitorch.tensor([0.5, 1.5, 3.0], dtype=f64, device=device))
    np.testing.assert_array_equal(student.variance.cpu().numpy(), [math.nan, math.inf, 3.0])
    np.testing.assert_array_equal(student.mean.cpu().numpy(), [math.nan, 0.0, 0.0])
    counts = dists[5].sample((4000,)).mean().item()
    assert abs(counts - 4.0) < 0.2
    assert abs(dists[6].sample((4000,)).mean().item() - 2.5) < 0.2
