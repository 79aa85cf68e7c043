"""Cauchy, StudentT, Chi2 and HalfCauchy: the heavy-tailed families (and Chi2, which
StudentT samples through), as torch.distributions builds them.

Where a moment does not exist torch returns NaN (undefined) or inf (infinite) in its place,
with no gradient there; so do these.
"""
from __future__ import annotations

import math

import minitorch
from minitorch.tensor import Size

from . import constraints
from .distribution import Distribution, broadcast_all
from .gamma import Gamma, digamma, lgamma
from .kl import register_kl
from .transformed_families import _Folded


class Cauchy(Distribution):
    """Cauchy(loc, scale):  log p(x) = -log pi - log scale - log(1 + ((x - loc) / scale)^2).

    No mean (NaN) and an infinite variance, as torch's.

    Args:
        loc (float or Tensor): the mode and median.
        scale (float or Tensor): the half width at half maximum (> 0).
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return minitorch.full(self._extended_shape(), math.nan, dtype=self.loc.dtype,
                              device=self.loc.device)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return minitorch.full(self._extended_shape(), math.inf, dtype=self.loc.dtype,
                              device=self.loc.device)

    def rsample(self, sample_shape=Size()):
        # standard Cauchy noise by the inverse cdf: eps = tan(pi (u - 1/2)), u ~ U[0, 1)
        shape = self._extended_shape(sample_shape)
        u = minitorch.rand(shape, dtype=self.loc.dtype, device=self.loc.device)
        eps = (math.pi * (u - 0.5)).tan()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (-math.log(math.pi) - self.scale.log()
                - (((value - self.loc) / self.scale) ** 2).log1p())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()


class Chi2(Gamma):
    """Chi2(df) = Gamma(df / 2, 1 / 2), a subclass of Gamma as in torch (so Gamma's KL pairs
    apply to it).

    Args:
        df (float or Tensor): the degrees of freedom (> 0).
    """

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Chi2, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def df(self):
        return self.concentration * 2


class StudentT(Distribution):
    """Student's t(df, loc, scale):  with y = (x - loc) / scale,
    log p(x) = -(df + 1)/2 log(1 + y^2 / df) - log scale - log(df)/2 - log(pi)/2
               - lgamma(df / 2) + lgamma((df + 1) / 2).

    mean: NaN for df <= 1; variance: inf for 1 < df <= 2, NaN for df <= 1 (torch's values).
    Sampled as loc + scale X / sqrt(Z / df), X ~ N(0, 1), Z ~ Chi2(df).

    Args:
        df (float or Tensor): the degrees of freedom (> 0).
        loc (float or Tensor): the location. Default: 0.
        scale (float or Tensor): the scale (> 0). Default: 1.
    """

    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        # validated with the default setting, whatever validate_args says (torch's behavior:
        # a bad df names the Chi2)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(StudentT, _instance)
        batch_shape = Size(batch_shape)
        new.df = self.df.expand(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new._chi2 = self._chi2.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return minitorch.where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = df > 2
        # df where the formula is used, 3 elsewhere: no inf * 0 in the unused branch's grad
        safe_df = minitorch.where(finite, df, 3.0)
        formula = self.scale.pow(2) * safe_df / (safe_df - 2)
        undefined = minitorch.where(df > 1, minitorch.full_like(df, math.inf),
                                    minitorch.full_like(df, math.nan))
        return minitorch.where(finite, formula, undefined)

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        x = minitorch.randn(shape, dtype=self.df.dtype, device=self.df.device)
        z = self._chi2.rsample(sample_shape)
        y = x * (z / self.df).rsqrt()
        return self.loc + self.scale * y

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
             + lgamma(0.5 * self.df) - lgamma(0.5 * (self.df + 1.0)))
        return -0.5 * (self.df + 1.0) * (y**2.0 / self.df).log1p() - z

    def entropy(self):
        lbeta = lgamma(0.5 * self.df) + math.lgamma(0.5) - lgamma(0.5 * (self.df + 1))
        return (self.scale.log()
                + 0.5 * (self.df + 1) * (digamma(0.5 * (self.df + 1)) - digamma(0.5 * self.df))
                + 0.5 * self.df.log() + lbeta)


class HalfCauchy(_Folded):
    """|X| for X ~ Cauchy(0, scale):  p(x) = 2 Cauchy.pdf(x) for x >= 0;  cdf = 2 F - 1.

    Mean inf, variance inf (torch's values).

    Args:
        scale (float or Tensor): the scale of the underlying Cauchy (> 0).
    """

    _base = Cauchy

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfCauchy, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return minitorch.full(self._extended_shape(), math.inf, dtype=self.scale.dtype,
                              device=self.scale.device)

    @property
    def variance(self):
        return self.base_dist.variance


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p, q):
    # https://arxiv.org/abs/1905.10965, as torch
    t1 = ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log()
    t2 = (4 * p.scale * q.scale).log()
    return t1 - t2
