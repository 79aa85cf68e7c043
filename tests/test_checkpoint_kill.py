"""Atomic saves under SIGKILL: the old or the new checkpoint survives, whole, and the
next save to the same path removes what the killed one left behind.

The saving processes are forked from the test process (a fresh interpreter would cost
a second of imports per kill); each is killed with SIGKILL, which no cleanup code sees.
"""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import minitorch
from minitorch import serialization, serialization_format
from minitorch.serialization import load, save

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork and SIGKILL")

N_TENSORS = 6
SIDE = 512  # 6 tensors of 512 x 512 float32: a 6 MB checkpoint


def state(value):
    return {f"layer{i}.weight": minitorch.full((SIDE, SIDE), float(value))
            for i in range(N_TENSORS)}


def value_of(path):
    """The one value every tensor of the checkpoint holds (a mixed file fails here)."""
    sd = load(path)
    assert sorted(sd) == sorted(state(0))
    values = {float(t.numpy()[0, 0]) for t in sd.values()}
    assert len(values) == 1 and all(np.all(t.numpy() == values.copy().pop())
                                    for t in sd.values()), values
    return values.pop()


def temp_files(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


def run_child(body):
    """Run body() in a forked process; return its wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            body()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


def kill_self(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def kill_on_call(module, name, n):
    """Patch module.name so that its n-th call kills the process (in the child only)."""
    real, calls = getattr(module, name), [0]

    def patched(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            kill_self()
        return real(*args, **kwargs)

    setattr(module, name, patched)


def kill_after(module, name):
    real = getattr(module, name)

    def patched(*args, **kwargs):
        real(*args, **kwargs)
        kill_self()

    setattr(module, name, patched)


# where the save is killed, and which checkpoint must then be on disk
KILL_POINTS = [
    ("after creating the temp file", lambda: kill_after(serialization, "_create_temp_file"),
     "old"),
] + [
    (f"before writing tensor {k}",
     lambda k=k: kill_on_call(serialization_format, "tensor_bytes", k), "old")
    for k in range(1, N_TENSORS + 1)
] + [
    ("before fsync", lambda: kill_on_call(os, "fsync", 1), "old"),
    ("before the rename", lambda: kill_on_call(os, "replace", 1), "old"),
    ("after the rename", lambda: kill_on_call(serialization, "_fsync_directory", 1), "new"),
]


@pytest.mark.parametrize("point", range(len(KILL_POINTS)),
                         ids=[name for name, _, _ in KILL_POINTS])
def test_sigkill_at_each_point_leaves_a_whole_checkpoint(point, tmp_path):
    name, arm, survivor = KILL_POINTS[point]
    path = tmp_path / "model.pt"
    save(state(1), path)

    def child():
        arm()
        save(state(2), path)

    status = run_child(child)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, name
    assert value_of(path) == (1.0 if survivor == "old" else 2.0)
    if survivor == "old":  # killed mid-save: its temp file is left, named for the target
        (left,) = temp_files(tmp_path)
        assert left.startswith(".model.pt.") and left.endswith(".tmp")
    save(state(3), path)
    assert temp_files(tmp_path) == []
    assert value_of(path) == 3.0


def test_sigkill_after_varying_delays_while_saving_in_a_loop(tmp_path):
    path = tmp_path / "model.pt"
    save(state(0), path)
    seen = set()
    for delay in np.linspace(0.0, 0.3, 10):
        def child():
            for i in range(1, 1000):
                save(state(i), path)

        pid = os.fork()
        if pid == 0:
            try:
                child()
            finally:
                os._exit(0)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # reaped: its pid is gone, so its temp file is stale
        seen.add(value_of(path))  # the old or a new file, never a torn one
        save(state(0), path)
        assert temp_files(tmp_path) == [] and value_of(path) == 0.0
    assert len(seen) > 1  # some kills landed after saves had completed


def test_stale_temp_files_are_removed_and_others_are_not(tmp_path):
    path = tmp_path / "model.pt"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = {
            "dead": f".model.pt.{dead.pid}.0123abcd.tmp",
            "ours, not in flight": f".model.pt.{os.getpid()}.89abcdef.tmp",
            "alive": f".model.pt.{alive.pid}.0123abcd.tmp",
            "other target": f".other.pt.{dead.pid}.0123abcd.tmp",
            "longer target": f".model.pt.1.{dead.pid}.0123abcd.tmp",
            "not ours": "model.pt.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"x" * 10)
        save(state(5), path)
        left = set(os.listdir(tmp_path))
        assert names["dead"] not in left and names["ours, not in flight"] not in left
        assert {names[k] for k in ("alive", "other target", "longer target", "not ours")} \
            <= left
    finally:
        alive.kill()
        alive.wait()


def test_a_failing_save_removes_its_temp_file_at_once(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    save(state(1), path)

    def interrupted(array):
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization_format, "tensor_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(state(2), path)
    assert temp_files(tmp_path) == [] and value_of(path) == 1.0
