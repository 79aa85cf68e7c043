"""kl_divergence(p, q) = E_p[log p(x) - log q(x)], in closed form for registered pairs."""
from __future__ import annotations

import minitorch

from .discrete import Bernoulli, Categorical, OneHotCategorical
from .distribution import sum_rightmost
from .independent import Independent
from .continuous import Exponential, Laplace, Normal, Uniform

_KL_REGISTRY: dict = {}


def register_kl(type_p, type_q):
    """Decorator: `fn(p, q)` computes KL(p || q) for p of `type_p` and q of `type_q`."""
    def decorator(fn):
        _KL_REGISTRY[type_p, type_q] = fn
        return fn
    return decorator


def _dispatch_kl(type_p, type_q):
    # the most specific registered pair along both MROs (exact types first)
    for super_p in type_p.__mro__:
        for super_q in type_q.__mro__:
            fn = _KL_REGISTRY.get((super_p, super_q))
            if fn is not None:
                return fn
    return None


def kl_divergence(p, q):
    """KL(p || q), one value per batch element.

    Raises:
        NotImplementedError: no closed form registered for the pair of types.
    """
    fn = _dispatch_kl(type(p), type(q))
    if fn is None:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p type {p.__class__.__name__} and "
            f"q type {q.__class__.__name__}")
    return fn(p, q)


def _masked(t, mask, value):
    # torch writes t[mask] = value in place; where() gives the same values and a zero gradient
    # under the mask
    return minitorch.where(mask, minitorch.full_like(t, value), t)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    softplus = minitorch.nn.functional.softplus
    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t1 = _masked(t1, q.probs == 0, float("inf"))
    t1 = _masked(t1, p.probs == 0, 0.0)
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    t2 = _masked(t2, q.probs == 1, float("inf"))
    t2 = _masked(t2, p.probs == 1, 0.0)
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = _masked(t, (q.probs == 0).expand_as(t), float("inf"))
    t = _masked(t, (p.probs == 0).expand_as(t), 0.0)
    return t.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _masked(result, (q.low > p.low) | (q.high < p.high), float("inf"))


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    t1 = -rate_ratio.log()
    return t1 + rate_ratio - 1


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * (-loc_abs_diff / p.scale).exp()
    return t1 + t2 + t3 - 1


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return sum_rightmost(result, p.reinterpreted_batch_ndims)
