"""Time full training steps of a seed model in minitorch and in torch, alternating.

    python benchmarks/train_step.py --model mnist_cnn --batch 50 --device cpu
    python benchmarks/train_step.py --model cifar_net --batch 256 --steps 30
    python benchmarks/train_step.py --model mnist_cnn --batch 50 --profile   # cProfile minitorch

One step is what a training loop does: forward, loss, zero_grad, backward, optimizer step
(the seed's optimizer), and `loss.item()` so queued GPU work is finished inside the timing.
The model class comes from the example program (examples/X.py for minitorch,
reference/X.py for torch); the batch is random images and labels.

Each framework runs in its own worker process (NumPy's BLAS threads and torch's OpenMP
threads in one process keep spinning while the other library works, which slowed both by
up to 100x on a busy 2-core machine). The parent lets the workers take turns, a few steps
each, with a pause in between so the idle one's threads go to sleep, and prints the
median step time of each and their ratio.
"""
import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

# name -> (program, model class, input shape, optimizer, optimizer kwargs)
MODELS = {
    "mnist_cnn": ("mnist_cnn", "CNN", (1, 28, 28), "Adam", {"lr": 1e-3}),
    "lenet": ("cifar10_lenet", "LeNet", (3, 32, 32), "Adam", {"lr": 1e-3}),
    "cifar_net": ("cifar10_net", "MyModule", (3, 32, 32), "SGD", {"lr": 1e-2}),
    # LSTM(28, 64) over the 28 rows of an image, then Linear(64, 10); run with --batch 64
    "rnn_mnist": ("rnn_mnist", "RNN", (1, 28, 28), "Adam", {"lr": 1e-2}),
    # the example's model (4 layers, 4 heads, 128 wide) on (batch, 64) character ids;
    # run with --batch 16, the example's batch
    "tiny_gpt": ("tiny_gpt", "TinyGPT", (64,), "AdamW", {"lr": 2e-3, "weight_decay": 0.01}),
}
# language models: name -> vocabulary size; their inputs are token ids, their targets the
# next ids, and the loss is cross-entropy over (batch * time, vocabulary)
VOCAB = {"tiny_gpt": 68}


# ---- worker: one framework, steps on request ---------------------------------------------
def load_model_class(side, model_name):
    """The model class from examples/<program>.py or reference/<program>.py."""
    import importlib.util

    program, cls = MODELS[model_name][:2]
    sys.path.insert(0, str(ROOT / side))  # the program imports its `_data` helper
    spec = importlib.util.spec_from_file_location(program, ROOT / side / f"{program}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, cls)


def worker(lib_name, args):
    """Reads commands from stdin: `warmup N`, `time N` (answers a JSON list of seconds),
    `profile N` (answers cProfile's report); exits at EOF."""
    import numpy as np

    if lib_name == "torch":
        import torch as lib
        side = "reference"
    else:
        sys.path.insert(0, str(ROOT))  # a checkout without `pip install -e .` works too
        import minitorch as lib
        side = "examples"
    if args.threads and lib_name == "torch":
        lib.set_num_threads(args.threads)
    _, _, shape, opt_name, opt_kwargs = MODELS[args.model]
    lib.manual_seed(0)
    vocab = VOCAB.get(args.model)
    model_class = load_model_class(side, args.model)
    model = (model_class() if vocab is None else model_class(vocab)).to(args.device)
    optimizer = getattr(lib.optim, opt_name)(model.parameters(), **opt_kwargs)
    loss_func = lib.nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    if vocab is None:
        images = lib.from_numpy(rng.random((args.batch,) + shape, dtype=np.float32))
        labels = lib.from_numpy(rng.integers(0, 10, size=args.batch))
    else:  # random character ids in, the same shifted by one as targets
        ids = rng.integers(0, vocab, size=(args.batch, shape[0] + 1))
        images, labels = lib.from_numpy(ids[:, :-1]), lib.from_numpy(ids[:, 1:])
    images, labels = images.to(args.device), labels.to(args.device)

    def step():
        output = model(images)
        loss = loss_func(output.reshape(-1, output.shape[-1]), labels.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()  # waits for the device

    for line in sys.stdin:
        command, count = line.split()
        if command == "warmup":
            for _ in range(int(count)):
                step()
            answer = "ok"
        elif command == "time":
            times = []
            for _ in range(int(count)):
                start = time.perf_counter()
                step()
                times.append(time.perf_counter() - start)
            answer = json.dumps(times)
        else:  # profile
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(int(count)):
                step()
            profiler.disable()
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(25)
            answer = json.dumps(report.getvalue())
        print(answer, flush=True)


# ---- parent: start both workers, let them take turns ---------------------------------------
class Worker:
    def __init__(self, lib_name, argv, env):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", lib_name, *argv], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise SystemExit(f"worker failed on {command!r}")
        return answer

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def versions():
    """One line naming the machine and versions."""
    import numpy
    import torch

    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; Python "
            f"{platform.python_version()}, NumPy {numpy.__version__}, torch {torch.__version__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="mnist_cnn", choices=list(MODELS))
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per framework")
    parser.add_argument("--turn", type=int, default=5, help="steps per turn")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/OpenMP threads of both (default: the libraries' own)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile 10 minitorch steps and print the top functions")
    parser.add_argument("--worker", choices=["minitorch", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args)

    env = dict(os.environ)
    if args.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.threads)
    argv = [a for a in sys.argv[1:] if a != "--profile"]
    workers = {name: Worker(name, argv, env) for name in ("minitorch", "torch")}
    times = {name: [] for name in workers}
    for name, w in workers.items():
        w.ask(f"warmup {args.warmup}")
    while len(times["torch"]) < args.steps:
        for name, w in workers.items():
            time.sleep(0.2)  # let the other worker's threads stop spinning
            turn = min(args.turn, args.steps - len(times[name]))
            times[name] += json.loads(w.ask(f"time {turn}"))
    ms = {name: 1000 * statistics.median(t) for name, t in times.items()}
    threads = args.threads or "default"
    print(versions())
    print(f"{args.model} batch {args.batch} on {args.device}, threads {threads}, "
          f"median of {args.steps} steps:")
    low = {name: 1000 * min(t) for name, t in times.items()}
    for name in workers:
        print(f"  {name:9s} {ms[name]:8.2f} ms/step  ({1000 * args.batch / ms[name]:8.1f} "
              f"samples/s)  min {low[name]:8.2f} ms")
    print(f"  ratio minitorch/torch = {ms['minitorch'] / ms['torch']:.2f} "
          f"(of the minima: {low['minitorch'] / low['torch']:.2f})")
    if args.profile:
        print("\nminitorch, 10 steps, top functions by own time:")
        print(json.loads(workers["minitorch"].ask("profile 10")))
    for w in workers.values():
        w.close()


if __name__ == "__main__":
    main()
