"""Distribution: the base class (torch.distributions.Distribution) and shared helpers."""
from __future__ import annotations

import minitorch
from minitorch.tensor import Size, Tensor

from . import constraints


def broadcast_all(*values):
    """Parameters as tensors of one broadcast shape; numbers take the dtype and device of
    the first tensor (torch's rule)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else minitorch.get_default_dtype()
    device = tensors[0].device if tensors else None
    values = [v if isinstance(v, Tensor) else minitorch.tensor(float(v), dtype=dtype,
                                                               device=device)
              for v in values]
    return minitorch.broadcast_tensors(*values)


def sum_rightmost(value, dim):
    """Sum out the last `dim` dims (the event dims of an Independent)."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def clamp_probs(probs):
    """Probabilities kept in [eps, 1 - eps] so their logits stay finite (torch's rule)."""
    eps = minitorch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


class lazy_property:
    """A property computed once, on first use, then cached in the instance's __dict__.

    Bernoulli(probs=p) never computes its logits unless asked (and the other way round).
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with minitorch.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


class Distribution:
    """A batch of probability distributions, each over events of shape `event_shape`.

    Args:
        batch_shape: the shape of the batch of independent distributions.
        event_shape: the shape of one sample of one distribution.
        validate_args: check parameters (ValueError) and `log_prob`'s values against the
            support. Default: `Distribution.set_default_validate_args` (on, as in torch).
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = True
    arg_constraints: dict = {}
    support = None

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=Size(), event_shape=Size(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if constraint is constraints.dependent:
                    continue
                if param not in self.__dict__ and isinstance(
                        getattr(type(self), param, None), lazy_property):
                    continue  # the parameter not given (probs when built from logits)
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f"Expected parameter {param} "
                        f"({type(value).__name__} of shape {tuple(value.shape)}) "
                        f"of distribution {self!r} "
                        f"to satisfy the constraint {constraint!r}, "
                        f"but found invalid values:\n{value}")

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=Size()):
        """A sample (no gradient) of shape `sample_shape + batch_shape + event_shape`."""
        with minitorch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()):
        raise NotImplementedError

    def sample_n(self, n):
        return self.sample(Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        """P(X <= value); each distribution that has a closed form overrides this."""
        raise NotImplementedError

    def icdf(self, value):
        """The inverse of `cdf`: the x with P(X <= x) = value."""
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return self.entropy().exp()

    def expand(self, batch_shape, _instance=None):
        """The same distribution over a larger batch: every parameter broadcast (a view, no
        copy) to `batch_shape` + its own trailing (event) dims; torch's expand errors."""
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self)) if _instance is None else _instance
        new.__dict__.update(self.__dict__)
        own = len(self._batch_shape)
        for name, value in self.__dict__.items():
            if name in self.arg_constraints and isinstance(value, Tensor):
                new.__dict__[name] = value.expand(tuple(batch_shape) + tuple(value.shape[own:]))
                if self.__dict__.get("_param") is value:  # the parameter that was given
                    new._param = new.__dict__[name]
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def enumerate_support(self, expand=True):
        raise NotImplementedError

    def _get_checked_instance(self, cls, _instance=None):
        """The blank instance `expand` fills in; a subclass with its own __init__ must
        write its own expand, since `cls.expand` cannot know its parameters."""
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def _extended_shape(self, sample_shape=Size()):
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value):
        """torch's checks on `log_prob`'s value: a tensor, the event shape, the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.shape) - len(self._event_shape)
        if value.shape[event_dim_start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.shape} vs {self._event_shape}.")
        actual_shape = value.shape
        expected_shape = Size(tuple(self._batch_shape) + tuple(self._event_shape))
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{actual_shape} vs {expected_shape}.")
        support = self.support
        if not bool(support.check(value).all()):
            raise ValueError(
                "Expected value argument "
                f"({type(value).__name__} of shape {tuple(value.shape)}) "
                f"to be within the support ({support!r}) "
                f"of the distribution {self!r}, "
                f"but found invalid values:\n{value}")

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(
            f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].shape}"
            for p in names)
        return f"{type(self).__name__}({args})"
