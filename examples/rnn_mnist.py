"""Morvan's RNN classifier: an LSTM reads each MNIST image row by row (28 time steps of 28
pixels) and a linear layer classifies the digit from the last time step's output.

    python examples/rnn_mnist.py                      # full MNIST if under --root, else the subset
    python examples/rnn_mnist.py --data subset --epochs 3

LSTM(28, 64, batch_first=True) -> last output (batch, 64) -> Linear(64, 10);
CrossEntropyLoss, Adam(lr=0.01), batch 64.
"""
import argparse
import time

import minitorch as torch
import minitorch.nn as nn
from minitorch.utils.data import DataLoader

from mnist_cnn import evaluate, pick_device, train_one_epoch

import _data

TIME_STEP = 28  # image height: one row per time step
INPUT_SIZE = 28  # image width: the pixels of one row


class RNN(nn.Module):
    def __init__(self):
        super(RNN, self).__init__()
        self.rnn = nn.LSTM(
            input_size=INPUT_SIZE,
            hidden_size=64,
            num_layers=1,
            batch_first=True,  # input and output are (batch, time_step, feature)
        )
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(-1, TIME_STEP, INPUT_SIZE)  # (batch, 1, 28, 28) -> (batch, 28, 28)
        # r_out (batch, time_step, 64); h_n and h_c (1, batch, 64); None: zero initial state
        r_out, (h_n, h_c) = self.rnn(x, None)
        return self.out(r_out[:, -1, :])  # the output at the last time step


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--data", default="auto", choices=["auto", "mnist", "subset", "fake"],
                        help="auto: full MNIST if its files are under --root, else the subset")
    parser.add_argument("--root", default="./data", help="folder holding MNIST/raw/*-ubyte[.gz]")
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch (and per evaluation)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    train_set, test_set, data_name = _data.mnist(args.data, args.root)
    print(f"data: {data_name} ({len(train_set)} train / {len(test_set)} test images), "
          f"device: {device}")
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=1000)

    rnn = RNN().to(device)
    print(rnn)
    optimizer = torch.optim.Adam(rnn.parameters(), lr=args.lr)
    loss_func = nn.CrossEntropyLoss()

    samples, train_time, accuracy = 0, 0.0, float("nan")
    for epoch in range(args.epochs):
        start = time.perf_counter()
        samples += train_one_epoch(rnn, train_loader, loss_func, optimizer, device, epoch,
                                   args.limit)
        train_time += time.perf_counter() - start
        accuracy = evaluate(rnn, test_loader, device, args.limit)
        print(f"epoch {epoch}: test accuracy {accuracy:.4f}")

    print(f"summary: data={data_name} device={device} epochs={args.epochs} "
          f"test_accuracy={accuracy:.4f} samples/s={samples / max(train_time, 1e-9):.1f}")


if __name__ == "__main__":
    main()
