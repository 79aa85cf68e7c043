"""Gamma, Dirichlet and Beta: the Gamma family, sampled through `standard_gamma` (a Gamma
draw with its implicit reparameterization gradient), as torch does.

Dirichlet(alpha) = (G_1, ..., G_k) / sum G_i with G_i ~ Gamma(alpha_i, 1), and
Beta(a, b) is the first coordinate of Dirichlet((a, b)) (torch builds it that way too, so
Beta's parameter errors name the Dirichlet).

rsample's gradient: Gamma's is exact (see standard_gamma.py; torch's is an approximation
good to ~1e-3). Dirichlet and Beta differentiate through the normalization of Gamma
draws, a valid pathwise gradient with the same expectation as torch's _dirichlet_grad but
a different value per sample.
"""
from __future__ import annotations

import minitorch
from minitorch.tensor import Size

from . import constraints
from .distribution import Distribution, broadcast_all
from .special import Digamma, Lgamma
from .standard_gamma import standard_gamma


def lgamma(t):
    return Lgamma.apply(t)


def digamma(t):
    return Digamma.apply(t)


class Gamma(Distribution):
    """Gamma(concentration, rate):
    log p(x) = c log r + (c - 1) log x - r x - lgamma(c), for x >= 0.

    Args:
        concentration (float or Tensor): shape parameter c (> 0).
        rate (float or Tensor): rate r = 1 / scale (> 0).

    Example:
        >>> m = Gamma(minitorch.tensor([1.0]), minitorch.tensor([1.0]))
        >>> m.rsample()  # doctest: +SKIP
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        # torch's guard: a draw that underflowed to 0 becomes the smallest normal number
        value.detach().clamp_(min=minitorch.finfo(value.dtype).tiny)
        return value

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        c, r = self.concentration, self.rate
        return minitorch.xlogy(c, r) + minitorch.xlogy(c - 1, value) - r * value - lgamma(c)

    def entropy(self):
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)


class Dirichlet(Distribution):
    """Dirichlet(concentration) on the simplex (event: the last dim of concentration):
    log p(x) = sum (a_i - 1) log x_i + lgamma(sum a_i) - sum lgamma(a_i).

    Args:
        concentration (Tensor): a_i > 0, at least one-dimensional.
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    def rsample(self, sample_shape=Size()):
        # standard_gamma's draws are >= the smallest normal number: no 0/0 here
        gammas = standard_gamma(self.concentration.expand(self._extended_shape(sample_shape)))
        return gammas / gammas.sum(-1, keepdim=True)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return (minitorch.xlogy(c - 1.0, value).sum(-1) + lgamma(c.sum(-1))
                - lgamma(c).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        c = self.concentration
        minus_one = (c - 1).clamp(min=0.0)
        mode = minus_one / minus_one.sum(-1, keepdim=True)
        # every a_i < 1: the density is largest at the corner of the largest a_i - 1
        corner = minitorch.nn.functional.one_hot(mode.argmax(-1), c.shape[-1]).to(c.dtype)
        return minitorch.where((c < 1).all(-1, keepdim=True), corner, mode)

    @property
    def variance(self):
        c = self.concentration
        total = c.sum(-1, keepdim=True)
        return c * (total - c) / (total.pow(2) * (total + 1))

    def entropy(self):
        c = self.concentration
        k = c.shape[-1]
        total = c.sum(-1)
        return (lgamma(c).sum(-1) - lgamma(total) - (k - total) * digamma(total)
                - ((c - 1.0) * digamma(c)).sum(-1))


class Beta(Distribution):
    """Beta(concentration1, concentration0) on [0, 1]:
    log p(x) = (a - 1) log x + (b - 1) log(1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b).

    Args:
        concentration1 (float or Tensor): a (> 0), the weight of 1.
        concentration0 (float or Tensor): b (> 0), the weight of 0.
    """

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if not isinstance(concentration1, minitorch.Tensor) and not isinstance(
                concentration0, minitorch.Tensor):
            both = minitorch.tensor([float(concentration1), float(concentration0)])
        else:
            both = minitorch.stack(broadcast_all(concentration1, concentration0), -1)
        self._dirichlet = Dirichlet(both, validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, validate_args=validate_args)

    @property
    def concentration1(self):
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        return self._dirichlet.concentration[..., 1]

    def expand(self, batch_shape, _instance=None):
        new = type(self).__new__(type(self)) if _instance is None else _instance
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=Size()):
        return self._dirichlet.rsample(sample_shape)[..., 0]

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return self._dirichlet.log_prob(minitorch.stack([value, 1.0 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()
