"""Data for the reference programs, read with NumPy (no torchvision needed).

The twin of examples/_data.py: both read the same files -- the embedded MNIST subset
(minitorch/data/mnist_5k.npz), MNIST's IDX files, CIFAR-10's pickled batches -- and build
the same tensors, so `examples/X.py` and `reference/X.py` train on identical data.

Every function returns `(train_set, test_set, name)`; the programs never look inside.
The images are converted to float tensors once, up front (what transforms.ToTensor() and
Normalize do per item), so an epoch times the training, not PIL.
"""
from __future__ import annotations

import gzip
import os
import pickle

import numpy as np

import torch
from torch.utils.data import TensorDataset

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
SUBSET_NPZ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "minitorch", "data",
                          "mnist_5k.npz")
SUBSET_TRAIN = 4000  # rows [:4000] of the subset are the training split, [4000:] the test split
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


def _read_idx(path):
    """An IDX file (MNIST's format: 0 0 type ndim, big-endian uint32 dims, data) as an array."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape).copy()


def _mnist_file(root, name):
    path = os.path.join(root, "MNIST", "raw", name)
    return path if os.path.exists(path) else path + ".gz"


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
            with np.load(SUBSET_NPZ) as f:
                rows = slice(None, SUBSET_TRAIN) if train else slice(SUBSET_TRAIN, None)
                images, labels = f["images"][rows], f["labels"][rows]
        else:
            prefix = "train" if train else "t10k"
            images = _read_idx(_mnist_file(root, f"{prefix}-images-idx3-ubyte"))
            labels = _read_idx(_mnist_file(root, f"{prefix}-labels-idx1-ubyte"))
        sets.append(_as_dataset(images, labels.astype(np.int64)))
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
    for names in (CIFAR10_FILES[:5], ["test_batch"]):
        images, labels = [], []
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                batch = pickle.load(f, encoding="latin1")
            images.append(np.asarray(batch["data"], np.uint8).reshape(-1, 3, 32, 32))
            labels.append(np.asarray(batch["labels"], np.int64))
        hwc = np.concatenate(images).transpose(0, 2, 3, 1)  # like CIFAR10.data: (N, 32, 32, 3)
        sets.append(_as_dataset(hwc, np.concatenate(labels), normalize=True))
    return sets[0], sets[1], "cifar10"


def save_image(tensor, path, nrow=8, padding=2):
    """torchvision.utils.save_image for (B, C, H, W) images in [0, 1]: a grid PNG."""
    from PIL import Image

    x = tensor.detach().cpu().clamp(0, 1)
    b, c, h, w = x.shape
    ncol = min(nrow, b)
    nrows = (b + ncol - 1) // ncol
    grid = torch.zeros(c, nrows * (h + padding) + padding, ncol * (w + padding) + padding)
    for i in range(b):
        top, left = (i // ncol) * (h + padding) + padding, (i % ncol) * (w + padding) + padding
        grid[:, top:top + h, left:left + w] = x[i]
    pixels = grid.mul(255).add(0.5).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    Image.fromarray(pixels[:, :, 0] if c == 1 else pixels).save(path)
