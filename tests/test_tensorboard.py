"""SummaryWriter writes TFRecord-framed Event protos that TensorBoard reads.

Two readers check the files: a small independent decoder below (always runs), and
TensorBoard's own `EventAccumulator` (the `test` extra installs tensorboard; without it
those tests skip), which also reads back what examples/cifar10_net.py logs next to what its
torch twin reference/cifar10_net.py logs with torch.utils.tensorboard.
"""
import io
import struct

import numpy as np
import pytest
from PIL import Image

import minitorch
from minitorch.utils.tensorboard import SummaryWriter
from minitorch.utils.tensorboard.record import crc32c, masked_crc32c


def test_crc32c_known_vectors():
    # RFC 3720 / iSCSI test vectors for CRC-32C
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA


def _read_records(path):
    data = open(path, "rb").read()
    pos, out = 0, []
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[pos + 8:pos + 12])[0] == masked_crc32c(header)
        body = data[pos + 12:pos + 12 + length]
        assert struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])[0] == \
            masked_crc32c(body)
        out.append(body)
        pos += 16 + length
    return out


def _parse(msg):
    """Minimal protobuf decoder: {field_number: [values]}."""
    fields, pos = {}, 0

    def varint():
        nonlocal pos
        shift = result = 0
        while True:
            b = msg[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    while pos < len(msg):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            value = varint()
        elif wire == 1:
            value = struct.unpack("<d", msg[pos:pos + 8])[0]
            pos += 8
        elif wire == 5:
            value = struct.unpack("<f", msg[pos:pos + 4])[0]
            pos += 4
        else:
            n = varint()
            value = msg[pos:pos + n]
            pos += n
        fields.setdefault(number, []).append(value)
    return fields


def test_scalars_and_images_round_trip(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        for step in range(3):
            w.add_scalar("train/loss", minitorch.tensor(1.0 / (step + 1)), step)
        w.add_image("sample", np.full((3, 4, 5), 0.5, dtype=np.float32), global_step=7)
    (event_file,) = list(tmp_path.iterdir())
    assert event_file.name.startswith("events.out.tfevents.")
    records = [_parse(r) for r in _read_records(event_file)]
    assert records[0][3] == [b"brain.Event:2"]
    scalars = []
    for ev in records[1:4]:
        value = _parse(_parse(ev[5][0])[1][0])
        scalars.append((ev[2][0], value[1][0].decode(), value[2][0]))
    assert scalars == [(0, "train/loss", 1.0), (1, "train/loss", 0.5),
                       (2, "train/loss", np.float32(1 / 3))]
    image_event = records[4]
    assert image_event[2] == [7]
    value = _parse(_parse(image_event[5][0])[1][0])
    image = _parse(value[4][0])
    assert (image[1][0], image[2][0], image[3][0]) == (4, 5, 3)
    png = np.asarray(Image.open(io.BytesIO(image[4][0])))
    assert png.shape == (4, 5, 3) and np.all(png == 127)  # torch truncates 0.5 * 255


def _torch_tensorboard_utils():
    """torch/utils/tensorboard/_utils.py, loaded by path: importing the package needs the
    tensorboard distribution, and this test runs without it."""
    import importlib.util
    import pathlib

    import torch

    path = pathlib.Path(torch.__file__).parent / "utils" / "tensorboard" / "_utils.py"
    spec = importlib.util.spec_from_file_location("_torch_tb_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _logged_image(tmp_path, **kwargs):
    with SummaryWriter(str(tmp_path)) as w:
        getattr(w, kwargs.pop("method", "add_image"))("img", **kwargs)
    (event_file,) = list(tmp_path.iterdir())
    image_event = [_parse(r) for r in _read_records(event_file)][-1]
    image = _parse(_parse(_parse(image_event[5][0])[1][0])[4][0])
    return np.asarray(Image.open(io.BytesIO(image[4][0]))), image[3][0]


@pytest.mark.parametrize("shape,dataformats,method,dtype", [
    ((3, 6, 5), "CHW", "add_image", np.float32),
    ((6, 5, 3), "HWC", "add_image", np.uint8),       # seed 001: a cv2 image, dataformats='HWC'
    ((6, 5, 1), "HWC", "add_image", np.float32),     # gray: repeated to RGB
    ((6, 5), "HW", "add_image", np.float64),
    ((5, 3, 6), "WCH", "add_image", np.float32),
    ((10, 3, 4, 5), "NCHW", "add_images", np.float32),   # 8 per row, then a second row
    ((3, 4, 5, 1), "NHWC", "add_images", np.uint8),
])
def test_images_are_laid_out_and_scaled_like_torch(tmp_path, shape, dataformats, method,
                                                   dtype):
    rng = np.random.default_rng(0)
    arr = (rng.random(shape) * (255 if dtype == np.uint8 else 1.2)).astype(dtype)
    png, colorspace = _logged_image(tmp_path, img_tensor=minitorch.from_numpy(arr.copy()),
                                    dataformats=dataformats, method=method)
    hwc = _torch_tensorboard_utils().convert_to_HWC(arr.copy(), dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    expected = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    assert colorspace == expected.shape[2]
    np.testing.assert_array_equal(png, expected)


def test_image_with_the_wrong_dataformats_fails_like_torch(tmp_path):
    # a cv2 image (H, W, C) logged with the default "CHW" and a 2-D array as "CHW"
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(AssertionError, match="size of input tensor and input format "
                                                 "are different"):
            w.add_image("x", np.zeros((4, 5)), dataformats="CHW")
        with pytest.raises(AssertionError, match="same dimension shorthand twice"):
            w.add_image("x", np.zeros((4, 5, 3)), dataformats="HHW")


# ---- read back by TensorBoard itself ------------------------------------------------------
def _accumulate(log_dir):
    """TensorBoard's reader over one run folder (the class `tensorboard --logdir` uses)."""
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator",
        reason="tensorboard is not installed (pip install tensorboard, or the test extra)")
    acc = event_accumulator.EventAccumulator(str(log_dir), size_guidance={"scalars": 0,
                                                                          "images": 0})
    acc.Reload()
    return acc


def test_tensorboard_reads_our_scalars_and_images(tmp_path):
    values = [0.75, 1e-3, float(np.float32(1 / 3)), -2.5]
    with SummaryWriter(str(tmp_path)) as w:
        for step, value in enumerate(values):
            w.add_scalar("train loss", minitorch.tensor(value), step * 10, walltime=100.0 + step)
        w.add_image("sample", np.full((3, 4, 5), 0.5, dtype=np.float32), global_step=7)
    acc = _accumulate(tmp_path)
    assert acc.Tags()["scalars"] == ["train loss"] and acc.Tags()["images"] == ["sample"]
    read = [(e.wall_time, e.step, e.value) for e in acc.Scalars("train loss")]
    assert read == [(100.0 + i, i * 10, np.float32(v)) for i, v in enumerate(values)]
    (image,) = acc.Images("sample")
    assert (image.step, image.height, image.width) == (7, 4, 5)
    png = np.asarray(Image.open(io.BytesIO(image.encoded_image_string)))
    assert png.shape == (4, 5, 3) and np.all(png == 127)


def _run_cifar10_net(side, tmp_path):
    """Run examples/ or reference/cifar10_net.py on fake data; return its log folder."""
    import os
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root)] + [p for p in [os.environ.get("PYTHONPATH")] if p]), OMP_NUM_THREADS="1")
    cwd = tmp_path / side
    cwd.mkdir()
    proc = subprocess.run([sys.executable, str(root / side / "cifar10_net.py"), "--data", "fake",
                           "--epochs", "2", "--limit", "3"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return cwd / "logs" / "my_module_log", proc.stdout


def test_cifar10_net_logs_the_scalars_its_torch_twin_logs(tmp_path):
    """The seed program logs train loss per step, test loss and accuracy per epoch."""
    pytest.importorskip("tensorboard", reason="tensorboard is not installed")
    pytest.importorskip("torch")
    logged = {}
    for side in ("examples", "reference"):
        log_dir, stdout = _run_cifar10_net(side, tmp_path)
        acc = _accumulate(log_dir)
        logged[side] = {tag: [e.step for e in acc.Scalars(tag)]
                        for tag in acc.Tags()["scalars"]}
        # the accuracy in the file is the one the program printed
        printed = [float(line.split()[-1]) for line in stdout.splitlines()
                   if line.startswith("accuracy in test set")]
        assert [e.value for e in acc.Scalars("test accuracy")] == \
            pytest.approx(printed, abs=1e-4)
    assert logged["examples"] == logged["reference"] == {
        "train loss": [1, 2, 3, 4, 5, 6], "test loss": [1, 2], "test accuracy": [1, 2]}
