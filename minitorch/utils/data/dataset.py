"""Datasets: map-style (`__getitem__` + `__len__`) and iterable-style (`__iter__`).

Mirrors `torch.utils.data.dataset`: Dataset, IterableDataset, TensorDataset,
ConcatDataset, ChainDataset, Subset and random_split.
"""
from __future__ import annotations

import bisect
import itertools
import math
import warnings

from ...tensor import Tensor
from .sampler import _rng


class Dataset:
    """A map-style dataset: subclasses define `__getitem__(index)` and usually `__len__`.

    `ds1 + ds2` makes a `ConcatDataset`.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 10
    ...     def __getitem__(self, i): return i * i
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclasses define `__iter__`.

    With `num_workers > 0` every worker iterates its own copy; use
    `get_worker_info()` inside `__iter__` to split the work between them.
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are tuples `(t[index] for t in tensors)`; all tensors share dim 0.

    Args:
        *tensors (Tensor): tensors with the same size of the first dimension.

    >>> ds = TensorDataset(minitorch.randn(8, 3), minitorch.arange(8))
    >>> x, y = ds[0]
    """

    def __init__(self, *tensors):
        sizes = [t.size(0) for t in tensors]
        if any(s != sizes[0] for s in sizes):
            raise AssertionError(f"Size mismatch between tensors: sizes of dim 0 are {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __getitems__(self, indices):
        """The samples at `indices`, as `[self[i] for i in indices]` gives them, but with
        one gather per tensor: the DataLoader calls this for a whole batch (torch 2.x's
        batched fetch), and an index op per sample and tensor was 80% of its fetch time.
        Anything but a list of ints (or an empty dataset) takes the per-sample path."""
        if not indices or not self.tensors or not all(type(i) is int for i in indices):
            return [self[i] for i in indices]
        columns = []
        for tensor in self.tensors:
            rows = tensor[indices]  # a new array that only these samples will share
            if rows.requires_grad:  # samples wired into the graph, as tensor[i] would be
                columns.append(rows.unbind(0))
            else:  # plain views of it: unbind's view bookkeeping cost more than the gather
                columns.append([Tensor._wrap(row) for row in rows._data])
        return list(zip(*columns))

    def __len__(self):
        return self.tensors[0].size(0) if self.tensors else 0


class StackDataset(Dataset):
    """Several datasets of one length side by side: sample i is (a[i], b[i], ...) or a dict.

    Args:
        *args (Dataset): datasets whose samples are returned together as a tuple.
        **kwargs (Dataset): datasets whose samples are returned as a dict by name.

    >>> stack = StackDataset(image=images, label=labels)
    >>> stack[0] == {"image": images[0], "label": labels[0]}
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        datasets = list(args or kwargs.values())
        self._length = len(datasets[0])
        if any(self._length != len(dataset) for dataset in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: dataset[index] for k, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __getitems__(self, indices):
        """A batch of samples; a dataset with its own __getitems__ fetches its part at once."""
        named = isinstance(self.datasets, dict)
        columns = {}
        for key, dataset in (self.datasets.items() if named else enumerate(self.datasets)):
            if callable(getattr(dataset, "__getitems__", None)):
                items = dataset.__getitems__(indices)
                if len(items) != len(indices):
                    raise ValueError("Nested dataset's output size mismatch. Expected "
                                     f"{len(indices)}, got {len(items)}")
                columns[key] = items
            else:
                columns[key] = [dataset[i] for i in indices]
        if named:
            return [{k: column[n] for k, column in columns.items()} for n in range(len(indices))]
        return [tuple(column[n] for column in columns.values()) for n in range(len(indices))]

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """The concatenation of several map-style datasets.

    Args:
        datasets (iterable of Dataset): the parts, in order.
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        if dataset_idx >= len(self.datasets):
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of "
                             f"length {len(self)}")
        start = self.cumulative_sizes[dataset_idx - 1] if dataset_idx > 0 else 0
        return self.datasets[dataset_idx][idx - start]


class ChainDataset(IterableDataset):
    """Iterate several iterable datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order.

    Args:
        dataset (Dataset): the full dataset.
        indices (sequence of int): the indices to keep.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        """A batch of samples: through the dataset's own __getitems__ when it has one."""
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping random `Subset`s.

    Args:
        dataset (Dataset): the dataset to split.
        lengths (sequence): the sizes of the parts, or fractions summing to 1 (the
            remainder of `floor(n * frac)` is handed out round-robin, like torch).
        generator (Generator, optional): source of the permutation; default: the global
            generator seeded by `minitorch.manual_seed`.

    >>> train, val = random_split(range(10), [0.8, 0.2], generator=Generator().manual_seed(0))
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * frac)))
        remainder = n - sum(counts)
        for i in range(remainder):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              f"This might result in an empty dataset.", stacklevel=2)
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _rng(generator).permutation(n).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return out


__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "ChainDataset",
           "Subset", "random_split"]
