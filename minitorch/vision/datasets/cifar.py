"""CIFAR-10 and CIFAR-100 from the "python version" pickle batches.

Folder layout: `root/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}`.
Each batch is a pickled dict `{"data": uint8 array (N, 3072), "labels": [int] * N, ...}`,
the 3072 values being the R, G, then B planes of a 32x32 image.

The batches are read with a restricted unpickler that builds only dicts, lists, strings,
bytes, numbers and numpy arrays: a file that names any other class or function is
rejected, so a tampered dataset cannot run code. The structure (keys, dtypes, shapes,
label range) is checked on load; MD5 sums are checked only when downloading.
"""
from __future__ import annotations

import io
import os
import pickle
import struct

import numpy as np
from PIL import Image

from . import _download
from .vision import VisionDataset

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct


def _safe_dtype(*args):
    dtype = np.dtype(*args)
    if dtype.hasobject:
        raise pickle.UnpicklingError("object arrays are not allowed in a CIFAR batch")
    return dtype


class _NdarrayType:
    """Stands in for `numpy.ndarray` while unpickling: only `_safe_reconstruct` accepts
    it, so a file cannot call `ndarray(shape)` itself (e.g. to allocate terabytes)."""

    def __new__(cls, *args, **kwargs):
        raise pickle.UnpicklingError("a CIFAR batch may not construct numpy.ndarray "
                                     "directly")


def _safe_reconstruct(subtype, shape, typecode):
    # numpy pickles an array as _reconstruct(ndarray, (0,), b'b') followed by its state
    if subtype is not _NdarrayType or tuple(shape) != (0,):
        raise pickle.UnpicklingError("a CIFAR batch may only hold plain numpy arrays")
    return _reconstruct(np.ndarray, (0,), typecode)


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickle only plain containers and numpy arrays (what CIFAR batches hold)."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _safe_reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _safe_reconstruct,
        ("numpy", "ndarray"): _NdarrayType,
        ("numpy", "dtype"): _safe_dtype,
    }

    def find_class(self, module, name):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to unpickle the global '{module}.{name}': a CIFAR batch may only "
                "contain dicts, lists, strings, numbers and numpy arrays") from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent ids are not allowed in a CIFAR batch")


def load_batch(path):
    """Read one CIFAR pickle batch as a dict with str keys (restricted unpickling).

    A corrupt or tampered file raises RuntimeError naming the file, whatever part of
    the pickle machinery noticed (the unpickler raises a dozen exception types).
    """
    with open(path, "rb") as f:
        data = f.read()  # a bad length field then reads past the end, not a huge read()
    # (a bad array shape can still ask NumPy for a huge block: MemoryError, caught below)
    try:
        entry = _RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()
    except pickle.UnpicklingError as exc:
        raise RuntimeError(f"{path}: {exc}") from None
    except (EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            OverflowError, RecursionError, MemoryError, struct.error) as exc:
        raise RuntimeError(f"{path} is not a valid CIFAR pickle batch "
                           f"({type(exc).__name__}: {exc})") from None
    if not isinstance(entry, dict):
        raise RuntimeError(f"{path}: expected a pickled dict, got {type(entry).__name__}")
    return {(k.decode("latin1") if isinstance(k, bytes) else k): v for k, v in entry.items()}


class CIFAR10(VisionDataset):
    """CIFAR-10: 32x32 colour images in 10 classes (50,000 train / 10,000 test).

    Args:
        root (str): directory holding `cifar-10-batches-py/` (created by download=True).
        train (bool): the five training batches if True, else the test batch.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the int label.
        download (bool): fetch and extract the archive (MD5-checked) if files are missing.

    Attributes:
        data (np.ndarray): uint8 images, shape (N, 32, 32, 3) (HWC, like torchvision).
        targets (list of int): the labels.
        classes (list of str): the class names from `batches.meta`.

    >>> ds = CIFAR10("data", train=True, download=True, transform=transforms.ToTensor())
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names",
            "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    labels_key = "labels"
    num_classes = 10

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        missing = [name for name in self._all_files()
                   if not os.path.isfile(os.path.join(self._folder, name))]
        if missing:
            raise RuntimeError(
                f"Dataset not found: {type(self).__name__} expects {', '.join(missing)} in "
                f"{self._folder} (the 'python version' of the dataset). Use download=True "
                f"to fetch {self.url} (MD5-checked), or extract that archive into "
                f"{self.root} yourself.")
        images, self.targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            path = os.path.join(self._folder, name)
            data, labels = self._check_batch(path, load_batch(path))
            images.append(data)
            self.targets.extend(labels)
        self.data = np.concatenate(images).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        self._load_meta()

    @property
    def _folder(self):
        return os.path.join(self.root, self.base_folder)

    def _all_files(self):
        return [n for n, _ in self.train_list + self.test_list] + [self.meta["filename"]]

    def _check_batch(self, path, entry):
        data = entry.get("data")
        labels = entry.get(self.labels_key)
        if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
                or data.shape[1] != 3072:
            got = (f"{data.dtype} array of shape {data.shape}"
                   if isinstance(data, np.ndarray) else type(data).__name__)
            raise RuntimeError(f"{path}: 'data' must be a uint8 array of shape (N, 3072), "
                               f"got {got}")
        is_sequence = isinstance(labels, list) or (isinstance(labels, np.ndarray)
                                                   and labels.ndim == 1)
        if not is_sequence or len(labels) != len(data):
            raise RuntimeError(f"{path}: '{self.labels_key}' must be a list of "
                               f"{len(data)} labels, got {type(labels).__name__}"
                               + (f" of length {len(labels)}" if is_sequence else ""))
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                   and 0 <= v < self.num_classes for v in labels):
            raise RuntimeError(f"{path}: labels must be integers in [0, {self.num_classes})")
        labels = [int(v) for v in labels]
        return data, labels

    def _load_meta(self):
        path = os.path.join(self._folder, self.meta["filename"])
        names = load_batch(path).get(self.meta["key"])
        if not isinstance(names, list) or len(names) != self.num_classes or \
                not all(isinstance(n, (str, bytes)) for n in names):
            raise RuntimeError(f"{path}: '{self.meta['key']}' must be a list of "
                               f"{self.num_classes} class names")
        self.classes = [n.decode("latin1") if isinstance(n, bytes) else n for n in names]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        """Returns (PIL Image of mode 'RGB', int label), after the transforms."""
        return self._apply(Image.fromarray(self.data[index]), self.targets[index])

    def __getitems__(self, indices):
        """The samples at `indices` (the DataLoader's batched fetch); see `_batch`."""
        return self._batch(indices, self.data, self.targets)

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        md5s = self.train_list + self.test_list + [[self.meta["filename"], self.meta["md5"]]]
        return all(_download.check_integrity(os.path.join(self._folder, n), md5)
                   for n, md5 in md5s)

    def download(self):
        """Download and extract the archive unless verified files are already there."""
        if self._check_integrity():
            return
        _download.download_and_extract_archive(self.url, self.root, filename=self.filename,
                                               md5=self.tgz_md5)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100: like CIFAR10 with 100 fine classes (`root/cifar-100-python/`)."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names",
            "md5": "7973b15100ade9c7d40fb424638fde48"}
    labels_key = "fine_labels"
    num_classes = 100


__all__ = ["CIFAR10", "CIFAR100", "load_batch"]
