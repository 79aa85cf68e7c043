"""Distributions torch builds as a TransformedDistribution of a simpler one (see
transformed_distribution.py for the rule): Gumbel, HalfNormal, Pareto, Weibull.
"""
from __future__ import annotations

import math
import numbers

import minitorch

from . import constraints
from .continuous import Exponential, Normal, Uniform
from .distribution import Distribution, broadcast_all
from .gamma import lgamma
from .transformed_distribution import TransformedDistribution
from .transforms import (
    AbsTransform,
    AffineTransform,
    ExpTransform,
    PowerTransform,
)

# -digamma(1), as torch.distributions.utils.euler_constant
EULER_CONSTANT = 0.57721566490153286060


class Gumbel(TransformedDistribution):
    """Gumbel(loc, scale):  log p(x) = z - exp(z) - log scale,  z = (loc - x) / scale.

    Built as x = loc - scale log(-log u), u ~ U(tiny, 1 - eps), so cdf(x) = exp(-exp(z)).

    Args:
        loc (float or Tensor): the location (the mode).
        scale (float or Tensor): the scale (> 0).
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        finfo = minitorch.finfo(self.loc.dtype)
        if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number):
            base_dist = Uniform(finfo.tiny, 1 - finfo.eps, validate_args=validate_args)
        else:
            base_dist = Uniform(minitorch.full_like(self.loc, finfo.tiny),
                                minitorch.full_like(self.loc, 1 - finfo.eps),
                                validate_args=validate_args)
        # x = loc - scale * log(-log u): log, negate, log, then the affine map (as torch)
        transforms = [ExpTransform().inv,
                      AffineTransform(loc=0, scale=-minitorch.ones_like(self.scale)),
                      ExpTransform().inv,
                      AffineTransform(loc=loc, scale=-self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gumbel, _instance)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    def log_prob(self, value):
        # in closed form: the chain of transforms loses precision far in the tails
        if self._validate_args:
            self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    @property
    def mean(self):
        return self.loc + self.scale * EULER_CONSTANT

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def entropy(self):
        return self.scale.log() + (1 + EULER_CONSTANT)

    __repr__ = Distribution.__repr__


class _Folded(TransformedDistribution):
    """|X| for X ~ Base(0, scale), a base symmetric about 0 (HalfNormal, HalfCauchy):
    p(x) = 2 Base.pdf(x) for x >= 0,  cdf = 2 F - 1,  icdf(q) = F^-1((q + 1) / 2),
    entropy = Base's - log 2. A subclass names its base in `_base` and adds mean and
    variance."""

    _base = None  # the family of X
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        base_dist = self._base(0, scale, validate_args=False)  # checks scale itself
        super().__init__(base_dist, AbsTransform(), validate_args=validate_args)

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mode(self):
        return minitorch.zeros_like(self.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return minitorch.where(value >= 0, log_prob, float("-inf"))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Folded):
    """|X| for X ~ Normal(0, scale):  p(x) = 2 Normal.pdf(x) for x >= 0;  cdf = 2 Phi - 1.

    Args:
        scale (float or Tensor): the scale of the underlying Normal (> 0).
    """

    _base = Normal

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)


class Pareto(TransformedDistribution):
    """Pareto(scale, alpha) = scale exp(X), X ~ Exponential(alpha):
    log p(x) = log alpha + alpha log scale - (alpha + 1) log x, for x >= scale.

    Args:
        scale (float or Tensor): the minimum value (> 0).
        alpha (float or Tensor): the tail index (> 0).
    """

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base_dist = Exponential(self.alpha, validate_args=validate_args)
        transforms = [ExpTransform(), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Pareto, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.alpha = self.alpha.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        a = self.alpha.clamp(min=1)  # infinite for alpha <= 1
        return a * self.scale / (a - 1)

    @property
    def mode(self):
        return self.scale

    @property
    def variance(self):
        a = self.alpha.clamp(min=2)  # infinite for alpha <= 2
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    @property
    def support(self):
        return constraints.greater_than_eq(self.scale)

    def entropy(self):
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())

    __repr__ = Distribution.__repr__


class Weibull(TransformedDistribution):
    """Weibull(scale, k) = scale X^(1/k), X ~ Exponential(1):  cdf(x) = 1 - exp(-(x/scale)^k).

    Args:
        scale (float or Tensor): the scale lambda (> 0).
        concentration (float or Tensor): the shape k (> 0).
    """

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(minitorch.ones_like(self.scale), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration_reciprocal),
                      AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        transforms = [PowerTransform(exponent=new.concentration_reciprocal),
                      AffineTransform(loc=0, scale=new.scale)]
        TransformedDistribution.__init__(new, self.base_dist.expand(batch_shape), transforms,
                                         validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.scale * lgamma(1 + self.concentration_reciprocal).exp()

    @property
    def mode(self):
        return self.scale * ((self.concentration - 1) / self.concentration).pow(
            self.concentration.reciprocal())

    @property
    def variance(self):
        return self.scale.pow(2) * (lgamma(1 + 2 * self.concentration_reciprocal).exp()
                                    - (2 * lgamma(1 + self.concentration_reciprocal)).exp())

    def entropy(self):
        return (EULER_CONSTANT * (1 - self.concentration_reciprocal)
                + (self.scale * self.concentration_reciprocal).log() + 1)

    __repr__ = Distribution.__repr__
