"""Smoke runs of the example programs, and checks that they stay twins of reference/.

Each program runs in a subprocess, from a temporary folder (so `./data` and `out/` are
empty there), with tiny flags: a couple of batches, one epoch.
"""
import difflib
import os
import pathlib
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAMS = sorted(p.stem for p in (ROOT / "examples").glob("*.py") if p.stem != "_data")


def run(tmp_path, program, *args, side="examples", returncode=0):
    """Runs side/program.py with args in tmp_path; returns stdout + stderr."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    # one BLAS/OpenMP thread: pytest -n 2 already keeps both cores busy, and more threads
    # than cores made torch and NumPy 10-100x slower here
    env.setdefault("OMP_NUM_THREADS", "1")
    proc = subprocess.run([sys.executable, str(ROOT / side / f"{program}.py"), *map(str, args)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == returncode, output
    return output


@pytest.mark.parametrize("program", PROGRAMS)
def test_example_and_reference_differ_only_in_imports(program):
    """`diff examples/X.py reference/X.py` shows the imports and the usage lines only."""
    mine = (ROOT / "examples" / f"{program}.py").read_text().splitlines()
    ref = (ROOT / "reference" / f"{program}.py").read_text().splitlines()
    changed = [line[1:].strip() for line in difflib.unified_diff(mine, ref, lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    allowed = re.compile(r"^(import (minitorch|torch)\b|from (minitorch|torch)\b|"
                         r"python (examples|reference)/)")
    assert [line for line in changed if not allowed.match(line)] == []


def test_mnist_cnn_subset_save_and_resume(tmp_path):
    out = run(tmp_path, "mnist_cnn", "--limit", 2, "--epochs", 1, "--save", "ck.pt")
    assert "data: subset (4000 train / 1000 test images)" in out  # no MNIST files in ./data
    assert re.search(r"summary: data=subset device=cpu epochs=1 test_accuracy=[0-9.]+ "
                     r"samples/s=[0-9.]+", out), out
    assert (tmp_path / "ck.pt").exists()
    out = run(tmp_path, "mnist_cnn", "--data", "subset", "--limit", 1, "--resume", "ck.pt")
    assert "resumed from ck.pt after epoch 1" in out
    assert "epoch 1: test accuracy" in out


def write_fake_mnist(root, n=60):
    """Tiny MNIST IDX files (gzip-free) in torchvision's layout root/MNIST/raw/."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix in ("train", "t10k"):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
            bytes([0, 0, 8, 3]) + b"".join(d.to_bytes(4, "big") for d in images.shape)
            + images.tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
            bytes([0, 0, 8, 1]) + n.to_bytes(4, "big") + labels.tobytes())


def write_fake_cifar10(root, n=30):
    """Tiny CIFAR-10 'python version' batches in root/cifar-10-batches-py/."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
                 "labels": rng.integers(0, 10, size=n).tolist()}
        (folder / name).write_bytes(pickle.dumps(batch))
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
             "truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": names}))


def test_mnist_cnn_finds_mnist_files(tmp_path):
    write_fake_mnist(tmp_path / "data")
    out = run(tmp_path, "mnist_cnn", "--limit", 1)
    assert "data: mnist (60 train / 60 test images)" in out


def test_mnist_cnn_fake_data(tmp_path):
    out = run(tmp_path, "mnist_cnn", "--data", "fake", "--limit", 2, "--batch-size", 10)
    assert "summary: data=fake" in out


@pytest.mark.parametrize("program", ["cifar10_lenet", "cifar10_net"])
def test_cifar_programs_explain_missing_data(tmp_path, program):
    out = run(tmp_path, program, "--epochs", 1, returncode=2)
    assert "CIFAR-10 not found" in out and "cifar-10-python.tar.gz" in out


def test_cifar10_lenet(tmp_path):
    out = run(tmp_path, "cifar10_lenet", "--data", "fake", "--limit", 2, "--save", "lenet.pth")
    assert "summary: data=fake" in out and (tmp_path / "lenet.pth").exists()
    write_fake_cifar10(tmp_path / "data")
    out = run(tmp_path, "cifar10_lenet", "--limit", 1)
    assert "summary: data=cifar10" in out


def test_cifar10_net_checkpoints_and_resume(tmp_path):
    run(tmp_path, "cifar10_net", "--data", "fake", "--epochs", 1, "--limit", 2)
    assert (tmp_path / "out" / "my_module" / "my_module_1.pt").exists()
    out = run(tmp_path, "cifar10_net", "--data", "fake", "--epochs", 2, "--limit", 2)
    assert "resumed from out/my_module/my_module_1.pt" in out
    assert (tmp_path / "out" / "my_module" / "my_module_2.pt").exists()


@pytest.mark.parametrize("program, args", [
    ("regression", ["--steps", 5]),
    ("classification", ["--steps", 5]),
    ("custom_loss", ["--epochs", 2]),
])
def test_toy_programs(tmp_path, program, args):
    out = run(tmp_path, program, *args)
    assert "loss" in out
    if program != "custom_loss":
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            assert "matplotlib is not installed" in out
        else:
            assert (tmp_path / "out" / f"{program}_fit.png").exists()
            assert (tmp_path / "out" / f"{program}_loss.png").exists()


def test_save_restore(tmp_path):
    out = run(tmp_path, "save_restore", "--steps", 5)
    assert "net2 == net1: True" in out and "net3 == net1: True" in out


def test_autograd_basics_prints_what_torch_prints(tmp_path):
    assert run(tmp_path, "autograd_basics") == run(tmp_path, "autograd_basics",
                                                   side="reference")


def test_higher_order_prints_what_torch_prints(tmp_path):
    out = run(tmp_path, "higher_order", "--newton-steps", 3)
    assert out.count(": True") == 7 and "False" not in out, out
    assert out == run(tmp_path, "higher_order", "--newton-steps", 3, side="reference")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_wgan_gp(tmp_path, dtype):
    out = run(tmp_path, "wgan_gp", "--steps", 2, "--batch-size", 16, "--log-every", 1,
              "--dtype", dtype)
    assert "step     1  critic loss" in out and "generator loss" in out, out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib is not installed" in out
    else:
        assert (tmp_path / "out" / "wgan_gp.png").stat().st_size > 0


def test_mnist_autoencoder_saves_a_grid(tmp_path):
    out = run(tmp_path, "mnist_autoencoder", "--epochs", 1, "--limit", 2)
    assert "reconstruction_mse=" in out
    assert (tmp_path / "out" / "autoencoder.png").stat().st_size > 0


def test_rnn_mnist_subset(tmp_path):
    out = run(tmp_path, "rnn_mnist", "--limit", 2)
    assert "data: subset (4000 train / 1000 test images)" in out
    assert "LSTM(28, 64, batch_first=True)" in out
    assert re.search(r"summary: data=subset device=cpu epochs=1 test_accuracy=[0-9.]+ "
                     r"samples/s=[0-9.]+", out), out


TINY_GPT_SMOKE = ["--steps", 3, "--batch-size", 4, "--context", 16, "--width", 32,
                  "--layers", 1, "--heads", 2, "--log-every", 1, "--sample-length", 20]


def test_tiny_gpt_trains_and_samples(tmp_path):
    out = run(tmp_path, "tiny_gpt", *TINY_GPT_SMOKE)
    assert re.search(r"text: [0-9]+ characters, [0-9]+ distinct; model: [0-9]+ parameters", out)
    assert "step     2  loss" in out and "sample:\nWe hold these truths" in out, out
    assert re.search(r"summary: steps=3 train_loss=[0-9.]+ val_loss=[0-9.]+ ", out), out


def test_vae_saves_a_grid(tmp_path):
    out = run(tmp_path, "vae", "--limit", 2, "--epochs", 1)
    assert "epoch 0: train -ELBO" in out
    assert re.search(r"summary: data=subset epochs=1 test_negative_elbo=[0-9.]+ ", out), out
    assert (tmp_path / "out" / "vae.png").stat().st_size > 0


def load_data_module(side):
    """examples/_data.py or reference/_data.py as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"{side}_data", ROOT / side / "_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_same_data(mine, ref):
    for mine_set, ref_set in zip(mine[:2], ref[:2]):
        for mine_t, ref_t in zip(mine_set.tensors, ref_set.tensors):
            assert str(mine_t.dtype).split(".")[-1] == str(ref_t.dtype).split(".")[-1]
            np.testing.assert_array_equal(mine_t.numpy(), ref_t.numpy())
    assert mine[2] == ref[2]


def test_examples_and_reference_load_identical_data(tmp_path):
    pytest.importorskip("torch")
    mine, ref = load_data_module("examples"), load_data_module("reference")
    write_fake_mnist(tmp_path)
    write_fake_cifar10(tmp_path)
    for kind in ("subset", "fake", "mnist"):
        assert_same_data(mine.mnist(kind, str(tmp_path)), ref.mnist(kind, str(tmp_path)))
    for kind in ("fake", "cifar10"):
        assert_same_data(mine.cifar10(kind, str(tmp_path)), ref.cifar10(kind, str(tmp_path)))


@pytest.mark.parametrize("program, args", [
    ("mnist_cnn", ["--data", "fake", "--limit", 1]),
    ("cifar10_lenet", ["--data", "fake", "--limit", 1]),
    ("cifar10_net", ["--data", "fake", "--limit", 1, "--epochs", 1]),
    ("mnist_autoencoder", ["--limit", 1, "--epochs", 1]),
    ("rnn_mnist", ["--data", "fake", "--limit", 1]),
    ("save_restore", ["--steps", 2]),
    ("wgan_gp", ["--steps", 2, "--batch-size", 16]),
    ("tiny_gpt", TINY_GPT_SMOKE),
    ("vae", ["--limit", 1, "--epochs", 1]),
])
def test_reference_programs_run(tmp_path, program, args):
    """The torch twins stay runnable (they are what the examples are compared with)."""
    pytest.importorskip("torch")
    if program == "cifar10_net":  # torch.utils.tensorboard needs the tensorboard package
        pytest.importorskip("tensorboard", reason="reference/cifar10_net.py needs tensorboard")
    assert "Traceback" not in run(tmp_path, program, *args, side="reference")
