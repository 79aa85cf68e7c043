"""End-to-end epoch time: examples/mnist_cnn.py (minitorch) vs reference/mnist_cnn.py (torch).

    python benchmarks/epoch_time.py                       # 1 epoch on the subset, 3 rounds
    python benchmarks/epoch_time.py --data mnist --root ./data --rounds 1

Runs the two programs as a user would, alternately, `--rounds` times each, and reports
the median wall time of the whole run (start-up, data loading, training, evaluation) and
the median training throughput the programs print in their summary line.
"""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(side, args):
    """(wall seconds, training samples/s, test accuracy) of one run of side/mnist_cnn.py."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    command = [sys.executable, str(ROOT / side / "mnist_cnn.py"), "--data", args.data,
               "--root", args.root, "--epochs", str(args.epochs), "--device", args.device]
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    summary = re.search(r"summary: .*test_accuracy=([0-9.]+) samples/s=([0-9.]+)", proc.stdout)
    if proc.returncode != 0 or summary is None:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall, float(summary.group(2)), float(summary.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="subset", choices=["auto", "mnist", "subset"])
    parser.add_argument("--root", default="./data")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    results = {"examples": [], "reference": []}
    for _ in range(args.rounds):
        for side, runs in results.items():
            runs.append(run(side, args))
    print(f"mnist_cnn.py --data {args.data} --epochs {args.epochs} --device {args.device}, "
          f"median of {args.rounds} runs (load {os.getloadavg()[0]:.1f}):")
    medians = {}
    for side, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        rate = statistics.median(r[1] for r in runs)
        accuracy = ", ".join(f"{r[2]:.3f}" for r in runs)
        medians[side] = (wall, rate)
        name = "minitorch" if side == "examples" else "torch"
        print(f"  {name:9s} wall {wall:7.2f} s   train {rate:8.1f} samples/s   "
              f"test accuracy {accuracy}")
    print(f"  ratio minitorch/torch: wall {medians['examples'][0] / medians['reference'][0]:.2f}, "
          f"train time {medians['reference'][1] / medians['examples'][1]:.2f}")


if __name__ == "__main__":
    main()
