"""Fuzzing the dataset readers with damaged files (300 cases each): MNIST's IDX files
(raw and gzipped), CIFAR's pickle batches (restricted unpickler) and ImageFolder images.

Each reader must either load the damaged file or raise its error type (RuntimeError,
OSError for images) naming the file; never a NumPy/struct/zlib/pickle error of its own,
never a hang. Files are small and made here in the real formats: nothing is downloaded.
"""
import gzip
import io
import pickle
import random
import struct

import numpy as np
import pytest
from fuzz_helpers import fails_if_slower_than, mutate_bytes, seeds
from hypothesis import HealthCheck, given, settings
from PIL import Image

from minitorch.vision import datasets

FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def idx_bytes(array):
    code = {np.uint8: 0x08, np.int32: 0x0C, np.float32: 0x0D}[array.dtype.type]
    big = array.astype(array.dtype.newbyteorder(">"))
    return bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) \
        + big.tobytes()


@pytest.fixture(scope="module")
def mnist_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 6, 5), dtype=np.uint8)
    labels = np.array([3, 0, 9], dtype=np.uint8)
    files = {"train-images-idx3-ubyte": idx_bytes(images),
             "train-labels-idx1-ubyte": idx_bytes(labels)}
    for name, data in files.items():
        (raw / name).write_bytes(data)
    return root, raw, files, images, labels


def check_mnist(root, raw, files, images, labels, seed):
    rng = random.Random(seed)
    name = rng.choice(sorted(files))
    zipped = rng.random() < 0.3
    data = gzip.compress(files[name], mtime=0) if zipped else files[name]
    damaged = mutate_bytes(rng, data)
    path = raw / (name + ".gz" if zipped else name)
    path.write_bytes(damaged)
    try:
        with fails_if_slower_than(20):
            ds = datasets.MNIST(root, train=True)
    except RuntimeError as exc:
        assert str(path) in str(exc), str(exc)
        return "refused"
    finally:
        path.unlink()
        (raw / name).write_bytes(files[name])
    assert ds.data.dtype.__str__().endswith("uint8") and ds.data.dim() == 3
    assert len(ds.data) == len(ds.targets)
    assert all(0 <= int(t) < 10 for t in ds.targets)
    return "loaded"


@FUZZ
@given(seeds)
def test_mnist_idx_reader_on_damaged_files(mnist_root, seed):
    check_mnist(*mnist_root, seed)


def test_mnist_reader_refuses_shapes_that_wrap_round(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    # 2**32 - 1 cubed overflows int64 in np.prod; shapes past NumPy's dimension limit
    for header in (bytes([0, 0, 8, 3]) + struct.pack(">3I", *[2**32 - 1] * 3),
                   bytes([0, 0, 8, 40]) + struct.pack(">40I", *[1] * 40)):
        (raw / "train-images-idx3-ubyte").write_bytes(header + b"\0" * 7)
        (raw / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(1, np.uint8)))
        with pytest.raises(RuntimeError, match="train-images-idx3-ubyte"):
            datasets.MNIST(tmp_path)
    (raw / "train-images-idx3-ubyte").write_bytes(gzip.compress(b"x" * 50)[:-6])
    (raw / "train-images-idx3-ubyte").rename(raw / "train-images-idx3-ubyte.gz")
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte.gz.*gzip"):
        datasets.MNIST(tmp_path)


# ---- CIFAR ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cifar_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("cifar")
    folder = root / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    batch = pickle.dumps({"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8),
                          "labels": [1, 7], "batch_label": "test"})
    meta = pickle.dumps({"label_names": [f"class{i}" for i in range(10)]})
    for name in ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                 "data_batch_5", "test_batch"]:
        (folder / name).write_bytes(batch)
    (folder / "batches.meta").write_bytes(meta)
    return root, folder, {"test_batch": batch, "batches.meta": meta}


@FUZZ
@given(seeds)
def test_cifar_reader_on_damaged_batches(cifar_root, seed):
    root, folder, files = cifar_root
    rng = random.Random(seed)
    name = rng.choice(sorted(files))
    path = folder / name
    path.write_bytes(mutate_bytes(rng, files[name]))
    try:
        with fails_if_slower_than(20):
            ds = datasets.CIFAR10(root, train=False)
    except RuntimeError as exc:
        assert str(path) in str(exc), str(exc)
        return
    finally:
        path.write_bytes(files[name])
    assert ds.data.shape[1:] == (32, 32, 3) and ds.data.dtype == np.uint8
    assert len(ds.data) == len(ds.targets) and len(ds.classes) == 10
    assert all(type(t) is int and 0 <= t < 10 for t in ds.targets)


def test_cifar_reader_refuses_arrays_it_did_not_ask_for(cifar_root):
    """numpy.ndarray named by the file is only usable through _reconstruct: a pickle that
    calls ndarray(shape) itself (a terabyte allocation) is refused."""
    root, folder, files = cifar_root
    evil = b"\x80\x04cnumpy\nndarray\n(\x8a\x06\x00\x00\x00\x00\x00\x01tR."  # 2**40
    path = folder / "test_batch"
    path.write_bytes(evil)
    try:
        with pytest.raises(RuntimeError, match="test_batch.*may not construct"):
            datasets.CIFAR10(root, train=False)
    finally:
        path.write_bytes(files["test_batch"])


# ---- ImageFolder ------------------------------------------------------------------------
def image_bytes(fmt):
    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (8, 8, 3), np.uint8))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


IMAGES = {fmt: image_bytes(fmt) for fmt in ("PNG", "BMP", "JPEG", "TIFF")}


@pytest.fixture
def small_pixel_limit():
    # a damaged header can claim a huge image: keep PIL's bomb check near the test size
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, 4096
    yield
    Image.MAX_IMAGE_PIXELS = limit


@pytest.fixture(scope="module")
def image_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    for cls in ("cat", "dog"):
        (root / cls).mkdir()
    (root / "dog" / "ok.png").write_bytes(IMAGES["PNG"])
    return root


@pytest.mark.filterwarnings("ignore::UserWarning")  # PIL's notes on corrupt TIFF tags
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@FUZZ
@given(seeds)
def test_image_folder_on_damaged_images(image_root, small_pixel_limit, seed):
    rng = random.Random(seed)
    fmt = rng.choice(sorted(IMAGES))
    path = image_root / "cat" / f"img.{fmt.lower()}"
    path.write_bytes(mutate_bytes(rng, IMAGES[fmt]))
    try:
        ds = datasets.ImageFolder(image_root)
        with fails_if_slower_than(20):
            img, target = ds[0]
        assert img.mode == "RGB" and target == 0
    except OSError as exc:
        assert str(path) in str(exc), str(exc)
    finally:
        path.unlink()


def test_image_folder_names_a_corrupt_file(tmp_path):
    (tmp_path / "cat").mkdir()
    bad = tmp_path / "cat" / "broken.png"
    bad.write_bytes(IMAGES["PNG"][:40])  # truncated inside the image data
    ds = datasets.ImageFolder(tmp_path)
    with pytest.raises(OSError, match="broken.png") as info:
        ds[0]
    assert info.value.__cause__ is not None  # PIL's own error is kept as the cause
