"""Bernoulli, Categorical and OneHotCategorical: parameterized by `probs` or by `logits`.

Whichever is given is stored; the other is a lazy_property computed (differentiably) from it
on first use, as in torch.
"""
from __future__ import annotations

import minitorch
from minitorch.tensor import Size

from . import constraints
from .distribution import (
    Distribution,
    broadcast_all,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)


def _probs_or_logits(probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


def _enumerated(values, batch_shape, expand):
    """values (n,) as (n, 1, ..., 1), expanded to (n,) + batch_shape if `expand`."""
    values = values.view((-1,) + (1,) * len(batch_shape))
    return values.expand((-1,) + tuple(batch_shape)) if expand else values


class Bernoulli(Distribution):
    """Bernoulli(p):  log p(x) = x log p + (1 - x) log(1 - p), x in {0, 1}.

    Args:
        probs (float or Tensor): the probability of 1.
        logits (float or Tensor): log(p / (1 - p)); give this or `probs`.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _probs_or_logits(probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            param = self.logits
        self._param = param
        super().__init__(param.shape, validate_args=validate_args)

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
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with minitorch.no_grad():
            return minitorch.bernoulli(self.probs.expand(shape))

    def enumerate_support(self, expand=True):
        """The values 0., 1., shape (2,) + batch_shape (with ones if not `expand`)."""
        values = minitorch.arange(2, dtype=self._param.dtype, device=self._param.device)
        return _enumerated(values, self._batch_shape, expand)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = minitorch.broadcast_tensors(self.logits, value)
        return -minitorch.nn.functional.binary_cross_entropy_with_logits(
            logits, value, reduction="none")

    def entropy(self):
        return minitorch.nn.functional.binary_cross_entropy_with_logits(
            self.logits, self.probs, reduction="none")


class Categorical(Distribution):
    """Categorical(p) over {0, ..., K-1}:  log p(k) = logits[k] - logsumexp(logits).

    `probs` need not sum to 1 (they are normalized along the last dim); `logits` are
    normalized to log-probabilities.

    Args:
        probs (Tensor): (..., K) non-negative weights.
        logits (Tensor): (..., K) unnormalized log-probabilities; give this or `probs`.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(
        constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _probs_or_logits(probs, logits)
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = self._param.shape[:-1] if self._param.dim() > 1 else Size()
        super().__init__(batch_shape, validate_args=validate_args)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def param_shape(self):
        return self._param.shape

    @property
    def mean(self):
        return minitorch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return minitorch.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def enumerate_support(self, expand=True):
        """The values 0, ..., K-1 (int64), shape (K,) + batch_shape (ones if not `expand`)."""
        values = minitorch.arange(self._num_events, device=self._param.device)
        return _enumerated(values, self._batch_shape, expand)

    def sample(self, sample_shape=Size()):
        sample_shape = Size(sample_shape)
        n = 1
        for size in sample_shape:
            n *= size
        with minitorch.no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            samples_2d = minitorch.multinomial(probs_2d, n, True).t()
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = minitorch.broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        # clamp so that p = 0 with logit -inf gives 0 * finite, not 0 * -inf = nan
        min_real = minitorch.finfo(self.logits.dtype).min
        logits = self.logits.clamp(min=min_real)
        p_log_p = logits * self.probs
        return -p_log_p.sum(-1)


class OneHotCategorical(Distribution):
    """Categorical with one-hot samples: events of shape (K,).

    Args:
        probs (Tensor): (..., K) non-negative weights.
        logits (Tensor): (..., K) unnormalized log-probabilities; give this or `probs`.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(
        constraints.real, 1)}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    @property
    def _param(self):
        return self._categorical._param

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    @property
    def mean(self):
        return self._categorical.probs

    @property
    def mode(self):
        probs = self._categorical.probs
        mode = probs.argmax(-1)
        return minitorch.nn.functional.one_hot(mode, probs.shape[-1]).to(probs.dtype)

    @property
    def variance(self):
        return self._categorical.probs * (1 - self._categorical.probs)

    def expand(self, batch_shape, _instance=None):
        new = type(self).__new__(type(self)) if _instance is None else _instance
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def enumerate_support(self, expand=True):
        """The K one-hot vectors, shape (K,) + batch_shape + (K,) (ones if not `expand`)."""
        n = self._event_shape[0]
        values = minitorch.eye(n, dtype=self._param.dtype, device=self._param.device)
        values = values.view((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand((n,) + tuple(self._batch_shape) + (n,)) if expand else values

    def sample(self, sample_shape=Size()):
        probs = self._categorical.probs
        num_events = self._categorical._num_events
        indices = self._categorical.sample(sample_shape)
        return minitorch.nn.functional.one_hot(indices, num_events).to(probs.dtype)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        indices = value.max(-1)[1]
        return self._categorical.log_prob(indices)

    def entropy(self):
        return self._categorical.entropy()
