"""Probability distributions with torch.distributions' API, built on differentiable ops.

Gradients of log_prob, entropy, KL and rsample come from autograd. The few array-level
pieces (lgamma/digamma in special.py, the Gamma sampler in standard_gamma.py) use `xp`,
so the same code runs on both backends.

    >>> from minitorch.distributions import Normal, kl_divergence
"""
from . import constraints  # noqa: F401
from .discrete import Bernoulli, Categorical, OneHotCategorical
from .distribution import Distribution
from .gamma import Beta, Dirichlet, Gamma
from .heavy_tailed import Cauchy, Chi2, HalfCauchy, StudentT
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .continuous import Exponential, Laplace, Normal, Uniform
from .counts import Binomial, Geometric, Poisson
from .transformed_distribution import LogNormal, TransformedDistribution
from .transformed_families import Gumbel, HalfNormal, Pareto, Weibull
from . import transforms  # noqa: F401
from .transforms import (AbsTransform, AffineTransform, ComposeTransform, ExpTransform,
                         PowerTransform, SigmoidTransform, TanhTransform, Transform)

__all__ = ["AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical",
           "Cauchy", "Chi2", "ComposeTransform", "Dirichlet", "Distribution", "ExpTransform",
           "Exponential", "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent",
           "Laplace", "LogNormal", "MultivariateNormal", "Normal", "OneHotCategorical", "Pareto",
           "Poisson", "PowerTransform", "SigmoidTransform", "StudentT", "TanhTransform",
           "Transform", "TransformedDistribution", "Uniform", "Weibull", "kl_divergence",
           "register_kl"]
