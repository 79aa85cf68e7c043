"""Reproducibility: the same seed gives the same run.

- `use_deterministic_algorithms` and its getters behave as torch's (values and errors);
- DataLoader workers are seeded as torch's: worker i seeds minitorch, `random` and NumPy
  with `base_seed + i`, where `base_seed` comes from the loader's `generator` (or the
  global one); `get_worker_info().seed` says so and `worker_init_fn(i)` runs after;
- two runs of the MNIST example with `--seed 0` print the same losses.
"""
from __future__ import annotations

import os
import pathlib
import random
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

import minitorch
from minitorch.utils.data import DataLoader, Dataset, get_worker_info

COVERED = {"use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode"}

ROOT = pathlib.Path(__file__).resolve().parents[1]


# ---- use_deterministic_algorithms -----------------------------------------------------------
@pytest.fixture
def restore_flags():
    yield
    minitorch.use_deterministic_algorithms(False)
    torch.use_deterministic_algorithms(False)


@pytest.mark.parametrize("args,kwargs", [((True,), {}), ((True,), {"warn_only": True}),
                                         ((False,), {}), ((False,), {"warn_only": True})])
def test_flags_follow_torch(restore_flags, args, kwargs):
    for lib in (torch, minitorch):
        lib.use_deterministic_algorithms(*args, **kwargs)
    assert minitorch.are_deterministic_algorithms_enabled() is \
        torch.are_deterministic_algorithms_enabled()
    assert minitorch.is_deterministic_algorithms_warn_only_enabled() is \
        torch.is_deterministic_algorithms_warn_only_enabled()
    assert minitorch.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()


@pytest.mark.parametrize("mode", ["default", "warn", "error", 0, 1, 2, True])
def test_debug_mode_follows_torch(restore_flags, mode):
    for lib in (torch, minitorch):
        lib.set_deterministic_debug_mode(mode)
    assert minitorch.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
    assert minitorch.are_deterministic_algorithms_enabled() is \
        torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("call", [
    lambda L: L.use_deterministic_algorithms(1),
    lambda L: L.use_deterministic_algorithms(None),
    lambda L: L.use_deterministic_algorithms(True, warn_only=1),
    lambda L: L.use_deterministic_algorithms(),
    lambda L: L.set_deterministic_debug_mode("sometimes"),
    lambda L: L.set_deterministic_debug_mode(3),
    lambda L: L.set_deterministic_debug_mode(1.5),
])
def test_bad_arguments_raise_torchs_errors(restore_flags, call):
    with pytest.raises(Exception) as ref:
        call(torch)
    with pytest.raises(type(ref.value)) as got:
        call(minitorch)
    assert str(got.value) == str(ref.value)
    assert not minitorch.are_deterministic_algorithms_enabled()


# ---- DataLoader worker seeding ---------------------------------------------------------------
class RandomDraws(Dataset):
    """Each item: its index, then draws from every RNG a worker is expected to seed."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        info = get_worker_info()
        return {"index": i,
                "minitorch": float(minitorch.rand(1).item()),
                "numpy": float(np.random.rand()),
                "random": random.random(),
                "worker_seed": -1 if info is None else info.seed}


def _epoch(num_workers, **kwargs):
    minitorch.manual_seed(0)  # as a script would; with num_workers=0 the items' draws
    np.random.seed(0)         # come from the main process's generators
    random.seed(0)
    loader = DataLoader(RandomDraws(), batch_size=3, shuffle=True, num_workers=num_workers,
                        **kwargs)
    return [{k: v.tolist() if hasattr(v, "tolist") else v for k, v in batch.items()}
            for batch in loader]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_two_runs_give_identical_batches(num_workers):
    first, second = _epoch(num_workers), _epoch(num_workers)
    assert first == second
    assert sorted(i for b in first for i in b["index"]) == list(range(12))
    assert [i for b in first for i in b["index"]] != list(range(12)), "shuffled"
    assert len({x for b in first for x in b["minitorch"]}) == 12, "fresh draws per item"


def test_shuffle_order_is_the_same_with_and_without_workers():
    """The order comes from the main process's generator, not from the workers."""
    assert [b["index"] for b in _epoch(0)] == [b["index"] for b in _epoch(2)]


def test_generator_decides_order_and_worker_seeds():
    """With `generator`, the global seed no longer matters (torch's contract)."""
    def run(global_seed):
        minitorch.manual_seed(global_seed)
        loader = DataLoader(RandomDraws(), batch_size=3, shuffle=True, num_workers=2,
                            generator=minitorch.Generator().manual_seed(7))
        return [(b["index"].tolist(), b["worker_seed"].tolist()) for b in loader]

    assert run(0) == run(1)


def _record_worker(worker_id):
    """worker_init_fn runs after seeding: record what the worker sees."""
    info = get_worker_info()
    want_random = random.Random(info.seed).random()
    with open(f"{os.environ['MINITORCH_TEST_RECORD']}.{worker_id}", "w") as f:
        f.write(f"{worker_id} {info.id} {info.num_workers} {info.seed} "
                f"{minitorch.initial_seed()} {want_random!r} {random.random()!r}")


def test_worker_seed_is_base_seed_plus_id(tmp_path, monkeypatch):
    record = tmp_path / "worker"
    monkeypatch.setenv("MINITORCH_TEST_RECORD", str(record))
    batches = _epoch(2, worker_init_fn=_record_worker)
    seeds = {}
    for w in (0, 1):
        wid, info_id, num, seed, initial, want_random, got_random = \
            (record.parent / f"worker.{w}").read_text().split()
        assert int(wid) == int(info_id) == w and int(num) == 2
        assert int(initial) == int(seed), "minitorch is seeded with the worker's seed"
        assert got_random == want_random, "random is seeded with the worker's seed"
        seeds[w] = int(seed)
    assert seeds[1] == seeds[0] + 1
    # batches go round-robin: batch k was made by worker k % 2
    assert [b["worker_seed"][0] for b in batches] == [seeds[k % 2] for k in range(4)]


# ---- the example, end to end -----------------------------------------------------------------
def _losses(tmp_path, workers):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1",
               TQDM_MININTERVAL="0")  # print every step's postfix, not a timed sample
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "mnist_cnn.py"), "--seed", "0", "--limit",
         "20", "--data", "subset", "--num-workers", str(workers)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    losses = []
    for value in re.findall(r"loss=([0-9.]+)", proc.stderr):
        if not losses or losses[-1] != value:  # tqdm repeats a postfix when it redraws
            losses.append(value)
    accuracy = re.findall(r"test accuracy[^\n]*", proc.stdout + proc.stderr)
    return losses, accuracy


@pytest.mark.parametrize("workers", [0, 2])
def test_mnist_example_twice_prints_identical_losses(tmp_path, workers):
    first, second = _losses(tmp_path, workers), _losses(tmp_path, workers)
    assert len(first[0]) >= 15, first  # ~20 steps (equal neighbours are merged)
    assert first == second
