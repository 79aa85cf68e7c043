"""Time conv2d / max_pool2d forward and backward on the seed MNIST CNN's layers, minitorch
against torch (min over repetitions; run it on an otherwise idle machine).

    python benchmarks/conv_micro.py [--reps 20] [--batch 50 256]
"""
import argparse
import time

import numpy as np

LAYERS = [  # name, input shape without batch, kind, args
    ("conv1 1->16 k5 p2", (1, 28, 28), "conv", (16, 5, 2)),
    ("pool1 2x2", (16, 28, 28), "pool", 2),
    ("conv2 16->32 k5 p2", (16, 14, 14), "conv", (32, 5, 2)),
    ("pool2 2x2", (32, 14, 14), "pool", 2),
]


def best_ms(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def time_layer(lib, shape, kind, args, batch, reps):
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, *shape), dtype=np.float32)
    x = lib.tensor(x_np, requires_grad=shape[0] > 1)
    if kind == "conv":
        out_c, k, p = args
        w = lib.tensor(rng.standard_normal((out_c, shape[0], k, k), dtype=np.float32),
                       requires_grad=True)
        b = lib.tensor(rng.standard_normal(out_c, dtype=np.float32), requires_grad=True)

        def forward():
            return lib.nn.functional.conv2d(x, w, b, padding=p)
    else:
        def forward():
            return lib.nn.functional.max_pool2d(x, args)
    out = forward()
    grad = lib.tensor(rng.standard_normal(tuple(out.shape), dtype=np.float32))
    fwd = best_ms(forward, reps)
    both = best_ms(lambda: forward().backward(grad), reps)
    return fwd, both - fwd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--batch", type=int, nargs="+", default=[50, 256])
    opts = parser.parse_args()
    import torch

    import minitorch

    torch.set_num_threads(2)
    print(f"{'layer':22s} {'batch':>5s} {'mt fwd':>8s} {'mt bwd':>8s} {'torch fwd':>9s} "
          f"{'torch bwd':>9s}  (ms)")
    for batch in opts.batch:
        for name, shape, kind, args in LAYERS:
            mt = time_layer(minitorch, shape, kind, args, batch, opts.reps)
            th = time_layer(torch, shape, kind, args, batch, opts.reps)
            print(f"{name:22s} {batch:5d} {mt[0]:8.2f} {mt[1]:8.2f} {th[0]:9.2f} {th[1]:9.2f}")


if __name__ == "__main__":
    main()
