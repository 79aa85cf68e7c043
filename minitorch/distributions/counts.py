"""Geometric, Poisson and Binomial: distributions over counts {0, 1, 2, ...}.

Geometric and Binomial take `probs` or `logits` (the other is a lazy_property, as for
Bernoulli). Poisson and Binomial draws come from the backend's generator (NumPy's or
CuPy's `poisson` / `binomial`), seeded by `minitorch.manual_seed`; like torch's, they carry
no gradient (no rsample).
"""
from __future__ import annotations

import minitorch
from minitorch import backend, random
from minitorch.tensor import Size, Tensor

from . import constraints
from .discrete import Bernoulli, _enumerated, _probs_or_logits
from .distribution import (
    Distribution,
    broadcast_all,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)
from .gamma import lgamma
from .kl import _infinite_like, _masked, register_kl


def _draw(kind, like, *params):
    """One `kind` ("poisson" or "binomial") draw per element of the (equally shaped)
    parameter tensors, as a tensor of `like`'s dtype on its device; no gradient."""
    arrays = [p.detach()._data for p in params]
    xp = backend.array_module(arrays[0])
    if kind == "binomial":  # the number of trials as integers, as both generators want
        arrays[0] = arrays[0].astype("int64")
    gen = random._rng(None) if xp is backend.np else random._cuda_random()
    out = getattr(gen, kind)(*arrays)
    return Tensor._wrap(xp.asarray(out).astype(like._data.dtype, copy=False))


class Geometric(Distribution):
    """The number of failures before the first success of Bernoulli(p) trials:
    log P(k) = k log(1 - p) + log p,  k = 0, 1, 2, ...

    Args:
        probs (float or Tensor): the success probability, in (0, 1].
        logits (float or Tensor): log(p / (1 - p)); give this or `probs`.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        _probs_or_logits(probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            param = self.logits
        super().__init__(param.shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            valid = value > 0
            if not bool(valid.all()):
                raise ValueError(
                    "Expected parameter probs "
                    f"({type(value).__name__} of shape {tuple(value.shape)}) "
                    f"of distribution {self!r} "
                    f"to be positive but found invalid values:\n{value[~valid]}")

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return minitorch.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=Size()):
        # inverse cdf: k = floor(log u / log(1 - p)), u ~ U(tiny, 1)
        shape = self._extended_shape(sample_shape)
        with minitorch.no_grad():
            probs = self.probs
            tiny = minitorch.finfo(probs.dtype).tiny
            u = minitorch.rand(shape, dtype=probs.dtype, device=probs.device).clamp(min=tiny)
            return (u.log() / (-probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        # p = 1 at k = 0: 0 log 0 is 0 here (torch's rule)
        probs = minitorch.where((probs == 1) & (value == 0), 0.0, probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return minitorch.nn.functional.binary_cross_entropy_with_logits(
            self.logits, self.probs, reduction="none") / self.probs


class Poisson(Distribution):
    """Poisson(rate):  log P(k) = k log rate - rate - lgamma(k + 1),  k = 0, 1, 2, ...

    No entropy (NotImplementedError, as torch's).

    Args:
        rate (float or Tensor): the mean (>= 0).
    """

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with minitorch.no_grad():
            return _draw("poisson", self.rate, self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return minitorch.xlogy(value, rate) - rate - lgamma(value + 1)


class Binomial(Distribution):
    """Binomial(total_count n, p):
    log P(k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k log p + (n - k) log(1 - p),
    k = 0, ..., n, computed from the logits.

    Args:
        total_count (int or Tensor): the number of trials (a nonnegative integer).
            Default: 1.
        probs (Tensor): the success probability.
        logits (Tensor): log(p / (1 - p)); give this or `probs`.
    """

    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        _probs_or_logits(probs, logits)
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.shape

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with minitorch.no_grad():
            return _draw("binomial", self._param, self.total_count.expand(shape),
                         self.probs.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_factorial_n = lgamma(n + 1)
        log_factorial_k = lgamma(value + 1)
        log_factorial_nmk = lgamma(n - value + 1)
        # n log(1 + e^logits), stable: max(logits, 0) (gradient 1/2 at 0, as torch's) plus
        # log1p(e^-|logits|)
        clamped = (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2
        normalize_term = n * clamped + n * (-logits.abs()).exp().log1p() - log_factorial_n
        return value * logits - log_factorial_k - log_factorial_nmk - normalize_term

    def _homogeneous_count(self, what):
        total_count = int(self.total_count.max())
        if not bool(self.total_count.min() == total_count):
            raise NotImplementedError(
                f"Inhomogeneous total count not supported by `{what}`.")
        return total_count

    def entropy(self):
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        """The values 0., ..., n. (n the common total_count), shape (n + 1,) + batch_shape
        (ones if not `expand`)."""
        total_count = self._homogeneous_count("enumerate_support")
        values = minitorch.arange(1 + total_count, dtype=self._param.dtype,
                                  device=self._param.device)
        return _enumerated(values, self._batch_shape, expand)


# ---- KL pairs (torch's registrations and formulas) ----------------------------------------
@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p, q):
    return -p.entropy() - (-q.probs).log1p() / p.probs - q.logits


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    if bool((p.total_count < q.total_count).any()):
        raise NotImplementedError(
            "KL between Binomials where q.total_count > p.total_count is not implemented")
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p()
                          - (-q.probs).log1p())
    return _masked(kl, p.total_count > q.total_count, float("inf"))


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


@register_kl(Poisson, Bernoulli)
@register_kl(Poisson, Binomial)
def _kl_poisson_infinity(p, q):
    return _infinite_like(p.rate)
