"""minitorch.utils.data against torch.utils.data: datasets, samplers, collate, DataLoader."""
import collections
import os
import pickle

import numpy as np
import pytest
import torch
import torch.utils.data as tdata
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch.utils import data
from minitorch.utils.data import _worker


@pytest.fixture
def fast_worker_checks(monkeypatch):
    """Poll worker liveness every 0.2 s instead of 5 s so failure tests finish fast."""
    monkeypatch.setattr(_worker, "MP_STATUS_CHECK_INTERVAL", 0.2)


def as_list(t):
    return np.asarray(t).tolist()


# ---- datasets ------------------------------------------------------------------------------
def test_tensor_dataset_items_and_len():
    x, y = minitorch.arange(12).reshape(6, 2).float(), minitorch.arange(6)
    ds = data.TensorDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    assert as_list(xi) == [8.0, 9.0] and yi.item() == 4


def test_tensor_dataset_size_mismatch_is_torchs_error():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        data.TensorDataset(minitorch.zeros(3), minitorch.zeros(4))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        tdata.TensorDataset(torch.zeros(3), torch.zeros(4))


class Range(data.Dataset):
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i + self.offset


def test_concat_via_add_and_negative_index():
    ds = Range(3) + Range(4, offset=100)
    assert isinstance(ds, data.ConcatDataset)
    assert len(ds) == 7 and ds.cumulative_sizes == [3, 7]
    assert [ds[i] for i in range(7)] == [0, 1, 2, 100, 101, 102, 103]
    assert ds[-1] == 103 and ds[-7] == 0
    with pytest.raises(ValueError):
        ds[-8]


def test_subset_and_random_split_lengths_and_fractions():
    sub = data.Subset(Range(10), [7, 2, 5])
    assert [sub[i] for i in range(len(sub))] == [7, 2, 5]
    for lengths in ([3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.5]):
        ours = data.random_split(Range(11 if lengths == [0.5, 0.5] else 10), lengths,
                                 generator=minitorch.Generator().manual_seed(0))
        theirs = tdata.random_split(range(11 if lengths == [0.5, 0.5] else 10), lengths,
                                    generator=torch.Generator().manual_seed(0))
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        everything = sorted(i for s in ours for i in s.indices)
        assert everything == list(range(sum(len(s) for s in ours)))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        data.random_split(Range(10), [3, 3])


def test_random_split_is_deterministic_given_a_generator():
    a = data.random_split(Range(20), [10, 10], generator=minitorch.Generator().manual_seed(3))
    b = data.random_split(Range(20), [10, 10], generator=minitorch.Generator().manual_seed(3))
    assert a[0].indices == b[0].indices
    minitorch.manual_seed(1)
    c = data.random_split(Range(20), [10, 10])
    minitorch.manual_seed(1)
    d = data.random_split(Range(20), [10, 10])
    assert c[1].indices == d[1].indices


# ---- samplers ------------------------------------------------------------------------------
def test_samplers():
    assert list(data.SequentialSampler(range(4))) == [0, 1, 2, 3]
    perm = list(data.RandomSampler(range(10), generator=minitorch.Generator().manual_seed(0)))
    assert sorted(perm) == list(range(10))
    long = list(data.RandomSampler(range(4), num_samples=10))
    assert len(long) == 10
    assert sorted(long[:4]) == sorted(long[4:8]) == [0, 1, 2, 3]
    repl = list(data.RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(repl) == 50 and set(repl) <= {0, 1, 2}
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        data.RandomSampler(range(3), num_samples=0)
    assert sorted(data.SubsetRandomSampler([5, 9, 11])) == [5, 9, 11]
    weighted = list(data.WeightedRandomSampler([0.0, 1.0, 3.0], 100))
    assert len(weighted) == 100 and 0 not in weighted
    with pytest.raises(RuntimeError):
        data.WeightedRandomSampler([1.0, 0.0], 2, replacement=False)


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_matches_torch(drop_last):
    ours = data.BatchSampler(data.SequentialSampler(range(10)), 3, drop_last)
    theirs = tdata.BatchSampler(tdata.SequentialSampler(range(10)), 3, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        data.BatchSampler(range(3), 0, False)


# ---- collate -------------------------------------------------------------------------------
Point = collections.namedtuple("Point", "x y")


def _same(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, minitorch.Tensor)
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(np.asarray(ours), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t)
    else:
        assert ours == theirs


@pytest.mark.parametrize("batch", [
    [1.5, 2.0, -3.0],                               # floats -> float64
    [1, 2, 3],                                      # ints -> int64
    [True, False],                                  # bools -> bool
    ["a", "bc"],                                    # strings stay a list
    [np.arange(6, dtype=np.float32).reshape(2, 3)] * 2,
    [np.int32(4), np.int32(5)],
    [(np.zeros(2), 1, "x"), (np.ones(2), 2, "y")],  # tuples are transposed into lists
    [[1, 2.5], [3, 4.5]],
    [{"img": np.ones((2, 2), np.uint8), "label": 3},
     {"img": np.zeros((2, 2), np.uint8), "label": 4}],
    [collections.OrderedDict(a=1.0), collections.OrderedDict(a=2.0)],
    [Point(1, 2.0), Point(3, 4.0)],
])
def test_default_collate_matches_torch(batch):
    _same(data.default_collate(batch), tdata.default_collate(batch))


def test_default_collate_stacks_tensors_and_rejects_objects():
    out = data.default_collate([minitorch.ones(2, 3), minitorch.zeros(2, 3)])
    assert tuple(out.shape) == (2, 2, 3) and out.dtype == minitorch.float32
    with pytest.raises(TypeError, match="default_collate"):
        data.default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="equal size"):
        data.default_collate([[1, 2], [3]])


# ---- DataLoader ----------------------------------------------------------------------------
def test_linspace_batches_with_a_short_last_batch():
    # Morvan's tutorial: 10 points, batch 5 / batch 8 -> a short last batch
    x, y = minitorch.linspace(1, 10, 10), minitorch.linspace(10, 1, 10)
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=8)
    batches = list(loader)
    assert len(loader) == 2 and [len(b[0]) for b in batches] == [8, 2]
    np.testing.assert_array_equal(np.asarray(batches[1][1]), [2.0, 1.0])
    assert len(data.DataLoader(data.TensorDataset(x, y), batch_size=8, drop_last=True)) == 1


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True),
                                            (1, 4, False), (0, 2, False)])
def test_len_and_sequential_batches_match_torch(n, bs, drop_last):
    ours = data.DataLoader(Range(n), batch_size=bs, drop_last=drop_last)
    theirs = tdata.DataLoader(range(n), batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [as_list(b) for b in ours] == [b.tolist() for b in theirs]


def test_shuffle_is_seeded_and_reshuffles_each_epoch():
    loader = data.DataLoader(Range(30), batch_size=30, shuffle=True)
    minitorch.manual_seed(0)
    first, second = as_list(next(iter(loader))), as_list(next(iter(loader)))
    assert sorted(first) == list(range(30)) and first != second
    minitorch.manual_seed(0)
    assert as_list(next(iter(loader))) == first
    g = minitorch.Generator().manual_seed(7)
    a = [as_list(b) for b in data.DataLoader(Range(10), 4, shuffle=True, generator=g)]
    g.manual_seed(7)
    b = [as_list(b) for b in data.DataLoader(Range(10), 4, shuffle=True, generator=g)]
    assert a == b


def test_batch_size_none_and_batch_sampler_and_validation():
    assert [x for x in data.DataLoader(Range(3), batch_size=None)] == [0, 1, 2]
    loader = data.DataLoader(Range(6), batch_sampler=[[0, 5], [1]])
    assert [as_list(b) for b in loader] == [[0, 5], [1]]
    for kwargs in (dict(shuffle=True, sampler=[0]), dict(batch_sampler=[[0]], batch_size=2),
                   dict(num_workers=-1), dict(prefetch_factor=2),
                   dict(persistent_workers=True), dict(batch_size=None, drop_last=True)):
        with pytest.raises(ValueError):
            data.DataLoader(Range(3), **kwargs)
    loader = data.DataLoader(Range(3))
    with pytest.raises(ValueError, match="should not be set after"):
        loader.batch_size = 4


class Stream(data.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = data.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


def test_iterable_dataset_single_process():
    assert [as_list(b) for b in data.DataLoader(Stream(7), batch_size=3)] == \
        [[0, 1, 2], [3, 4, 5], [6]]
    with pytest.raises(ValueError, match="IterableDataset"):
        data.DataLoader(Stream(3), shuffle=True)


# ---- worker processes ----------------------------------------------------------------------
class WhoAmI(data.Dataset):
    """Each item reports the worker that fetched it and a random draw."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = data.get_worker_info()
        return {"i": i, "worker": -1 if info is None else info.id,
                "seed": -1 if info is None else info.seed,
                "draw": float(minitorch.rand(1).item())}


def test_workers_give_the_same_batches_as_the_main_process():
    ds = data.TensorDataset(minitorch.arange(23).float(), minitorch.arange(23))
    runs = []
    for workers in (0, 2):
        g = minitorch.Generator().manual_seed(5)
        loader = data.DataLoader(ds, batch_size=4, shuffle=True, num_workers=workers,
                                 generator=g)
        runs.append([[as_list(t) for t in b] for b in loader])
        assert isinstance(loader.__iter__().__next__()[0], minitorch.Tensor)
    assert runs[0] == runs[1] and len(runs[0]) == 6


def test_worker_info_seeds_and_round_robin():
    loader = data.DataLoader(WhoAmI(), batch_size=2, num_workers=2)
    batches = list(loader)
    assert [as_list(b["i"]) for b in batches] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert [as_list(b["worker"]) for b in batches] == [[0, 0], [1, 1], [0, 0], [1, 1]]
    seeds = [as_list(b["seed"])[0] for b in batches]
    assert seeds[1] == seeds[0] + 1 and seeds[2] == seeds[0]
    assert data.get_worker_info() is None


def test_worker_init_fn_and_persistent_workers():
    loader = data.DataLoader(WhoAmI(), batch_size=4, num_workers=2, persistent_workers=True,
                             worker_init_fn=lambda wid: minitorch.manual_seed(1000 + wid))
    epoch1 = [as_list(b["draw"]) for b in loader]
    first_iterator = loader._iterator
    epoch2 = [as_list(b["i"]) for b in loader]
    assert loader._iterator is first_iterator and not first_iterator._closed
    assert epoch2 == [[0, 1, 2, 3], [4, 5, 6, 7]]
    minitorch.manual_seed(1000)
    assert epoch1[0][0] == pytest.approx(minitorch.rand(1).item())
    first_iterator._shutdown()
    assert not any(w.is_alive() for w in first_iterator._workers)


def test_iterable_dataset_with_workers_yields_everything():
    got = [as_list(b) for b in data.DataLoader(Stream(9), batch_size=2, num_workers=2)]
    assert sorted(v for b in got for v in b) == list(range(9))
    assert got[0] == [0, 2] and got[1] == [1, 3]


class Faulty(data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad sample {i}")
        return i


def test_worker_exception_names_worker_index_and_traceback(fast_worker_checks):
    loader = data.DataLoader(Faulty(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert as_list(next(it)) == [0, 1] and as_list(next(it)) == [2, 3]
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert "DataLoader worker process 0" in msg and "dataset index 5" in msg
    assert "Traceback (most recent call last)" in msg and "bad sample 5" in msg
    assert "__getitem__" in msg
    assert as_list(next(it)) == [6, 7]  # the iterator survives, like torch's
    it._shutdown()


def test_main_process_exception_is_the_original():
    with pytest.raises(ValueError, match="bad sample 5"):
        list(data.DataLoader(Faulty(), batch_size=2))


class Dies(data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        os._exit(3)


def test_dead_worker_raises_instead_of_hanging(fast_worker_checks):
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(data.DataLoader(Dies(), batch_size=1, num_workers=2))


class Slow(data.Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        import time
        time.sleep(5)
        return i


def test_timeout(fast_worker_checks):
    loader = data.DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match="timed out after 0.3 seconds"):
        next(iter(loader))


class Unpicklable(data.Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return i

    @staticmethod
    def collate(batch):
        return lambda: batch  # lambdas can't be pickled back to the main process


def test_unpicklable_batch_becomes_an_error(fast_worker_checks):
    loader = data.DataLoader(Unpicklable(), batch_size=1, num_workers=1,
                             collate_fn=Unpicklable.collate)
    with pytest.raises(Exception, match="picklable"):
        next(iter(loader))


def test_tensors_pickle_round_trip():
    t = minitorch.arange(6).reshape(2, 3)
    back = pickle.loads(pickle.dumps(t))
    assert back.dtype == minitorch.int64 and as_list(back) == as_list(t)


# ---- property test: DataLoader batching equals torch's for any size --------------------


@given(n=st.integers(0, 40), bs=st.integers(1, 12), drop_last=st.booleans())
def test_batching_matches_torch_for_any_size(n, bs, drop_last):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    ours = data.DataLoader(data.TensorDataset(minitorch.from_numpy(x)), batch_size=bs,
                           drop_last=drop_last)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x)), batch_size=bs,
                              drop_last=drop_last)
    assert len(ours) == len(theirs)
    got = [as_list(b[0]) for b in ours]
    assert got == [b[0].tolist() for b in theirs]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_old_iterator_next_method_fails_like_torch(num_workers):
    # seed 003 calls `iter(loader).next()` (Python 2 style); torch names its iterator class
    for lib in (data, tdata):
        it = iter(lib.DataLoader([1, 2, 3], batch_size=2, num_workers=num_workers))
        with pytest.raises(AttributeError) as err:
            it.next()
        name = type(it).__name__
        assert f"'{name}' object has no attribute 'next'" in str(err.value)
        expected = "_SingleProcessDataLoaderIter" if num_workers == 0 else \
            "_MultiProcessingDataLoaderIter"
        assert name == expected
