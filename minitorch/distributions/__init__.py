"""Probability distributions with torch.distributions' API, built on differentiable ops.

Gradients of log_prob, entropy, KL and rsample come from autograd; nothing here touches
NumPy directly, so the same code runs on both backends.

    >>> from minitorch.distributions import Normal, kl_divergence
"""
from . import constraints  # noqa: F401
from .discrete import Bernoulli, Categorical, OneHotCategorical
from .distribution import Distribution
from .gamma import Beta, Dirichlet, Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .continuous import Exponential, Laplace, Normal, Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "Distribution", "Exponential",
           "Gamma", "Independent", "Laplace", "Normal", "OneHotCategorical", "Uniform", "kl_divergence",
           "register_kl"]
