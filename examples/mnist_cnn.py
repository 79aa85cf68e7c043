"""The seed MNIST CNN (Morvan's PyTorch course): two conv blocks and a linear classifier.

    python examples/mnist_cnn.py                      # full MNIST if under --root, else the subset
    python examples/mnist_cnn.py --data subset --epochs 3 --save out/mnist_cnn.pt
    python examples/mnist_cnn.py --resume out/mnist_cnn.pt --epochs 4

Conv2d(1,16,5,1,2) -> ReLU -> MaxPool2d(2) -> Conv2d(16,32,5,1,2) -> ReLU -> MaxPool2d(2)
-> Linear(32*7*7, 10); CrossEntropyLoss, Adam(lr=1e-3), batch 50.
"""
import argparse
import time

from tqdm import tqdm

import minitorch as torch
import minitorch.nn as nn
from minitorch.utils.data import DataLoader

import _data


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Sequential(  # (1, 28, 28)
            nn.Conv2d(in_channels=1, out_channels=16, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),  # -> (16, 14, 14)
        )
        self.conv2 = nn.Sequential(
            nn.Conv2d(16, 32, 5, 1, 2),
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> (32, 7, 7)
        )
        self.out = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)  # (batch, 32 * 7 * 7)
        return self.out(x)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--data", default="auto", choices=["auto", "mnist", "subset", "fake"],
                        help="auto: full MNIST if its files are under --root, else the subset")
    parser.add_argument("--root", default="./data", help="folder holding MNIST/raw/*-ubyte[.gz]")
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch (and per evaluation)")
    parser.add_argument("--save", default=None, help="checkpoint path, written every epoch")
    parser.add_argument("--resume", default=None, help="checkpoint to continue from")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--num-workers", type=int, default=0,
                        help="DataLoader worker processes for the training batches")
    return parser.parse_args(argv)


def pick_device(name):
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    return torch.device(name)


def train_one_epoch(model, loader, loss_func, optimizer, device, epoch, limit):
    model.train()
    steps = len(loader) if limit is None else min(limit, len(loader))
    bar = tqdm(total=steps, desc=f"train epoch {epoch}")
    samples = 0
    for step, (b_x, b_y) in enumerate(loader):
        if step == steps:
            break
        b_x, b_y = b_x.to(device), b_y.to(device)
        output = model(b_x)
        loss = loss_func(output, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        samples += b_x.shape[0]
        bar.set_postfix(loss=f"{loss.item():.4f}")
        bar.update(1)
    bar.close()
    return samples


@torch.no_grad()
def evaluate(model, loader, device, limit):
    model.eval()
    correct = total = 0
    for step, (b_x, b_y) in enumerate(loader):
        if limit is not None and step == limit:
            break
        output = model(b_x.to(device))
        pred_y = torch.max(output, 1)[1]
        correct += (pred_y == b_y.to(device)).sum().item()
        total += b_y.shape[0]
    return correct / total


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    train_set, test_set, data_name = _data.mnist(args.data, args.root)
    if args.data == "auto" and data_name == "subset":
        print(f"no MNIST files in {args.root}/MNIST/raw/: training on the 5,000-digit subset "
              "shipped with minitorch (put the IDX files there to use full MNIST)")
    print(f"data: {data_name} ({len(train_set)} train / {len(test_set)} test images), "
          f"device: {device}")
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.num_workers)
    test_loader = DataLoader(test_set, batch_size=1000)

    cnn = CNN().to(device)
    optimizer = torch.optim.Adam(cnn.parameters(), lr=args.lr)
    loss_func = nn.CrossEntropyLoss()
    start_epoch = 0
    if args.resume:
        checkpoint = torch.load(args.resume, map_location=device)
        cnn.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start_epoch = checkpoint["epoch"]
        print(f"resumed from {args.resume} after epoch {start_epoch}")

    samples, train_time, accuracy = 0, 0.0, float("nan")
    for epoch in range(start_epoch, start_epoch + args.epochs):
        start = time.perf_counter()
        samples += train_one_epoch(cnn, train_loader, loss_func, optimizer, device, epoch,
                                   args.limit)
        train_time += time.perf_counter() - start
        accuracy = evaluate(cnn, test_loader, device, args.limit)
        print(f"epoch {epoch}: test accuracy {accuracy:.4f}")
        if args.save:
            torch.save({"model": cnn.state_dict(), "optimizer": optimizer.state_dict(),
                        "epoch": epoch + 1}, args.save)
            print(f"saved checkpoint to {args.save}")

    print(f"summary: data={data_name} device={device} epochs={args.epochs} "
          f"test_accuracy={accuracy:.4f} samples/s={samples / max(train_time, 1e-9):.1f}")


if __name__ == "__main__":
    main()
