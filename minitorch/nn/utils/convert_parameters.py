"""Parameters as one flat vector and back (torch.nn.utils.parameters_to_vector /
vector_to_parameters): for optimizers and tricks that treat a model as one point in R^n
(L-BFGS-style line searches, weight averaging, evolution strategies)."""
from __future__ import annotations

from ...ops import cat
from ...tensor import Tensor
from ..state_dict import typename

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(param, first_device):
    """The device of the first parameter; a parameter elsewhere is torch's TypeError."""
    if first_device is None:
        return param.device
    if param.device != first_device:
        raise TypeError("Found two parameters on different devices, "
                        "this is currently not supported.")
    return first_device


def parameters_to_vector(parameters) -> Tensor:
    """Flatten and concatenate parameters into one 1-D tensor (a copy, in order).

    Args:
        parameters: an iterable of Tensors, e.g. `model.parameters()`.

    >>> vec = parameters_to_vector(model.parameters())   # shape (n_params,)
    """
    device = None
    flat = []
    for param in parameters:  # not an iterable: Python's TypeError, as in torch
        device = _check_same_device(param, device)
        flat.append(param.reshape(-1))
    return cat(flat)


def vector_to_parameters(vec, parameters) -> None:
    """Copy consecutive slices of `vec` into the parameters (their `.data`), in order.

    Args:
        vec (Tensor): a 1-D tensor with at least as many numbers as the parameters hold.
        parameters: an iterable of Tensors, e.g. `model.parameters()`.

    >>> vector_to_parameters(vec * 0.5, model.parameters())
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    device = None
    start = 0
    for param in parameters:
        device = _check_same_device(param, device)
        count = param.numel()
        param.data = vec[start:start + count].view_as(param).data
        start += count
