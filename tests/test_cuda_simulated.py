"""The GPU path, checked where the simulated CuPy (../shared/simcupy) can see it.

The simulator counts every device-to-host copy (`cupy._sim.STATS`), which a real GPU can't
report cheaply: a training step of each seed network must make exactly one, the
`loss.item()`, and upload only the batch. A host sync inside a layer (an `if x.any():`,
an `.item()`) stalls the GPU once per call; torch has none in these steps, and neither
may we. And the example programs must train on "cuda" exactly as on the CPU.

Run with `PYTHONPATH=../shared/simcupy python -m pytest -k cuda tests` (`.ci/run` does);
without the simulator these tests skip and say why.
"""
import importlib
import os
import pathlib
import re
import subprocess
import sys

import pytest

import minitorch
import minitorch.nn as nn

ROOT = pathlib.Path(__file__).resolve().parents[1]


def simulated_cupy():
    """The simulated cupy module, or None (no CuPy, or a real one on a real GPU)."""
    if not minitorch.cuda.is_available():
        return None
    import cupy

    return cupy if getattr(cupy, "_sim", None) is not None else None


needs_simulator = pytest.mark.skipif(
    simulated_cupy() is None,
    reason="counting host syncs needs the simulated CuPy: put ../shared/simcupy on PYTHONPATH")

# (example program, model class, input shape of one batch, optimizer): the three seed CNNs
# and the LSTM of rnn_mnist.py, each with the optimizer its program trains with
SEED_NETWORKS = [
    ("mnist_cnn", "CNN", (8, 1, 28, 28), "Adam"),
    ("cifar10_lenet", "LeNet", (8, 3, 32, 32), "Adam"),
    ("cifar10_net", "MyModule", (8, 3, 32, 32), "SGD"),
    ("rnn_mnist", "RNN", (8, 28, 28), "Adam"),
]


def example_class(program, name):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        return getattr(importlib.import_module(program), name)
    finally:
        sys.path.remove(str(ROOT / "examples"))


@needs_simulator
@pytest.mark.parametrize("program, model_name, shape, optimizer", SEED_NETWORKS,
                         ids=[f"cuda-{p}" for p, *_ in SEED_NETWORKS])
def test_a_training_step_syncs_with_the_host_once(program, model_name, shape, optimizer):
    cupy = simulated_cupy()
    model = example_class(program, model_name)().to("cuda")
    opt = getattr(minitorch.optim, optimizer)(model.parameters(), lr=1e-3)
    loss_func = nn.CrossEntropyLoss()
    x_host, y_host = minitorch.randn(*shape), minitorch.randint(0, 10, (shape[0],))
    for step in range(2):  # the second step: optimizer state exists, nothing is lazy any more
        cupy._sim.reset_stats()
        x, y = x_host.to("cuda"), y_host.to("cuda")
        loss = loss_func(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
    sites = {f"{kind} at {site}": n for (kind, site), n in cupy._sim.SITES.items()}
    assert dict(cupy._sim.STATS) == {"d2h": 1, "h2d": 2}, sites


@needs_simulator
def test_the_count_sees_a_sync_inside_a_layer(monkeypatch):
    """The test above can fail: a `bool(x.any())` in ReLU's forward is counted."""
    cupy = simulated_cupy()
    relu = nn.functional.relu

    def relu_that_syncs(input, inplace=False):
        if bool((input._data < 0).any()):  # what a careless NaN/range check does
            pass
        return relu(input, inplace)

    monkeypatch.setattr(nn.functional, "relu", relu_that_syncs)
    model = example_class("mnist_cnn", "CNN")().to("cuda")
    cupy._sim.reset_stats()
    model(minitorch.randn(2, 1, 28, 28).to("cuda")).sum().item()
    assert cupy._sim.STATS["d2h"] == 3  # two ReLUs and the .item()


@needs_simulator
def test_a_bad_target_on_the_gpu_raises_at_the_next_sync():
    """torch's device-side assert: the loss is queued, the error comes at `.item()`."""
    logits = minitorch.randn(4, 10).to("cuda")
    loss = nn.functional.cross_entropy(logits, minitorch.tensor([1, 2, 30, 3]).to("cuda"))
    with pytest.raises(IndexError, match="Target out of bounds"):
        loss.item()
    good = nn.functional.cross_entropy(logits, minitorch.tensor([1, 2, 3, 3]).to("cuda"))
    assert good.item() == pytest.approx(
        nn.functional.cross_entropy(logits.cpu(), minitorch.tensor([1, 2, 3, 3])).item(),
        rel=1e-6)


def losses_printed(program, device, *args):
    """The per-step losses the program's progress bar shows (tqdm's `loss=` postfix)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / f"{program}.py"), "--device", device,
         "--limit", "10", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    shown = re.findall(r"loss=([0-9.]+)\]", output)
    # the bar shows each loss when it is set and again when the step count moves
    losses = [float(v) for i, v in enumerate(shown) if i == 0 or v != shown[i - 1]]
    assert len(losses) >= 10, output
    return losses[:10]


@needs_simulator
@pytest.mark.parametrize("program, args", [
    ("mnist_cnn", ["--data", "subset"]),
    ("cifar10_lenet", ["--data", "fake"]),
    ("rnn_mnist", []),
], ids=["cuda-mnist_cnn", "cuda-cifar10_lenet", "cuda-rnn_mnist"])
def test_examples_train_on_cuda_as_on_the_cpu(program, args):
    """Same seed, same batches: the first 10 losses agree to the 4 digits shown."""
    cpu = losses_printed(program, "cpu", *args)
    cuda = losses_printed(program, "cuda", *args)
    assert cuda == pytest.approx(cpu, abs=2e-4)


needs_cuda = pytest.mark.skipif(not minitorch.cuda.is_available(),
                                reason="CuPy sees no GPU (the simulated CuPy counts as one)")


@needs_cuda
def test_cuda_running_stats_on_the_cpu_raise():
    x = minitorch.randn(4, 3, 5).to("cuda")
    mean, var = minitorch.zeros(3), minitorch.ones(3)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        nn.functional.batch_norm(x, mean, var, training=True)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        nn.functional.instance_norm(x, mean, var, use_input_stats=True)


@needs_cuda
def test_cuda_view_shares_memory_or_raises_like_torch():
    """CuPy's reshape copies where it must; view() must write through or refuse."""
    base = minitorch.zeros(2, 3).to("cuda")
    flat = base.view(6)
    flat[4] = 7.0
    assert base.cpu().tolist() == [[0.0, 0.0, 0.0], [0.0, 7.0, 0.0]]
    col = base.t()[1:]           # non-contiguous, but (2, 2) -> (4,) can't be a view
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        col.view(4)
    rows = base.t().view(3, 1, 2)  # splitting a dim keeps a strided view: allowed
    rows[2, 0, 0] = 5.0
    assert base.cpu()[0, 2].item() == 5.0


@needs_cuda
def test_cuda_manual_seed_before_cupy_loads_is_reproducible():
    """torch.manual_seed(0) seeds every device: a seed set before the model moves to the
    GPU (before CuPy is even imported) must fix the GPU's dropout masks too."""
    program = ("import minitorch as torch\n"
               "torch.manual_seed(0)\n"
               "x = torch.ones(1000).to('cuda')\n"
               "print(torch.nn.functional.dropout(x, 0.5).sum().item())\n")
    env = dict(os.environ)
    runs = [subprocess.run([sys.executable, "-c", program], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


@needs_cuda
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cuda_fused_cross_entropy_gradient_equals_its_numpy_twin_and_torch(reduction):
    """ops/_fast/cross_entropy_cuda.py (one kernel) against loss.CrossEntropy.backward's array
    code (its twin, run on the CPU) and torch: (N, C, H) logits, class weights,
    ignore_index and a random upstream gradient."""
    import numpy as np
    import torch

    rng = np.random.default_rng(0)
    logits = rng.standard_normal((3, 5, 4))
    target = rng.integers(0, 5, (3, 4)).astype(np.uint8)
    target[0, 1] = 2
    weight = rng.uniform(0.5, 2, 5)
    upstream = rng.standard_normal((3, 4) if reduction == "none" else ())

    def input_grad(lib, device):
        x = lib.tensor(logits, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(
            x.to(device), lib.tensor(target).long().to(device), lib.tensor(weight).to(device),
            ignore_index=2, reduction=reduction)
        loss.backward(lib.tensor(upstream).to(device))
        return x.grad.cpu().numpy()

    on_gpu, twin = input_grad(minitorch, "cuda"), input_grad(minitorch, "cpu")
    np.testing.assert_allclose(on_gpu, twin, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(on_gpu, input_grad(torch, "cpu"), rtol=1e-10, atol=1e-14)


@needs_cuda
def test_cuda_manual_seed_wins_over_a_pending_manual_seed(monkeypatch):
    """minitorch.manual_seed(0) before CuPy loads leaves a pending seed; a later
    minitorch.cuda.manual_seed(5) must replace it, not be overwritten at the first draw."""
    from minitorch import random

    def draw():
        return nn.functional.dropout(minitorch.ones(50).to("cuda"), 0.5).cpu().tolist()

    minitorch.cuda.manual_seed(5)
    expected = draw()
    monkeypatch.setattr(random, "_cuda_seed_pending", 0)  # as if seeded before CuPy loaded
    minitorch.cuda.manual_seed(5)
    assert draw() == expected
