"""minitorch.vision: transforms, make_grid/save_image and datasets.

torchvision is not installed here, so transforms are checked against hand-computed
values (NumPy and PIL doing what torchvision's source does) and, for tensor math,
against torch itself. Datasets are built from tiny files in the real formats.
"""
import gzip
import os
import pickle
import struct

import numpy as np
import pytest
import torch
from PIL import Image

import minitorch
from minitorch.utils.data import DataLoader
from minitorch.vision import datasets, transforms, utils
from minitorch.vision.transforms import v2


def rgb_image(h=6, w=8, seed=0):
    arr = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    return Image.fromarray(arr), arr


def arr(t):
    return np.asarray(t)


# ---- conversions -----------------------------------------------------------------------
def test_to_tensor_pil_and_ndarray():
    img, a = rgb_image()
    out = transforms.ToTensor()(img)
    assert out.dtype == minitorch.float32 and tuple(out.shape) == (3, 6, 8)
    np.testing.assert_array_equal(arr(out), a.transpose(2, 0, 1).astype(np.float32)
                                  / np.float32(255))
    gray = transforms.ToTensor()(img.convert("L"))
    assert tuple(gray.shape) == (1, 6, 8)
    assert tuple(transforms.ToTensor()(a[:, :, 0]).shape) == (1, 6, 8)
    floats = np.random.default_rng(1).random((4, 5, 3))  # non-uint8 keeps values and dtype
    out = transforms.ToTensor()(floats)
    assert out.dtype == minitorch.float64
    np.testing.assert_array_equal(arr(out), floats.transpose(2, 0, 1))


def test_pil_to_tensor_and_back():
    img, a = rgb_image()
    t = transforms.PILToTensor()(img)
    assert t.dtype == minitorch.uint8
    np.testing.assert_array_equal(arr(t), a.transpose(2, 0, 1))
    back = transforms.ToPILImage()(t)
    assert back.mode == "RGB" and np.array_equal(np.array(back), a)
    back = transforms.ToPILImage()(transforms.ToTensor()(img))  # float: *255 truncated
    assert np.array_equal(np.array(back), a)
    assert transforms.ToPILImage()(minitorch.zeros(1, 3, 3)).mode == "L"


def test_normalize_matches_torch_math():
    x = np.random.default_rng(0).random((3, 4, 5), dtype=np.float32)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    out = transforms.Normalize(mean, std)(minitorch.from_numpy(x.copy()))
    expected = (torch.from_numpy(x) - torch.tensor(mean).view(-1, 1, 1)) \
        / torch.tensor(std).view(-1, 1, 1)
    assert out.dtype == minitorch.float32
    np.testing.assert_array_equal(arr(out), expected.numpy())
    t = minitorch.from_numpy(x.copy())
    assert transforms.Normalize(mean, std, inplace=True)(t) is t
    np.testing.assert_array_equal(arr(t), expected.numpy())
    with pytest.raises(TypeError, match="float tensor"):
        transforms.Normalize((0.5,), (0.5,))(minitorch.zeros(1, 2, 2, dtype=minitorch.uint8))
    with pytest.raises(ValueError, match="division by zero"):
        transforms.Normalize((0.5,), (0.0,))(minitorch.zeros(1, 2, 2))


def test_normalize_is_differentiable():
    x = minitorch.ones(1, 2, 2, requires_grad=True)
    transforms.Normalize((0.5,), (0.25,))(x).sum().backward()
    np.testing.assert_allclose(arr(x.grad), np.full((1, 2, 2), 4.0))


# ---- geometry --------------------------------------------------------------------------
def test_resize_pil_matches_pil_bilinear_and_shorter_edge_rule():
    img, _ = rgb_image(30, 40)
    out = transforms.Resize((10, 12))(img)
    assert out.size == (12, 10)
    assert np.array_equal(np.array(out), np.array(img.resize((12, 10), Image.BILINEAR)))
    assert transforms.Resize(15)(img).size == (20, 15)      # shorter edge -> 15
    assert transforms.Resize(16)(img).size == (21, 16)      # int(16 * 40 / 30) = 21
    assert transforms.Resize(10, max_size=12)(img).size == (12, 9)
    assert transforms.Resize(30)(img) is img
    near = transforms.Resize((7, 7), interpolation=transforms.InterpolationMode.NEAREST)(img)
    assert np.array_equal(np.array(near), np.array(img.resize((7, 7), Image.NEAREST)))


def test_resize_tensor_matches_torch_interpolate():
    x = np.random.default_rng(0).random((2, 3, 9, 13), dtype=np.float32)
    ours = transforms.Resize((5, 7))(minitorch.from_numpy(x))
    theirs = torch.nn.functional.interpolate(torch.from_numpy(x), size=(5, 7),
                                             mode="bilinear", antialias=True,
                                             align_corners=False)
    np.testing.assert_allclose(arr(ours), theirs.numpy(), atol=1e-5)
    near = transforms.Resize((5, 20), interpolation=transforms.InterpolationMode.NEAREST)(
        minitorch.from_numpy(x))
    np.testing.assert_array_equal(arr(near), torch.nn.functional.interpolate(
        torch.from_numpy(x), size=(5, 20), mode="nearest").numpy())


def test_center_crop_offsets_and_padding():
    img, a = rgb_image(7, 10)
    out = transforms.CenterCrop((4, 5))(img)
    top, left = int(round((7 - 4) / 2.0)), int(round((10 - 5) / 2.0))  # round half to even
    assert np.array_equal(np.array(out), a[top:top + 4, left:left + 5])
    t = transforms.CenterCrop((4, 5))(minitorch.from_numpy(a.transpose(2, 0, 1).copy()))
    np.testing.assert_array_equal(arr(t), a[top:top + 4, left:left + 5].transpose(2, 0, 1))
    big = transforms.CenterCrop(12)(minitorch.ones(1, 7, 10))
    expected = np.zeros((1, 12, 12), np.float32)
    expected[:, 2:9, 1:11] = 1  # torchvision pads [(12-10)//2, (12-7)//2, ...] then crops
    np.testing.assert_array_equal(arr(big), expected)
    np.testing.assert_array_equal(np.array(transforms.CenterCrop(12)(img.convert("L"))),
                                  expected[0] * np.array(img.convert("L").crop(
                                      (-1, -2, 11, 10))))


def test_random_crop_padding_and_determinism():
    img, a = rgb_image(6, 8)
    crop = transforms.RandomCrop(6, padding=2, fill=0)
    minitorch.manual_seed(0)
    first = np.array(crop(img))
    minitorch.manual_seed(0)
    assert np.array_equal(np.array(crop(img)), first)
    padded = np.zeros((10, 12, 3), np.uint8)
    padded[2:8, 2:10] = a
    windows = [padded[i:i + 6, j:j + 6] for i in range(5) for j in range(7)]
    assert any(np.array_equal(first, w) for w in windows)
    grown = transforms.RandomCrop((8, 9), pad_if_needed=True)(img)
    assert grown.size == (9, 8)
    with pytest.raises(ValueError, match="larger than input image"):
        transforms.RandomCrop(9)(img)
    t = transforms.RandomCrop(4, padding=(1, 2), padding_mode="reflect")(
        minitorch.from_numpy(a.transpose(2, 0, 1).copy()))
    assert tuple(t.shape) == (3, 4, 4)


def test_flips_and_grayscale():
    img, a = rgb_image()
    assert np.array_equal(np.array(transforms.RandomHorizontalFlip(1.0)(img)), a[:, ::-1])
    assert np.array_equal(np.array(transforms.RandomVerticalFlip(1.0)(img)), a[::-1])
    assert transforms.RandomHorizontalFlip(0.0)(img) is img
    t = minitorch.from_numpy(a.transpose(2, 0, 1).copy())
    np.testing.assert_array_equal(arr(transforms.RandomHorizontalFlip(1.0)(t)),
                                  a[:, ::-1].transpose(2, 0, 1))
    gray = transforms.Grayscale()(img)
    assert gray.mode == "L" and np.array_equal(np.array(gray), np.array(img.convert("L")))
    assert transforms.Grayscale(3)(img).mode == "RGB"
    f = a.transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    g = transforms.Grayscale()(minitorch.from_numpy(f))
    r, gr, b = (f[i] for i in range(3))
    expected = np.float32(0.2989) * r + np.float32(0.587) * gr + np.float32(0.114) * b
    np.testing.assert_array_equal(arr(g)[0], expected)


def test_compose_lambda_and_random_resized_crop():
    img, _ = rgb_image(20, 30)
    pipeline = transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor(),
                                   transforms.Normalize((0.5,) * 3, (0.5,) * 3),
                                   transforms.Lambda(lambda t: t * 2)])
    out = pipeline(img)
    assert tuple(out.shape) == (3, 32, 32) and -2.0 <= float(arr(out).min())
    assert "Resize" in repr(pipeline)
    assert transforms.RandomResizedCrop(8)(img).size == (8, 8)


def test_v2_to_image_and_to_dtype():
    img, a = rgb_image()
    image = v2.ToImage()(img)
    assert image.dtype == minitorch.uint8
    np.testing.assert_array_equal(arr(image), a.transpose(2, 0, 1))
    scaled = v2.ToDtype(minitorch.float32, scale=True)(image)
    np.testing.assert_array_equal(
        arr(scaled), a.transpose(2, 0, 1).astype(np.float32) * np.float32(1 / 255))
    assert v2.ToDtype(minitorch.float32)(image).numpy().max() == a.max()  # scale=False
    back = v2.ToDtype(minitorch.uint8, scale=True)(scaled)
    np.testing.assert_array_equal(arr(back), a.transpose(2, 0, 1))
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(minitorch.float32, scale=True),
                           v2.Normalize((0.5,) * 3, (0.5,) * 3)])
    assert tuple(pipeline(img).shape) == (3, 6, 8)
    assert transforms.v2 is v2


# ---- make_grid / save_image -------------------------------------------------------------
def test_make_grid_layout():
    batch = np.arange(5 * 3 * 2 * 2, dtype=np.float32).reshape(5, 3, 2, 2)
    grid = arr(utils.make_grid(minitorch.from_numpy(batch), nrow=3, padding=1, pad_value=-1))
    assert grid.shape == (3, 2 * 3 + 1, 3 * 3 + 1)
    for k in range(5):
        y, x = divmod(k, 3)
        np.testing.assert_array_equal(grid[:, 1 + 3 * y:3 + 3 * y, 1 + 3 * x:3 + 3 * x],
                                      batch[k])
    assert (grid[:, 4:6, 7:9] == -1).all()  # the empty sixth slot is padding
    one = arr(utils.make_grid(minitorch.ones(1, 1, 2, 2)))
    assert one.shape == (3, 2, 2)           # a single image: no padding, 3 channels


def test_make_grid_normalize():
    x = minitorch.from_numpy(np.array([[[[-2.0, 2.0]]], [[[0.0, 6.0]]]], np.float32))
    grid = arr(utils.make_grid(x, normalize=True, padding=0))
    np.testing.assert_allclose(grid[0], [[0.0, 0.5, 0.25, 1.0]])
    each = arr(utils.make_grid(x, normalize=True, scale_each=True, padding=0))
    np.testing.assert_allclose(each[0], [[0.0, 1.0, 0.0, 1.0]])
    ranged = arr(utils.make_grid(x, normalize=True, value_range=(0.0, 2.0), padding=0))
    np.testing.assert_allclose(ranged[0], [[0.0, 1.0, 0.0, 1.0]])


def test_save_image(tmp_path):
    x = np.random.default_rng(0).random((4, 3, 5, 5), dtype=np.float32)
    utils.save_image(minitorch.from_numpy(x), tmp_path / "grid.png", nrow=2, padding=0)
    saved = np.array(Image.open(tmp_path / "grid.png"))
    assert saved.shape == (10, 10, 3)
    expected = np.clip(x[0] * np.float32(255) + np.float32(0.5), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(saved[:5, :5], expected.transpose(1, 2, 0))


# ---- datasets -----------------------------------------------------------------------------
def write_idx(path, array, gz=False):
    array = np.asarray(array, dtype=np.uint8)
    payload = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    payload += struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(payload)


def make_mnist(root, name="MNIST", n=5, gz=False):
    raw = root / name / "raw"
    raw.mkdir(parents=True)
    images = np.random.default_rng(0).integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = np.arange(n) % 10
    suffix = ".gz" if gz else ""
    for prefix in ("train", "t10k"):
        write_idx(raw / f"{prefix}-images-idx3-ubyte{suffix}", images, gz)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte{suffix}", labels, gz)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_from_idx_files(tmp_path, gz):
    images, _ = make_mnist(tmp_path, gz=gz)
    ds = datasets.MNIST(tmp_path, train=True)
    assert len(ds) == 5 and ds.data.dtype == minitorch.uint8
    assert ds.targets.dtype == minitorch.int64 and tuple(ds.data.shape) == (5, 28, 28)
    img, label = ds[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and label == 3
    assert isinstance(label, int) and np.array_equal(np.array(img), images[3])
    ds = datasets.MNIST(tmp_path, train=False, transform=transforms.ToTensor(),
                        target_transform=lambda y: y + 100)
    x, y = ds[1]
    assert tuple(x.shape) == (1, 28, 28) and y == 101
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert tuple(xb.shape) == (4, 1, 28, 28) and yb.dtype == minitorch.int64
    assert "Split: Test" in repr(ds)


def test_fashion_mnist_folder_and_classes(tmp_path):
    make_mnist(tmp_path, name="FashionMNIST")
    ds = datasets.FashionMNIST(tmp_path)
    assert ds.classes[9] == "Ankle boot" and len(ds) == 5


def test_missing_mnist_names_files_and_download(tmp_path):
    with pytest.raises(RuntimeError) as info:
        datasets.MNIST(tmp_path, download=False)
    msg = str(info.value)
    assert "train-images-idx3-ubyte" in msg and "download=True" in msg
    assert "MNISTSubset" in msg


def test_corrupt_idx_is_rejected(tmp_path):
    make_mnist(tmp_path)
    path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(RuntimeError, match="bytes"):
        datasets.MNIST(tmp_path)


def test_download_uses_mirrors_checks_md5_and_extracts(tmp_path, monkeypatch):
    from minitorch.vision.datasets import _download

    server = tmp_path / "server"
    server.mkdir()
    payload = struct.pack(">BBBBI", 0, 0, 8, 1, 3) + bytes([1, 2, 3])
    (server / "labels.gz").write_bytes(gzip.compress(payload))
    md5 = _download.calculate_md5(server / "labels.gz")
    out = tmp_path / "out"
    mirrors = ["file:///nonexistent/mirror/", server.as_uri() + "/"]
    _download.download_from_mirrors(mirrors, "labels.gz", str(out), md5)
    assert (out / "labels").read_bytes() == payload
    assert datasets.mnist.read_idx(out / "labels").tolist() == [1, 2, 3]
    with pytest.raises(RuntimeError, match="MD5 mismatch"):
        _download.download_from_mirrors(mirrors[1:], "labels.gz", str(tmp_path / "o2"),
                                        "0" * 32)
    assert not os.path.exists(tmp_path / "o2" / "labels.gz")


def test_mnist_subset_is_packaged_and_balanced():
    train, test = datasets.MNISTSubset(), datasets.MNISTSubset(train=False)
    assert len(train) == 4000 and len(test) == 1000
    assert np.bincount(arr(train.targets)).tolist() == [400] * 10
    assert np.bincount(arr(test.targets)).tolist() == [100] * 10
    img, label = test[0]
    assert isinstance(img, Image.Image) and img.size == (28, 28) and isinstance(label, int)
    assert isinstance(train, datasets.MNISTSubset) and arr(train.data).max() == 255


def write_cifar(root, n=4, labels_key="labels", folder="cifar-10-batches-py"):
    base = root / folder
    base.mkdir(parents=True)
    rng = np.random.default_rng(0)
    batches = {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        entry = {"batch_label": name, "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 labels_key: [int(v) for v in rng.integers(0, 10, n)],
                 "filenames": [f"img{j}.png" for j in range(n)]}
        batches[name] = entry
        with open(base / name, "wb") as f:
            pickle.dump(entry, f)
    with open(base / "batches.meta", "wb") as f:
        pickle.dump({"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog",
                                     "frog", "horse", "ship", "truck"],
                     "num_cases_per_batch": n, "num_vis": 3072}, f)
    return batches


def test_cifar10_from_pickle_batches(tmp_path):
    batches = write_cifar(tmp_path)
    ds = datasets.CIFAR10(tmp_path, train=True)
    assert len(ds) == 20 and ds.data.shape == (20, 32, 32, 3) and ds.classes[3] == "cat"
    img, label = ds[5]
    expected = batches["data_batch_2"]["data"][1].reshape(3, 32, 32).transpose(1, 2, 0)
    assert img.mode == "RGB" and np.array_equal(np.array(img), expected)
    assert label == batches["data_batch_2"]["labels"][1]
    test = datasets.CIFAR10(tmp_path, train=False, transform=transforms.ToTensor())
    assert len(test) == 4 and tuple(test[0][0].shape) == (3, 32, 32)


def test_cifar10_missing_and_malformed(tmp_path):
    with pytest.raises(RuntimeError, match="data_batch_1.*download=True"):
        datasets.CIFAR10(tmp_path)
    write_cifar(tmp_path)
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump({"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]}, f)
    with pytest.raises(RuntimeError, match="3072"):
        datasets.CIFAR10(tmp_path, train=False)


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def test_cifar_restricted_unpickler_refuses_code(tmp_path):
    write_cifar(tmp_path)
    marker = tmp_path / "pwned"
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump({"data": Evil(str(marker)), "labels": []}, f)
    with pytest.raises(RuntimeError, match="refusing to unpickle"):
        datasets.CIFAR10(tmp_path, train=False)
    assert not marker.exists()


def test_image_folder(tmp_path):
    for cls, count in (("dog", 2), ("cat", 3)):
        (tmp_path / cls).mkdir()
        for i in range(count):
            Image.fromarray(np.full((4, 5), i * 40, np.uint8)).save(tmp_path / cls / f"{i}.png")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(tmp_path, transform=transforms.Compose(
        [transforms.Resize((8, 8)), transforms.ToTensor()]))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 5 and ds.targets == [0, 0, 0, 1, 1]
    x, y = ds[4]
    assert tuple(x.shape) == (3, 8, 8) and y == 1  # grayscale PNG loaded as RGB
    assert datasets.ImageFolder(tmp_path).imgs[0][0].endswith(os.path.join("cat", "0.png"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="empty"):
        datasets.ImageFolder(tmp_path)


def test_concat_two_image_folders(tmp_path):
    for part in ("a", "b"):
        (tmp_path / part / "x").mkdir(parents=True)
        Image.new("RGB", (3, 3)).save(tmp_path / part / "x" / "0.png")
    both = datasets.ImageFolder(tmp_path / "a") + datasets.ImageFolder(tmp_path / "b")
    assert len(both) == 2


def test_fake_data_is_deterministic_per_index():
    ds = datasets.FakeData(size=3, image_size=(3, 8, 6), num_classes=4)
    (a, la), (b, lb) = ds[1], ds[1]
    assert a.size == (6, 8) and np.array_equal(np.array(a), np.array(b)) and la == lb
    assert 0 <= la < 4 and len(ds) == 3
    with pytest.raises(IndexError):
        ds[3]
