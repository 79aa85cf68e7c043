"""LeNet on CIFAR-10, as in the seed walkthrough (tqdm progress bars, argparse, no_grad eval).

    python examples/cifar10_lenet.py --root ./data --epochs 10 --save out/lenet.pth
    python examples/cifar10_lenet.py --data fake --limit 20   # no download needed

Conv2d(3,16,5) -> ReLU -> MaxPool2d(2,2) -> Conv2d(16,32,5) -> ReLU -> MaxPool2d(2,2)
-> view(-1, 800) -> Linear(800,120) -> ReLU -> Linear(120,84) -> ReLU -> Linear(84,10);
inputs normalized with Normalize((0.5,)*3, (0.5,)*3); CrossEntropyLoss, Adam(1e-3), batch 24.
"""
import argparse
import sys

from tqdm import tqdm

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim
from minitorch.utils.data import DataLoader

import _data


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(3, 16, 5)  # (3, 32, 32) -> (16, 28, 28)
        self.pool1 = nn.MaxPool2d(2, 2)  # -> (16, 14, 14)
        self.conv2 = nn.Conv2d(16, 32, 5)  # -> (32, 10, 10)
        self.pool2 = nn.MaxPool2d(2, 2)  # -> (32, 5, 5)
        self.fc1 = nn.Linear(32 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = x.view(-1, 32 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="cifar10", choices=["cifar10", "fake"])
    parser.add_argument("--root", default="./data", help="folder holding cifar-10-batches-py/")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=24)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch (and per evaluation)")
    parser.add_argument("--save", default=None, help="where to save the final state_dict")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def train_one_epoch(model, loss_function, optimizer, loader, device, epoch, limit):
    model.train()
    steps = len(loader) if limit is None else min(limit, len(loader))
    bar = tqdm(total=steps, desc=f"train epoch {epoch}")
    running_loss = 0.0
    for step, (inputs, labels) in enumerate(loader):
        if step == steps:
            break
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_function(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        bar.set_postfix(loss=f"{loss.item():.4f}")
        bar.update(1)
    bar.close()
    return running_loss / steps


@torch.no_grad()
def test(model, loader, device, epoch, limit):
    model.eval()
    steps = len(loader) if limit is None else min(limit, len(loader))
    correct = total = 0
    for step, (inputs, labels) in enumerate(tqdm(loader, total=steps, desc=f"test epoch {epoch}")):
        if step == steps:
            break
        outputs = model(inputs.to(device))
        predict_y = torch.max(outputs, dim=1)[1]
        correct += (predict_y == labels.to(device)).sum().item()
        total += labels.shape[0]
    return correct / total


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        train_set, test_set, data_name = _data.cifar10(args.data, args.root)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=500, shuffle=False)

    model = LeNet().to(args.device)
    loss_function = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    accuracy = float("nan")
    for epoch in range(args.epochs):
        loss = train_one_epoch(model, loss_function, optimizer, train_loader, args.device,
                               epoch, args.limit)
        accuracy = test(model, test_loader, args.device, epoch, args.limit)
        print(f"epoch {epoch}: train loss {loss:.4f}, test accuracy {accuracy:.4f}")
    if args.save:
        torch.save(model.state_dict(), args.save)
        print(f"saved state_dict to {args.save}")
    print(f"summary: data={data_name} device={args.device} epochs={args.epochs} "
          f"test_accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
