"""Per-op framework overhead: one small op, forward and backward, minitorch vs torch.

    OMP_NUM_THREADS=1 python benchmarks/op_overhead.py

On 4x4 tensors the arithmetic is nothing, so the time measured is the framework's own
Python (or C++) cost per op: argument handling, wrapping the result, recording the graph
node, and running it backward. Reported in microseconds of this process's CPU time
(`time.process_time`, so that other processes on a loaded machine add less), best of
`--repeat` runs of `--number` calls each.
"""
import argparse
import os
import time
import timeit

import torch

import minitorch


def cases(lib):
    a = lib.randn(4, 4, requires_grad=True)
    b = lib.randn(4, 4, requires_grad=True)
    x = lib.randn(4, 4)
    grad = lib.ones(4, 4)

    def add_no_grad():
        with lib.no_grad():
            return a + b

    def add_forward():
        return a + b

    def add_forward_backward():
        (a + b).backward(grad)

    return {"a + b, no_grad": add_no_grad, "x + x (no grad)": lambda: x + x,
            "a + b, forward (records)": add_forward,
            "a + b, forward + backward": add_forward_backward,
            # the other small ops a model calls most: a number operand, a unary op, a
            # reduction; each without grad and recorded
            "x * 2": lambda: x * 2, "a * 2, forward (records)": lambda: a * 2,
            "x.relu()": lambda: x.relu(), "a.relu(), forward (records)": lambda: a.relu(),
            "x.sum()": lambda: x.sum(), "a.sum(), forward (records)": lambda: a.sum()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = {}
    for name, lib in (("minitorch", minitorch), ("torch", torch)):
        for case, fn in cases(lib).items():
            timer = timeit.Timer(fn, timer=time.process_time)
            times = timer.repeat(number=args.number, repeat=args.repeat)
            results[case, name] = min(times) / args.number * 1e6
    print(f"per-call time in us, best of {args.repeat} x {args.number} "
          f"(load average {os.getloadavg()[0]:.1f}):")
    print(f"  {'case':28s} {'minitorch':>10s} {'torch':>8s} {'ratio':>6s}")
    for case in cases(torch):
        mine, theirs = results[case, "minitorch"], results[case, "torch"]
        print(f"  {case:28s} {mine:10.1f} {theirs:8.1f} {mine / theirs:6.2f}")


if __name__ == "__main__":
    main()
