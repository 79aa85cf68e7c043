"""Parameter: a Tensor that a Module registers as one of its learnable weights."""
from __future__ import annotations

from ..tensor import Tensor, _created_requiring_grad


class Parameter(Tensor):
    """A Tensor that is a module parameter (torch.nn.Parameter).

    Assigning a Parameter as a Module attribute registers it, so it shows up in
    `module.parameters()` and `state_dict()`; assigning a plain Tensor does not.
    The Parameter shares memory with `data`.

    Args:
        data (Tensor): the values; an empty tensor when None.
        requires_grad (bool): whether the parameter needs a gradient. Default: True
            (also inside `no_grad()`, like torch).

    >>> p = Parameter(minitorch.zeros(2))
    >>> p.requires_grad
    True
    """

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        self._init(data._data)
        self._version = data._version  # an alias of `data`, like torch's _make_subclass
        if requires_grad:
            _created_requiring_grad(self)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(Tensor._wrap(self._data.copy()), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce__(self):
        rebuild, args = super().__reduce__()
        return (_rebuild_parameter, (rebuild, args))


def _rebuild_parameter(rebuild, args):
    tensor = rebuild(*args)
    return Parameter(tensor.detach(), tensor.requires_grad)


__all__ = ["Parameter"]
