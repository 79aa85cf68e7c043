"""Data for the example programs, read with minitorch.vision.

reference/_data.py is its twin in plain torch + NumPy (the reference programs run without
torchvision): both read the same files -- the embedded MNIST subset, MNIST's IDX files,
CIFAR-10's pickled batches -- and build the same tensors, so `examples/X.py` and
`reference/X.py` train on identical data.

Every function returns `(train_set, test_set, name)`; the programs never look inside.
The images are converted to float tensors once, up front (what transforms.ToTensor() and
Normalize do per item), so an epoch times the training, not PIL.
"""
from __future__ import annotations

import os

import numpy as np

import minitorch as torch
from minitorch.utils.data import TensorDataset
from minitorch.vision import datasets
from minitorch.vision.utils import save_image  # noqa: F401  (used by mnist_autoencoder.py)

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
CIFAR10_DIR = "cifar-10-batches-py"
CIFAR10_FILES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
CIFAR10_HELP = (
    "CIFAR-10 not found: expected {root}/cifar-10-batches-py/data_batch_1 ... test_batch.\n"
    "Get it with:\n"
    "  mkdir -p {root} && cd {root} && "
    "curl -LO https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz && "
    "tar xzf cifar-10-python.tar.gz\n"
    "or run with --data fake to try the program on random images.")


def mnist_files_present(root):
    """True if all four MNIST IDX files (optionally .gz) are in root/MNIST/raw/."""
    raw = os.path.join(root, "MNIST", "raw")
    return all(os.path.exists(os.path.join(raw, name)) or os.path.exists(
        os.path.join(raw, name + ".gz")) for name in MNIST_FILES)


def _fake_arrays(n, shape, num_classes, seed):
    """Random uint8 images and labels, the same on both sides for the same seed."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(n,) + shape, dtype=np.uint8),
            rng.integers(0, num_classes, size=n).astype(np.int64))


def _as_dataset(images, labels, normalize=False):
    """uint8 (N, H, W[, C]) -> TensorDataset of float32 (N, C, H, W) in [0, 1] (ToTensor),
    then (x - 0.5) / 0.5 if normalize (Normalize((0.5,)*C, (0.5,)*C))."""
    x = torch.from_numpy(np.ascontiguousarray(images)).float().div(255)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2).contiguous()
    if normalize:
        x = (x - 0.5) / 0.5
    return TensorDataset(x, torch.from_numpy(np.ascontiguousarray(labels)))


def _numpy(x):
    return x.numpy() if torch.is_tensor(x) else np.asarray(x)


def mnist(kind="auto", root="./data"):
    """MNIST (train, test, name). kind: auto (full MNIST if its files are under root, else
    the embedded 5k subset), mnist, subset or fake (random 28x28 digits)."""
    if kind == "auto":
        kind = "mnist" if mnist_files_present(root) else "subset"
    if kind == "mnist" and not mnist_files_present(root):
        raise FileNotFoundError(f"MNIST IDX files not found in {root}/MNIST/raw/")
    if kind == "fake":
        return (_as_dataset(*_fake_arrays(1000, (28, 28), 10, seed=1)),
                _as_dataset(*_fake_arrays(200, (28, 28), 10, seed=2)), "fake")
    sets = []
    for train in (True, False):
        if kind == "subset":
            ds = datasets.MNISTSubset(train=train)
        else:
            ds = datasets.MNIST(root, train=train)
        sets.append(_as_dataset(_numpy(ds.data), _numpy(ds.targets)))
    return sets[0], sets[1], kind


def cifar10(kind="cifar10", root="./data"):
    """CIFAR-10 (train, test, name), normalized to [-1, 1]; kind: cifar10 or fake.
    Raises FileNotFoundError with download instructions when the files are missing."""
    if kind == "fake":
        return (_as_dataset(*_fake_arrays(1000, (32, 32, 3), 10, seed=1), normalize=True),
                _as_dataset(*_fake_arrays(200, (32, 32, 3), 10, seed=2), normalize=True), "fake")
    folder = os.path.join(root, CIFAR10_DIR)
    if not all(os.path.exists(os.path.join(folder, name)) for name in CIFAR10_FILES):
        raise FileNotFoundError(CIFAR10_HELP.format(root=root))
    sets = []
    for train in (True, False):
        ds = datasets.CIFAR10(root, train=train)  # .data: uint8 (N, 32, 32, 3)
        sets.append(_as_dataset(_numpy(ds.data), _numpy(ds.targets).astype(np.int64),
                                normalize=True))
    return sets[0], sets[1], "cifar10"
