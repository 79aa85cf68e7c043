"""Turning a list of samples into a batch: `default_collate` and `default_convert`."""
from __future__ import annotations

import collections.abc
import numbers

import numpy as np

from ... import backend
from ...tensor import Tensor

_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
        "lists; found {}")


def default_collate(batch):
    """Stack a list of samples into a batch, keeping the samples' structure (torch's rules).

    - Tensors are stacked along a new dim 0; NumPy arrays and NumPy scalars become
      stacked tensors.
    - Python floats give a float64 tensor, ints an int64 tensor, bools a bool tensor.
    - Strings and bytes are kept as they came (the list of samples).
    - Dicts collate per key; namedtuples per field; tuples and lists are transposed
      (a list of `(x, y)` samples gives `[X, Y]`; tuples come back as lists, like torch).

    >>> default_collate([(minitorch.zeros(2), 0), (minitorch.ones(2), 1)])
    [tensor([[0., 0.], [1., 1.]]), tensor([0, 1])]
    """
    import minitorch

    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OUSV":
            raise TypeError(_ERR.format(elem.dtype))
        return minitorch.from_numpy(np.stack(batch))
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return minitorch.from_numpy(np.array(batch))
    if isinstance(elem, bool):
        return minitorch.tensor(list(batch))
    if isinstance(elem, float):
        return minitorch.tensor(list(batch), dtype=minitorch.float64)
    if isinstance(elem, numbers.Integral):
        return minitorch.tensor(list(batch), dtype=minitorch.int64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            out = type(elem)()
            out.update(collated)
            return out
        except TypeError:  # a Mapping type that can't be built empty
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed
        try:
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_ERR.format(type(elem)))


def _stack(tensors):
    """`minitorch.stack(tensors)`; samples of one shape, dtype and device that need no
    gradient are stacked straight from their arrays: for a batch of small samples the op's
    checks, type promotion and graph bookkeeping cost more than the copy itself."""
    import minitorch

    first = tensors[0]._data
    if all(not t.requires_grad and type(t._data) is type(first) and t._data.shape == first.shape
           and t._data.dtype == first.dtype for t in tensors):
        xp = backend.array_module(first)
        return Tensor._wrap(xp.stack([t._data for t in tensors]))
    return minitorch.stack(list(tensors), 0)


def default_convert(data):
    """Turn NumPy arrays (also inside dicts/lists/tuples) into tensors; leave the rest.

    Used by the DataLoader when automatic batching is off (`batch_size=None`).
    """
    import minitorch

    if isinstance(data, np.ndarray) and data.dtype.kind not in "OUSV":
        return minitorch.from_numpy(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return minitorch.from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            out = type(data)()
            out.update({key: default_convert(data[key]) for key in data})
            return out
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


__all__ = ["default_collate", "default_convert"]
