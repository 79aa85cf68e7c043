"""The batched fetch (`__getitems__`, torch 2.x's DataLoader calls it for a whole batch):
TensorDataset, Subset and the MNIST/CIFAR datasets give exactly the samples that
`[ds[i] for i in indices]` gives, and the DataLoader the same batches; pin_memory warns as
torch does."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata
from hypothesis import given
from hypothesis import strategies as st
from test_vision import write_cifar

import minitorch
from minitorch.utils import data
from minitorch.vision import datasets, transforms


def _same_samples(batched, single):
    assert len(batched) == len(single)
    for got, want in zip(batched, single):
        assert type(got) is type(want)
        if isinstance(want, tuple):
            _same_samples(list(got), list(want))
        elif isinstance(want, minitorch.Tensor):
            assert got.dtype == want.dtype and got.shape == want.shape
            assert minitorch.equal(got, want)
        else:
            assert got == want


@given(indices=st.lists(st.integers(-12, 11), max_size=8))
def test_tensor_dataset_getitems_is_the_per_sample_list(indices):
    x = minitorch.randn(12, 2, 3)
    ds = data.TensorDataset(x, minitorch.arange(12), minitorch.randn(12) > 0)
    _same_samples(ds.__getitems__(indices), [ds[i] for i in indices])


def test_tensor_dataset_getitems_other_indices_and_errors_like_per_sample():
    ds = data.TensorDataset(minitorch.arange(5))
    indices = [np.int64(1), minitorch.tensor(2)]  # not Python ints: the per-sample path
    _same_samples(ds.__getitems__(indices), [ds[i] for i in indices])
    with pytest.raises(IndexError):
        ds.__getitems__([0, 5])
    assert data.TensorDataset().__getitems__([]) == []


def test_subset_fetches_through_the_datasets_getitems():
    calls = []

    class Batched(data.TensorDataset):
        def __getitems__(self, indices):
            calls.append(list(indices))
            return super().__getitems__(indices)

    ds = Batched(minitorch.arange(10) * 10)
    sub = data.Subset(ds, [9, 3, 5, 1])
    _same_samples(sub.__getitems__([0, 2]), [sub[0], sub[2]])
    assert calls == [[9, 5]]
    plain = data.Subset(list(range(10, 20)), [4, 2])  # a list has no __getitems__
    assert plain.__getitems__([1, 0]) == [12, 14]


def test_loader_batches_equal_torchs_with_the_batched_fetch():
    x = np.random.default_rng(0).standard_normal((23, 3)).astype(np.float32)
    y = np.arange(23)
    ours = data.DataLoader(data.TensorDataset(minitorch.tensor(x), minitorch.tensor(y)),
                           batch_size=5)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                              batch_size=5)
    for (mx, my), (tx, ty) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(mx.numpy(), tx.numpy())
        np.testing.assert_array_equal(my.numpy(), ty.numpy())
        assert mx.dtype == minitorch.float32 and my.dtype == minitorch.int64


TRANSFORMS = {
    "none": None,
    "to_tensor": transforms.ToTensor(),
    "normalize": transforms.Compose([transforms.ToTensor(),
                                     transforms.Normalize((0.1307,), (0.3081,))]),
    "normalize_inplace_twice": transforms.Compose([
        transforms.ToTensor(), transforms.Normalize((0.5,), (0.25,), inplace=True),
        transforms.Normalize((1.0,), (2.0,))]),
    "other": transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda t: t * 2)]),
}


def _as_comparable(samples):
    """PIL images -> arrays, so per-sample and batched results compare."""
    return [(np.array(img) if not isinstance(img, minitorch.Tensor) else img, label)
            for img, label in samples]


@pytest.mark.parametrize("name", TRANSFORMS)
def test_mnist_getitems_is_the_per_sample_list(name):
    ds = datasets.MNISTSubset(train=False, transform=TRANSFORMS[name])
    indices = [0, 999, 17, -3, 17]
    batched, single = ds.__getitems__(indices), [ds[i] for i in indices]
    if name == "none":
        batched, single = _as_comparable(batched), _as_comparable(single)
        for (a, la), (b, lb) in zip(batched, single):
            assert np.array_equal(a, b) and la == lb and type(la) is int
    else:
        _same_samples(batched, single)


def test_mnist_getitems_applies_the_target_transform_and_loader_uses_it():
    ds = datasets.MNISTSubset(train=False, transform=TRANSFORMS["normalize"],
                              target_transform=lambda t: t + 100)
    indices = [5, 6, 7]
    _same_samples(ds.__getitems__(indices), [ds[i] for i in indices])

    class PerSample(data.Dataset):  # the same samples, without __getitems__
        __getitem__, __len__ = ds.__getitem__, ds.__len__

    loaded = []
    for dataset in (ds, PerSample()):
        minitorch.manual_seed(3)
        loaded.append(list(data.DataLoader(dataset, batch_size=64, shuffle=True)))
    for (x, y), (x_ref, y_ref) in zip(*loaded, strict=True):
        assert minitorch.equal(x, x_ref) and minitorch.equal(y, y_ref)


@pytest.mark.parametrize("name", ["to_tensor", "normalize_rgb", "other"])
def test_cifar_getitems_is_the_per_sample_list(tmp_path, name):
    write_cifar(tmp_path)
    transform = (transforms.Compose([transforms.ToTensor(), transforms.Normalize(
        (0.5, 0.4, 0.3), (0.2, 0.25, 0.3))]) if name == "normalize_rgb" else TRANSFORMS[name])
    ds = datasets.CIFAR10(tmp_path, train=True, transform=transform)
    indices = [19, 0, 7, -1]
    _same_samples(ds.__getitems__(indices), [ds[i] for i in indices])


def test_pin_memory_warns_like_torch():
    messages = []
    for lib in (data, tdata):
        dataset = (data.TensorDataset(minitorch.arange(4)) if lib is data
                   else tdata.TensorDataset(torch.arange(4)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            next(iter(lib.DataLoader(dataset, batch_size=2, pin_memory=True,
                                     pin_memory_device="cpu")))
        messages.append([str(w.message) for w in caught])
    if minitorch.accelerator.is_available() != torch.accelerator.is_available():
        pytest.skip("the warnings differ only in whether an accelerator is there")
    assert messages[0] == messages[1] and messages[0]


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float32", "float64"),
                                    ("int64", "float32")])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_default_collate_of_tensors_is_torchs_stack(dtypes, requires_grad):
    """Samples needing no gradient are stacked from their arrays directly; the result
    (values, dtype, graph) is what torch's default_collate gives in every case."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3)).astype(d) for d in dtypes]
    results = []
    for lib, collate in ((minitorch, data.default_collate),
                         (torch, tdata.default_collate)):
        samples = [lib.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f")
                   for a in arrays]
        out = collate(samples)
        assert (out.grad_fn is not None) == any(s.requires_grad for s in samples)
        results.append(out)
    assert str(results[0].dtype).split(".")[1] == str(results[1].dtype).split(".")[1]
    np.testing.assert_array_equal(results[0].detach().numpy(), results[1].detach().numpy())
