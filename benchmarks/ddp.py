"""Samples/s of the MNIST CNN trained with DistributedDataParallel on 1 and on 2 ranks,
and the share of the step spent waiting for gradient all-reduces.

    pip install -e ".[distributed]"
    python benchmarks/ddp.py --batch 50 --steps 20 --rounds 3

The global batch is fixed (strong scaling): each of N ranks runs batch/N images. Every
run is a fresh `mpiexec -n N` job whose ranks have one BLAS/OpenMP thread each
(OMP_NUM_THREADS=1), so on a 2-core machine two ranks do not fight over the cores;
1-rank and 2-rank jobs alternate, `--rounds` times, and the medians are printed.

"wait share" is the time rank 0 spends inside Work.wait() of DDP's bucket all-reduces
(communication not hidden behind backward), over the step time.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def worker(args):
    sys.path[:0] = [str(ROOT), str(ROOT / "examples")]
    import numpy as np
    from mnist_cnn import CNN

    import minitorch as torch
    import minitorch.distributed as dist
    from minitorch.distributed import work as work_module
    from minitorch.nn.parallel import DistributedDataParallel as DDP

    waited = [0.0]
    real_wait = work_module.Work.wait

    def timed_wait(self, timeout=None):
        start = time.perf_counter()
        try:
            return real_wait(self, timeout)
        finally:
            waited[0] += time.perf_counter() - start

    work_module.Work.wait = timed_wait
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    model = DDP(CNN())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(rank)
    per_rank = args.batch // world
    x = torch.tensor(rng.random((per_rank, 1, 28, 28), dtype=np.float32))
    y = torch.tensor(rng.integers(0, 10, per_rank))

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(args.warmup):
        step()
    dist.barrier()
    waited[0] = 0.0
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    dist.barrier()
    elapsed = time.perf_counter() - start
    if rank == 0:
        print(json.dumps({"ranks": world, "samples_per_s": args.batch * args.steps / elapsed,
                          "step_ms": 1000 * elapsed / args.steps,
                          "wait_share": waited[0] / elapsed}), flush=True)
    dist.destroy_process_group()


def launch(ranks, args):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        ["mpiexec", "-n", str(ranks), sys.executable, __file__, "--worker",
         "--batch", str(args.batch), "--steps", str(args.steps), "--warmup", str(args.warmup)],
        capture_output=True, text=True, env=env, timeout=1800, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=50, help="global batch")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    results = {1: [], 2: []}
    for _ in range(args.rounds):
        for ranks in (1, 2):
            results[ranks].append(launch(ranks, args))
            time.sleep(1)
    print(f"MNIST CNN, global batch {args.batch}, {args.steps} steps, median of "
          f"{args.rounds} runs, load {os.getloadavg()[0]:.1f}")
    for ranks, runs in results.items():
        print(f"{ranks} rank(s): {statistics.median(r['samples_per_s'] for r in runs):8.1f} "
              f"samples/s  step {statistics.median(r['step_ms'] for r in runs):7.1f} ms  "
              f"wait share {100 * statistics.median(r['wait_share'] for r in runs):5.1f} %")


if __name__ == "__main__":
    main()
