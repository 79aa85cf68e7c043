"""End-to-end epoch time of the example programs: examples/X.py (minitorch) vs reference/X.py
(torch), for X = mnist_cnn, cifar10_lenet (--data fake) and rnn_mnist.

    python benchmarks/epoch_time.py                        # all three, 1 epoch, 3 rounds
    python benchmarks/epoch_time.py --programs mnist_cnn --data mnist --root ./data
    python benchmarks/epoch_time.py --threads 1            # OMP/OpenBLAS/MKL threads = 1

Runs the twin programs as a user would, alternately (minitorch, torch, minitorch, ...),
`--rounds` times each, and reports the median wall time of the whole run (start-up, data
loading, training, evaluation) and the median training throughput the programs print in
their summary line. The machine's load average is printed beside the figures: on a busy
machine the ratios mean little.
"""
import argparse
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
# each program with the data arguments it runs on (the MNIST ones follow --data/--root)
PROGRAMS = {
    "mnist_cnn": lambda a: ["--data", a.data, "--root", a.root],
    "cifar10_lenet": lambda a: ["--data", "fake"],
    "rnn_mnist": lambda a: ["--data", a.data, "--root", a.root],
}
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def run(side, program, args):
    """(wall seconds, training samples/s, test accuracy) of one run of side/program.py."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    if args.threads:
        env.update({name: str(args.threads) for name in THREAD_VARS})
    command = [sys.executable, str(ROOT / side / f"{program}.py"), *PROGRAMS[program](args),
               "--epochs", str(args.epochs), "--device", args.device]
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                          cwd=ROOT / side)
    wall = time.perf_counter() - start
    summary = re.search(r"summary: .*test_accuracy=([0-9.]+)(?: samples/s=([0-9.]+))?",
                        proc.stdout)
    if proc.returncode != 0 or summary is None:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    rate = summary.group(2)  # cifar10_lenet.py prints no throughput: wall time only
    return wall, float(rate) if rate else float("nan"), float(summary.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", nargs="+", default=list(PROGRAMS), choices=PROGRAMS)
    parser.add_argument("--data", default="subset", choices=["auto", "mnist", "subset"],
                        help="the MNIST data of mnist_cnn and rnn_mnist")
    parser.add_argument("--root", default="./data")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="set OMP/OpenBLAS/MKL_NUM_THREADS for both sides")
    args = parser.parse_args()
    args.root = os.path.abspath(args.root)  # the programs run in their own folders

    for program in args.programs:
        load_before = os.getloadavg()[0]
        results = {"examples": [], "reference": []}
        for _ in range(args.rounds):
            for side, runs in results.items():
                runs.append(run(side, program, args))
        print(f"{program}.py {' '.join(PROGRAMS[program](args)[:2])} --epochs {args.epochs} "
              f"--device {args.device}, threads {args.threads or 'default'}, median of "
              f"{args.rounds} runs (load average {load_before:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after):")
        medians = {}
        for side, runs in results.items():
            wall = statistics.median(r[0] for r in runs)
            rate = statistics.median(r[1] for r in runs)
            accuracy = ", ".join(f"{r[2]:.3f}" for r in runs)
            medians[side] = (wall, rate)
            name = "minitorch" if side == "examples" else "torch"
            train = "" if math.isnan(rate) else f"train {rate:8.1f} samples/s   "
            print(f"  {name:9s} wall {wall:7.2f} s   {train}test accuracy {accuracy}")
        train = medians['reference'][1] / medians['examples'][1]
        print(f"  ratio minitorch/torch: wall "
              f"{medians['examples'][0] / medians['reference'][0]:.2f}"
              + ("" if math.isnan(train) else f", train time {train:.2f}"), flush=True)


if __name__ == "__main__":
    main()
