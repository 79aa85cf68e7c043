"""minitorch.distributed, DistributedDataParallel and DistributedSampler.

The multi-rank checks run real 2-rank MPI jobs (`mpiexec -n 2`) in subprocesses: one job
runs every collective and writes what each rank got to a file, compared here with the
same reduction done in NumPy (or with torch); one job trains with DDP and reports; one
job has a rank that raises. They skip (with the reason) without mpi4py or mpiexec:
`pip install -e ".[distributed]"` installs both.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import DistributedSampler

# public names tested here (tests/test_op_registry.py checks every public name is tested)
COVERED = {"Tensor.register_post_accumulate_grad_hook"}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMCUPY = os.path.join(os.path.dirname(ROOT), "shared", "simcupy")
WORLD = 2
TIMEOUT = 180  # seconds for one 2-rank job on a loaded 2-core machine

_missing = ("mpi4py is not installed" if importlib.util.find_spec("mpi4py") is None else
            "mpiexec is not on PATH" if shutil.which("mpiexec") is None else None)
needs_mpi = pytest.mark.skipif(
    _missing is not None,
    reason=f"{_missing}: pip install -e '.[distributed]' (mpi4py, mpich) to run the MPI jobs")


def run_job(tmp_path, body, timeout=TIMEOUT):
    """Run `body` on WORLD ranks under mpiexec; return (returncode, stdout, stderr, rows),
    rows being what each rank wrote to rank<r>.json, in rank order."""
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(body))
    # the simulated CuPy, when there, lets the job make a CUDA tensor for the device error
    paths = [ROOT] + ([SIMCUPY] if os.path.isdir(SIMCUPY) else [])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(["mpiexec", "-n", str(WORLD), sys.executable, str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=str(tmp_path), start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the job's own process group only
        out, err = proc.communicate()
        pytest.fail(f"the {WORLD}-rank job hung for {timeout} s:\n{out}\n{err}")
    files = [tmp_path / f"rank{r}.json" for r in range(WORLD)]
    rows = [json.loads(f.read_text()) for f in files if f.exists()]
    return proc.returncode, out, err, rows


def shared_job(tmp_path_factory, worker_id, testrun_uid, name, body):
    """run_job once per test session: under pytest-xdist the workers share one run (the
    first to take the lock runs it, the others read its result), so `-n 2` does not
    start the same 2-rank job twice on a 2-core machine."""
    if _missing:
        pytest.skip(_missing)
    if worker_id == "master":  # no xdist workers: nothing to share
        folder = tmp_path_factory.mktemp(name)
        result = run_job(folder, body)
    else:
        from filelock import FileLock  # installed with torch

        folder = tmp_path_factory.getbasetemp().parent / f"{name}-{testrun_uid}"
        with FileLock(f"{folder}.lock"):
            if not (folder / "result.json").exists():
                folder.mkdir(exist_ok=True)
                (folder / "result.json").write_text(json.dumps(run_job(folder, body)))
        result = json.loads((folder / "result.json").read_text())
    code, out, err, rows = result
    assert code == 0 and len(rows) == WORLD, f"the job failed ({code}):\n{out}\n{err}"
    return rows


# ---- collectives -------------------------------------------------------------------------

def rank_input(r):
    """The tensor rank r contributes (the job computes the same formula)."""
    return np.arange(6.0).reshape(2, 3) * (r + 1) + r


COLLECTIVES_JOB = """
import json
import numpy as np
import minitorch as torch
import minitorch.distributed as dist

dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
def x():
    return torch.tensor(np.arange(6.0).reshape(2, 3) * (r + 1) + r)
got = {"rank": r, "world": n, "initialized": dist.is_initialized(), "backend": dist.get_backend()}
for op in ("SUM", "AVG", "MAX", "MIN", "PRODUCT"):
    t = x(); dist.all_reduce(t, op=getattr(dist.ReduceOp, op)); got["all_reduce_" + op] = t.tolist()
t = x().to(torch.int64); dist.all_reduce(t, op=dist.ReduceOp.MAX)
got["all_reduce_int_MAX"] = [t.tolist(), str(t.dtype)]
t = x().t(); dist.all_reduce(t); got["all_reduce_strided"] = t.tolist()
t = x(); work = dist.all_reduce(t, async_op=True); work.wait()
got["all_reduce_async"] = [t.tolist(), work.is_completed(), type(work).__name__]
t = x(); dist.broadcast(t, src=1); got["broadcast"] = t.tolist()
parts = [torch.zeros(2, 3, dtype=torch.float64) for _ in range(n)]
dist.all_gather(parts, x()); got["all_gather"] = [p.tolist() for p in parts]
out = torch.zeros(2 * n, 3, dtype=torch.float64); dist.all_gather_into_tensor(out, x())
got["all_gather_into_tensor"] = out.tolist()
out = torch.zeros(n, 2, 3, dtype=torch.float64); dist.all_gather_into_tensor(out, x())
got["all_gather_into_tensor_stacked"] = out.tolist()
for op in ("SUM", "AVG"):
    out = torch.zeros(2 // n * 1, 3, dtype=torch.float64)
    dist.reduce_scatter_tensor(out, x(), op=getattr(dist.ReduceOp, op))
    got["reduce_scatter_" + op] = out.tolist()
t = x(); dist.reduce(t, dst=0); got["reduce"] = t.tolist() if r == 0 else None
parts = [torch.zeros(2, 3, dtype=torch.float64) for _ in range(n)] if r == 1 else None
dist.gather(x(), parts, dst=1); got["gather"] = [p.tolist() for p in parts] if r == 1 else None
t = torch.zeros(2, 3, dtype=torch.float64)
dist.scatter(t, [x() * 10 + i for i in range(n)] if r == 0 else None, src=0)
got["scatter"] = t.tolist()
if r == 0:
    dist.send(x(), dst=1, tag=7)
    dist.isend(x() * 2, dst=1).wait()
else:
    t = torch.zeros(2, 3, dtype=torch.float64); sender = dist.recv(t, tag=7)
    u = torch.zeros(2, 3, dtype=torch.float64); dist.irecv(u, src=0).wait()
    got["send_recv"] = [sender, t.tolist(), u.tolist()]
g = dist.new_group([1])
t = x(); dist.all_reduce(t, group=g)
got["new_group"] = [dist.get_rank(g), dist.get_world_size(g), t.tolist()]
def error(call):
    try:
        call()
    except Exception as e:
        return [type(e).__name__, str(e)]
got["error_shape"] = error(lambda: dist.all_gather_into_tensor(torch.zeros(3), torch.ones(2)))
got["error_list"] = error(lambda: dist.all_gather([torch.zeros(3)], torch.ones(3)))
got["error_op"] = error(lambda: dist.all_reduce(torch.ones(2), op="sum"))
got["error_not_tensor"] = error(lambda: dist.all_reduce([1.0, 2.0]))
got["error_send_self"] = error(lambda: dist.send(torch.ones(2), dst=r))
got["error_gather_list"] = error(lambda: dist.gather(torch.ones(2), [torch.ones(2)] * n, dst=1 - r))
got["error_device"] = (error(lambda: dist.all_reduce(torch.ones(2, device="cuda")))
                       if torch.cuda.is_available() else None)
objects = [None] * n
dist.all_gather_object(objects, {"rank": r, "name": "r" * (r + 3)})
got["all_gather_object"] = objects
objects = [r, "from rank %d" % r]
dist.broadcast_object_list(objects, src=1)
got["broadcast_object_list"] = objects
objects = [None] * n if r == 0 else None
dist.gather_object(("tuple", r), objects, dst=0)
got["gather_object"] = objects
from minitorch.utils.data import DistributedSampler
got["sampler_default"] = [list(DistributedSampler(range(11), seed=4)), r]
dist.barrier()
dist.destroy_process_group()
got["after_destroy"] = dist.is_initialized()
open(f"rank{r}.json", "w").write(json.dumps(got))  # not stdout: ranks interleave
"""


@pytest.fixture(scope="module")
def collectives(tmp_path_factory, worker_id, testrun_uid):
    return shared_job(tmp_path_factory, worker_id, testrun_uid, "collectives", COLLECTIVES_JOB)


def _each(rows, key):
    return [np.asarray(row[key]) for row in rows]


def _stack():
    return np.stack([rank_input(r) for r in range(WORLD)])


@needs_mpi
@pytest.mark.parametrize("op, reduce", [
    ("SUM", lambda s: s.sum(0)), ("AVG", lambda s: s.mean(0)), ("MAX", lambda s: s.max(0)),
    ("MIN", lambda s: s.min(0)), ("PRODUCT", lambda s: s.prod(0))])
def test_all_reduce_ops_match_numpy(collectives, op, reduce):
    for got in _each(collectives, "all_reduce_" + op):
        np.testing.assert_allclose(got, reduce(_stack()), rtol=1e-15)


@needs_mpi
def test_all_reduce_int_strided_and_async(collectives):
    for row in collectives:
        values, dtype = row["all_reduce_int_MAX"]
        assert dtype == "minitorch.int64"
        np.testing.assert_array_equal(values, _stack().max(0).astype(np.int64))
        np.testing.assert_allclose(row["all_reduce_strided"], _stack().sum(0).T)
        values, completed, kind = row["all_reduce_async"]
        np.testing.assert_allclose(values, _stack().sum(0))
        assert completed is True and kind == "Work"


@needs_mpi
def test_broadcast_gather_scatter_reduce_match_numpy(collectives):
    stack = _stack()
    for r, row in enumerate(collectives):
        np.testing.assert_array_equal(row["broadcast"], rank_input(1))
        np.testing.assert_array_equal(row["all_gather"], stack)
        np.testing.assert_array_equal(row["all_gather_into_tensor"], stack.reshape(-1, 3))
        np.testing.assert_array_equal(row["all_gather_into_tensor_stacked"], stack)
        chunks = stack.sum(0).reshape(WORLD, -1, 3)
        np.testing.assert_allclose(row["reduce_scatter_SUM"], chunks[r])
        np.testing.assert_allclose(row["reduce_scatter_AVG"], chunks[r] / WORLD)
        np.testing.assert_array_equal(row["scatter"], rank_input(0) * 10 + r)
    np.testing.assert_allclose(collectives[0]["reduce"], stack.sum(0))
    np.testing.assert_array_equal(collectives[1]["gather"], stack)


@needs_mpi
def test_send_recv_and_new_group(collectives):
    sender, tagged, second = collectives[1]["send_recv"]
    assert sender == 0
    np.testing.assert_array_equal(tagged, rank_input(0))
    np.testing.assert_array_equal(second, rank_input(0) * 2)
    assert collectives[0]["new_group"][:2] == [-1, -1]  # rank 0 is not a member
    np.testing.assert_array_equal(collectives[0]["new_group"][2], rank_input(0))  # untouched
    assert collectives[1]["new_group"][:2] == [0, 1]
    np.testing.assert_array_equal(collectives[1]["new_group"][2], rank_input(1))
    for row in collectives:
        assert (row["world"], row["initialized"], row["backend"]) == (WORLD, True, "mpi")
        assert row["after_destroy"] is False


@needs_mpi
def test_object_collectives(collectives):
    for r, row in enumerate(collectives):
        expected = [{"rank": q, "name": "r" * (q + 3)} for q in range(WORLD)]
        assert row["all_gather_object"] == expected
        assert row["broadcast_object_list"] == [1, "from rank 1"]
        assert row["gather_object"] == ([["tuple", q] for q in range(WORLD)] if r == 0 else None)


@needs_mpi
def test_collective_errors(collectives):
    import torch

    for r, row in enumerate(collectives):
        assert row["error_shape"][0] == "RuntimeError" and "world_size (2)" in row["error_shape"][1]
        assert row["error_list"][0] == "RuntimeError"
        assert "expected length 2" in row["error_list"][1]
        assert row["error_op"][0] == "TypeError"
        with pytest.raises(TypeError) as expected:
            torch.distributed.all_reduce([1.0, 2.0])
        assert row["error_not_tensor"] == ["TypeError", str(expected.value)]
        assert row["error_send_self"] == [
            "ValueError", ("Invalid destination rank: destination rank should not be the same "
                           "as the rank of the current process.")]
        assert row["error_gather_list"] == [
            "ValueError", ("Argument ``gather_list`` must NOT be specified on non-destination "
                           "ranks.")]
        if row["error_device"] is None:
            continue  # no (simulated) GPU to make a CUDA tensor with
        assert row["error_device"][0] == "RuntimeError" and "CUDA" in row["error_device"][1]


@needs_mpi
def test_sampler_takes_rank_and_size_from_the_process_group(collectives):
    from torch.utils.data import DistributedSampler as TorchSampler

    for r, row in enumerate(collectives):
        assert row["sampler_default"] == [list(TorchSampler(range(11), WORLD, r, seed=4)), r]


# ---- without a process group: errors, lazy import, sampler --------------------------------

def test_collective_before_init_raises_torchs_error():
    import torch

    import minitorch.distributed as dist

    for call in (lambda d, lib: d.all_reduce(lib.ones(2)), lambda d, lib: d.get_rank(),
                 lambda d, lib: d.get_world_size(), lambda d, lib: d.barrier()):
        with pytest.raises(ValueError) as expected:
            call(torch.distributed, torch)
        with pytest.raises(ValueError) as got:
            call(dist, minitorch)
        assert str(got.value) == str(expected.value)
    assert dist.is_initialized() is False
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()


def test_import_loads_no_mpi4py():
    """mpi4py (and MPI_Init) load only when the "mpi" backend starts."""
    code = ("import sys, minitorch, minitorch.distributed, minitorch.nn.parallel, "
            "minitorch.utils.data; print('mpi4py' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=TIMEOUT, check=True)
    assert done.stdout.strip() == "False"


@needs_mpi
def test_mpi_backend_refuses_a_torchrun_launch():
    """torchrun's processes are not an MPI job: each would train alone without this error."""
    code = "import minitorch.distributed as dist; dist.init_process_group('mpi')"
    env = dict(os.environ, RANK="0", WORLD_SIZE="2", MASTER_ADDR="127.0.0.1",
               MASTER_PORT="29532",
               PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=TIMEOUT, check=False)
    assert done.returncode != 0
    assert "started with WORLD_SIZE=2 and no mpiexec" in done.stderr


def test_reduce_op_names_are_torchs():
    import torch

    import minitorch.distributed as dist

    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        mine, theirs = getattr(dist.ReduceOp, name), getattr(torch.distributed.ReduceOp, name)
        assert (str(mine), mine.value) == (str(theirs), int(theirs))


@pytest.mark.parametrize("n, replicas, shuffle, drop_last", [
    (10, 2, True, False), (11, 2, True, False), (11, 2, True, True), (5, 4, True, False),
    (2, 5, False, False), (7, 3, False, True), (1000, 3, True, False), (1, 1, True, False)])
def test_distributed_sampler_equals_torchs(n, replicas, shuffle, drop_last):
    from torch.utils.data import DistributedSampler as TorchSampler

    for rank in range(replicas):
        mine = DistributedSampler(range(n), replicas, rank, shuffle, seed=7, drop_last=drop_last)
        theirs = TorchSampler(range(n), replicas, rank, shuffle, seed=7, drop_last=drop_last)
        for epoch in (0, 1, 5):
            mine.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(mine) == list(theirs)
            assert len(mine) == len(theirs)


def test_distributed_sampler_rejects_a_bad_rank_like_torch():
    from torch.utils.data import DistributedSampler as TorchSampler

    with pytest.raises(ValueError) as expected:
        TorchSampler(range(4), 2, 2)
    with pytest.raises(ValueError, match=expected.value.args[0].replace("[", r"\[")):
        DistributedSampler(range(4), 2, 2)


def test_post_accumulate_grad_hook_sees_the_accumulated_grad():
    import torch

    logs = []
    for lib in (minitorch, torch):
        w = lib.ones(3, dtype=lib.float64, requires_grad=True)
        log = []
        handle = w.register_post_accumulate_grad_hook(
            lambda p, log=log: log.append(p.grad.tolist()))
        (w * 2).sum().backward()
        (w * w).sum().backward()
        handle.remove()
        (w * 3).sum().backward()
        logs.append(log)
        with pytest.raises(RuntimeError, match="non-leaf"):
            (w * 2).register_post_accumulate_grad_hook(print)
    assert logs[0] == logs[1]


# ---- DistributedDataParallel ----------------------------------------------------------------

DDP_JOB = """
import json, time
import numpy as np
import minitorch as torch
import minitorch.distributed as dist
from minitorch import nn
from minitorch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
got = {"rank": r}

def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 6 * 6, 16),
                         nn.Tanh(), nn.Linear(16, 4)).to(torch.float64)

def params(model):
    return [p.detach().numpy().tolist() for p in model.parameters()]

rng = np.random.default_rng(1)
B, STEPS = 8, 20
xs = torch.tensor(rng.standard_normal((STEPS, B, 1, 8, 8)))
ys = torch.tensor(rng.integers(0, 4, (STEPS, B)))
mine = slice(r * B // n, (r + 1) * B // n)

# 1. B/2 per rank for 20 steps; rank 1 starts from other weights (construction broadcasts)
local = make_model()
if r == 1:
    with torch.no_grad():
        for p in local.parameters():
            p.add_(1.0)
model = DDP(local, bucket_cap_mb=0.001)  # small buckets: several all-reduces per backward
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for s in range(STEPS):
    opt.zero_grad()
    nn.functional.cross_entropy(model(xs[s][mine]), ys[s][mine]).backward()
    opt.step()
got["ddp_params"] = params(model.module)
got["buckets"] = len(model._buckets)
got["state_dict_keys"] = list(model.state_dict())

# 2. event log of one backward: gradients accumulated, all-reduces started
events = []
real_all_reduce = dist.all_reduce
def logged_all_reduce(*args, **kwargs):
    events.append("all_reduce")
    return real_all_reduce(*args, **kwargs)
dist.all_reduce = logged_all_reduce
for name, p in model.module.named_parameters():  # after DDP's hook, so it sees the launch
    p.register_post_accumulate_grad_hook(lambda p, name=name: events.append("grad " + name))
x = xs[0][mine].clone().requires_grad_(True)
x.register_hook(lambda g: events.append("input grad"))
nn.functional.cross_entropy(model(x), ys[0][mine]).backward()
got["events"] = list(events)

# 3. no_sync: accumulate locally, the next backward all-reduces the sum
events.clear()
model.zero_grad()
with model.no_sync():
    nn.functional.cross_entropy(model(xs[1][mine]), ys[1][mine]).backward()
got["no_sync_all_reduces"] = events.count("all_reduce")
got["no_sync_local_grads"] = [p.grad.numpy().tolist() for p in model.parameters()]
nn.functional.cross_entropy(model(xs[2][mine]), ys[2][mine]).backward()
got["accumulated_grads"] = [p.grad.numpy().tolist() for p in model.parameters()]
got["start_params"] = params(model.module)
dist.all_reduce = real_all_reduce

# 4. find_unused_parameters: the second head is unused on rank 0 only
class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body, self.a, self.b = nn.Linear(3, 3), nn.Linear(3, 1), nn.Linear(3, 1)
    def forward(self, x, head):
        return (self.a if head == "a" else self.b)(self.body(x))
torch.manual_seed(0)
two = DDP(TwoHeads().to(torch.float64), find_unused_parameters=True)
for step in range(2):
    two.zero_grad()
    two(xs[step][mine].reshape(-1, 64)[:, :3], "a" if r == 0 else "b").sum().backward()
got["unused"] = [None if p.grad is None else p.grad.numpy().tolist() for p in two.parameters()]
got["unused_params"] = params(two.module)
two.zero_grad()
two(xs[0][mine].reshape(-1, 64)[:, :3], "a").sum().backward()
got["unused_everywhere"] = [p.grad is None for p in two.module.b.parameters()]

# 5. buffers come from rank 0 at each forward; device_ids on a CPU module is refused
bn = DDP(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)).to(torch.float64))
bn(torch.tensor(rng.standard_normal((6, 4)) + r))
bn(torch.tensor(rng.standard_normal((6, 4))))
got["running_mean"] = bn.module[1].running_mean.tolist()
try:
    DDP(nn.Linear(2, 2), device_ids=[0])
except ValueError as e:
    got["device_ids_error"] = str(e)
try:
    DDP(nn.Linear(2, 2 + r))  # a different model on each rank
except RuntimeError as e:
    got["mismatch_error"] = str(e)
stalled = DDP(TwoHeads().to(torch.float64))  # head b gets no gradient: its bucket never fills
stalled(xs[0][mine].reshape(-1, 64)[:, :3], "a").sum().backward()
try:
    stalled(xs[0][mine].reshape(-1, 64)[:, :3], "a")
except RuntimeError as e:
    got["unfinished_error"] = str(e)
open(f"rank{r}.json", "w").write(json.dumps(got))  # not stdout: ranks interleave
"""


@pytest.fixture(scope="module")
def ddp(tmp_path_factory, worker_id, testrun_uid):
    return shared_job(tmp_path_factory, worker_id, testrun_uid, "ddp", DDP_JOB)


def _torch_model():
    """The job's model, built in torch from the job's minitorch weights."""
    import torch

    return torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(3 * 6 * 6, 16), torch.nn.Tanh(),
                               torch.nn.Linear(16, 4)).double()


def _data():
    rng = np.random.default_rng(1)
    return rng.standard_normal((20, 8, 1, 8, 8)), rng.integers(0, 4, (20, 8))


def _load(model, values):
    import torch

    with torch.no_grad():
        for p, v in zip(model.parameters(), values):
            p.copy_(torch.tensor(v, dtype=torch.float64))


def _close(a, b, rtol=1e-10):
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert np.linalg.norm(x - y) <= rtol * np.linalg.norm(y), np.abs(x - y).max()


@needs_mpi
def test_ddp_two_ranks_equal_one_process_with_the_whole_batch(ddp):
    """2 ranks with B/2 each == torch (single process) with batch B, after 20 SGD steps."""
    import torch

    xs, ys = _data()
    model = _torch_model()
    import minitorch as mt
    mt.manual_seed(0)
    start = mt.nn.Sequential(mt.nn.Conv2d(1, 3, 3), mt.nn.ReLU(), mt.nn.Flatten(),
                             mt.nn.Linear(3 * 6 * 6, 16), mt.nn.Tanh(),
                             mt.nn.Linear(16, 4)).to(mt.float64)
    _load(model, [p.detach().numpy() for p in start.parameters()])
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for s in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.tensor(xs[s])), torch.tensor(ys[s]))
        loss.backward()
        opt.step()
    expected = [p.detach().numpy() for p in model.parameters()]
    for row in ddp:
        _close(row["ddp_params"], expected)
        assert row["buckets"] >= 2
    assert ddp[0]["state_dict_keys"] == ["module." + k for k in model.state_dict()]


@needs_mpi
def test_ddp_all_reduce_starts_before_backward_ends(ddp):
    for row in ddp:
        events = row["events"]
        grads = [i for i, e in enumerate(events) if e.startswith("grad ")]
        reduces = [i for i, e in enumerate(events) if e == "all_reduce"]
        assert len(reduces) == row["buckets"]
        # the first bucket (the last layer) is on the wire while earlier layers' gradients
        # are still being computed, and before the input's gradient ends backward
        assert reduces[0] < grads[-1] and reduces[0] < events.index("input grad")
        assert events[grads[0]] == "grad 5.bias" or events[grads[0]] == "grad 5.weight"


@needs_mpi
def test_ddp_no_sync_accumulates_then_averages_the_sum(ddp):
    import torch

    xs, ys = _data()
    model = _torch_model()
    _load(model, ddp[0]["start_params"])  # the step does not change parameters
    for r in range(WORLD):
        mine = slice(r * 8 // WORLD, (r + 1) * 8 // WORLD)
        model.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.tensor(xs[1][mine])),
                                          torch.tensor(ys[1][mine])).backward()
        _close(ddp[r]["no_sync_local_grads"], [p.grad.numpy() for p in model.parameters()])
    model.zero_grad()
    for s in (1, 2):
        for r in range(WORLD):
            mine = slice(r * 8 // WORLD, (r + 1) * 8 // WORLD)
            loss = torch.nn.functional.cross_entropy(model(torch.tensor(xs[s][mine])),
                                                     torch.tensor(ys[s][mine]))
            (loss / WORLD).backward()
    for row in ddp:
        assert row["no_sync_all_reduces"] == 0
        _close(row["accumulated_grads"], [p.grad.numpy() for p in model.parameters()])


@needs_mpi
def test_ddp_find_unused_parameters_and_buffers(ddp):
    for row in ddp:
        assert row["unused"] == ddp[0]["unused"]  # every rank got the same average
        assert all(g is not None for g in row["unused"])  # each head is used by a rank
        assert row["unused_everywhere"] == [True, True]  # head b unused on all ranks
        assert row["running_mean"] == ddp[0]["running_mean"]
        assert row["device_ids_error"].startswith(
            "DistributedDataParallel device_ids and output_device arguments only work")
        assert row["mismatch_error"].startswith("DDP expects same model across all ranks")
        assert row["unfinished_error"].startswith("Expected to have finished reduction in the "
                                                  "prior iteration")
    # the head a rank did not use contributes zero: the average is half the other's grad
    a_weight_rank0 = np.asarray(ddp[0]["unused"][2])
    assert np.linalg.norm(a_weight_rank0) > 0


# ---- a failing rank ends the job ------------------------------------------------------------

FAILING_JOB = """
import minitorch as torch
import minitorch.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    raise RuntimeError("rank 1 fails on purpose")
dist.all_reduce(torch.ones(3))  # rank 0 would wait here for ever
print("rank 0 was not stopped", flush=True)
"""


@needs_mpi
def test_a_rank_that_raises_ends_every_rank_with_a_clear_error(tmp_path):
    code, out, err, _ = run_job(tmp_path, FAILING_JOB, timeout=120)
    assert code != 0
    assert "rank 0 was not stopped" not in out
    assert "rank 1 fails on purpose" in err
    assert "rank 1 of 2 raised RuntimeError; aborting all ranks" in err


@needs_mpi
def test_mnist_ddp_example_trains_on_two_ranks_and_rank_0_saves(tmp_path):
    paths = [ROOT, os.path.join(ROOT, "examples")]
    env = dict(os.environ, OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        ["mpiexec", "-n", str(WORLD), sys.executable,
         os.path.join(ROOT, "examples", "mnist_ddp.py"),
         "--data", "subset", "--limit", "2", "--save", "ck.pt"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 ranks x batch 25" in done.stdout
    assert done.stdout.count("epoch 0: test accuracy") == 1  # rank 0 only
    checkpoint = minitorch.load(tmp_path / "ck.pt")
    assert checkpoint["epoch"] == 1 and "conv1.0.weight" in checkpoint["model"]  # no module.


# ---- NCCL (real GPUs only) ------------------------------------------------------------------

def test_rank_0_shares_bytes_with_the_others_over_tcp():
    """The env:// rendezvous that hands NCCL's unique id to every rank (no GPU needed)."""
    import socket
    import threading

    from minitorch.distributed import nccl_backend, rendezvous

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uid = tuple(range(-64, 64))  # NCCL ids are 128 signed chars
    got = {}

    def rank(r):
        payload = nccl_backend.id_to_bytes(uid) if r == 0 else b""
        got[r] = nccl_backend.id_from_bytes(
            rendezvous.share_bytes(payload, r, 3, "127.0.0.1", port, timeout=60))
    threads = [threading.Thread(target=rank, args=(r,)) for r in (2, 1, 0)]  # 0 starts last
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert got == {0: uid, 1: uid, 2: uid}


NCCL_JOB = """
import json, os
import numpy as np
import minitorch as torch
import minitorch.distributed as dist

r = int(os.environ["RANK"])
torch.cuda.set_device(r)
dist.init_process_group("nccl")
n = dist.get_world_size()
def x():
    return torch.tensor(np.arange(6.0).reshape(2, 3) * (r + 1) + r, device="cuda")
got = {"rank": r, "backend": dist.get_backend()}
for op in ("SUM", "AVG", "MAX"):
    t = x(); dist.all_reduce(t, op=getattr(dist.ReduceOp, op)); got["all_reduce_" + op] = t.tolist()
t = x(); work = dist.all_reduce(t, async_op=True); work.wait(); got["all_reduce_async"] = t.tolist()
t = x(); dist.broadcast(t, src=n - 1); got["broadcast"] = t.tolist()
out = torch.zeros(n * 2, 3, dtype=torch.float64, device="cuda")
dist.all_gather_into_tensor(out, x()); got["all_gather_into_tensor"] = out.tolist()
try:
    dist.all_reduce(torch.ones(2))
except RuntimeError as e:
    got["cpu_tensor_error"] = str(e)
model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2).to("cuda"), device_ids=[r])
model(x().float()).sum().backward()
got["ddp_grad"] = model.module.weight.grad.tolist()
dist.destroy_process_group()
open(f"rank{r}.json", "w").write(json.dumps(got))
"""


def test_nccl_collectives_one_rank_per_gpu(tmp_path):
    """UNVERIFIED until run on a GPU machine (scripts/gpu_check.sh runs the whole suite):
    env:// rendezvous, one process per GPU (at most 2), collectives against NumPy."""
    import minitorch.distributed as dist

    if not (dist.is_nccl_available() and minitorch.cuda.is_available()):
        pytest.skip("needs CuPy with NCCL and a real GPU (the simulated CuPy has no NCCL)")
    world = min(2, minitorch.cuda.device_count())
    (tmp_path / "job.py").write_text(NCCL_JOB)
    env = dict(os.environ, WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT="29531",
               PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    procs = [subprocess.Popen([sys.executable, "job.py"], cwd=tmp_path, text=True,
                              env=dict(env, RANK=str(r), LOCAL_RANK=str(r)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for r in range(world)]
    logs = [p.communicate(timeout=TIMEOUT)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), logs
    stack = np.stack([rank_input(r) for r in range(world)])
    for r in range(world):
        row = json.loads((tmp_path / f"rank{r}.json").read_text())
        assert row["backend"] == "nccl"
        np.testing.assert_allclose(row["all_reduce_SUM"], stack.sum(0))
        np.testing.assert_allclose(row["all_reduce_AVG"], stack.mean(0))
        np.testing.assert_allclose(row["all_reduce_MAX"], stack.max(0))
        np.testing.assert_allclose(row["all_reduce_async"], stack.sum(0))
        np.testing.assert_array_equal(row["broadcast"], rank_input(world - 1))
        np.testing.assert_array_equal(row["all_gather_into_tensor"], stack.reshape(-1, 3))
        assert "No backend type associated with device type cpu" in row["cpu_tensor_error"]
        assert np.isfinite(row["ddp_grad"]).all()
