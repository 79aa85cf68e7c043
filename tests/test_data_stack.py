"""StackDataset against torch.utils.data.StackDataset: tuple and dict stacking, batched
fetching through __getitems__, the DataLoader, and torch's errors."""
import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import minitorch
from minitorch.utils import data


class Squares:
    """A map-style dataset without __getitems__ (the per-index fallback)."""

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return 5


class Batched(Squares):
    """A dataset with its own batch fetch; `short` returns one sample too few."""

    def __init__(self, short=False):
        self.short, self.calls = short, 0

    def __getitems__(self, indices):
        self.calls += 1
        items = [-i for i in indices]
        return items[:-1] if self.short else items


@pytest.mark.parametrize("lib", [data, tdata])
def test_tuple_and_dict_stacking_like_torch(lib):
    letters = list("abcde")
    stack = lib.StackDataset(Squares(), letters)
    assert len(stack) == 5 and stack[3] == (9, "d")
    named = lib.StackDataset(sq=Squares(), letter=letters)
    assert named[2] == {"sq": 4, "letter": "c"}
    assert isinstance(named.datasets, dict) and isinstance(stack.datasets, tuple)


@pytest.mark.parametrize("named", [False, True])
def test_getitems_matches_torch(named):
    indices = [4, 0, 2]
    results = []
    for lib in (data, tdata):
        batched = Batched()
        parts = dict(a=Squares(), b=batched, c=list("vwxyz"))
        stack = lib.StackDataset(**parts) if named else lib.StackDataset(*parts.values())
        results.append(stack.__getitems__(indices))
        assert batched.calls == 1  # fetched in one call, not index by index
    assert results[0] == results[1]


def test_tensor_datasets_through_the_dataloader():
    """Batches of a dict stack collate per key, as torch's DataLoader does."""
    x, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    batches = []
    for lib, d in ((minitorch, data), (torch, tdata)):
        stack = d.StackDataset(x=d.TensorDataset(lib.tensor(x)), y=d.TensorDataset(lib.tensor(y)))
        batches.append([{k: [t.numpy() for t in v] for k, v in b.items()}
                        for b in d.DataLoader(stack, batch_size=4)])
    assert len(batches[0]) == len(batches[1]) == 2
    for mb, tb in zip(*batches):
        assert mb.keys() == tb.keys()
        for k in tb:
            np.testing.assert_array_equal(mb[k][0], tb[k][0])


@pytest.mark.parametrize("make, message", [
    (lambda lib: lib.StackDataset(), "At least one dataset should be passed"),
    (lambda lib: lib.StackDataset([1, 2], b=[3, 4]), "but both types are given"),
    (lambda lib: lib.StackDataset([1, 2], [3]), "Size mismatch between datasets"),
    (lambda lib: lib.StackDataset(a=[1, 2], b=[3]), "Size mismatch between datasets"),
    (lambda lib: lib.StackDataset(Batched(short=True)).__getitems__([0, 1]),
     "Nested dataset's output size mismatch. Expected 2, got 1"),
])
def test_errors_match_torch(make, message):
    for lib in (data, tdata):
        with pytest.raises(ValueError, match=message):
            make(lib)
