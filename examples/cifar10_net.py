"""The seed CIFAR-10 `MyModule`: three conv/pool blocks and two linear layers, trained with SGD.

    python examples/cifar10_net.py --root ./data --epochs 10      # checkpoints in out/my_module/
    python examples/cifar10_net.py --root ./data --epochs 12      # resumes after epoch 10
    python examples/cifar10_net.py --data fake --epochs 1 --limit 5
    tensorboard --logdir logs                  # the loss and accuracy curves

Sequential(Conv2d(3,32,5,padding=2), MaxPool2d(2), Conv2d(32,32,5,padding=2), MaxPool2d(2),
Conv2d(32,64,5,padding=2), MaxPool2d(2), Flatten(), Linear(1024,64), Linear(64,10));
CrossEntropyLoss, SGD(lr=1e-2), batch 64 with drop_last=True; a checkpoint per epoch;
train loss per step, test loss and accuracy per epoch logged for TensorBoard.
"""
import argparse
import os
import sys

import minitorch as torch
from minitorch import nn
from minitorch.utils.data import DataLoader
from minitorch.utils.tensorboard import SummaryWriter

import _data


class MyModule(nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.module1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1024, 64),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.module1(x)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="cifar10", choices=["cifar10", "fake"])
    parser.add_argument("--root", default="./data", help="folder holding cifar-10-batches-py/")
    parser.add_argument("--epochs", type=int, default=10, help="train up to this epoch number")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch (and per evaluation)")
    parser.add_argument("--checkpoints", default="out/my_module",
                        help="folder for my_module_{epoch}.pt; training resumes from the last")
    parser.add_argument("--logdir", default="logs/my_module_log",
                        help="TensorBoard event files go here (tensorboard --logdir logs)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def last_checkpoint(folder):
    """(epoch, path) of the newest my_module_{epoch}.pt in folder, or (0, None)."""
    epochs = [int(name[len("my_module_"):-len(".pt")]) for name in os.listdir(folder)
              if name.startswith("my_module_") and name.endswith(".pt")]
    if not epochs:
        return 0, None
    return max(epochs), os.path.join(folder, f"my_module_{max(epochs)}.pt")


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    device = torch.device("cpu")
    if torch.cuda.is_available():
        print("cuda available, use cuda to train module")
        device = torch.device("cuda")
    try:
        train_set, test_set, data_name = _data.cifar10(args.data, args.root)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    print(f"train set size: {len(train_set)}")
    print(f"test set size: {len(test_set)}")
    train_dataloader = DataLoader(train_set, args.batch_size, shuffle=True, drop_last=True)
    test_dataloader = DataLoader(test_set, args.batch_size)

    my_module = MyModule().to(device)
    os.makedirs(args.checkpoints, exist_ok=True)
    start_epoch, path = last_checkpoint(args.checkpoints)
    if path is not None:
        my_module.load_state_dict(torch.load(path, map_location=device))
        print(f"resumed from {path}")
    loss_func = nn.CrossEntropyLoss().to(device)
    optim = torch.optim.SGD(my_module.parameters(), lr=args.lr)

    writer = SummaryWriter(args.logdir)
    total_train_step = 0
    accuracy = float("nan")
    for i in range(start_epoch, args.epochs):
        print(f"----- start training epoch {i + 1} -----")
        my_module.train()
        for step, (imgs, targets) in enumerate(train_dataloader):
            if step == args.limit:
                break
            imgs = imgs.to(device)
            targets = targets.to(device)
            outputs = my_module(imgs)
            loss = loss_func(outputs, targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total_train_step = total_train_step + 1
            writer.add_scalar("train loss", loss.item(), total_train_step)
            if total_train_step % 100 == 0:
                print(f"train step: {total_train_step}, loss: {loss.item():.4f}")

        my_module.eval()
        total_test_loss = 0.0
        total_accuracy = 0
        seen = 0
        with torch.no_grad():
            for step, (imgs, targets) in enumerate(test_dataloader):
                if step == args.limit:
                    break
                imgs = imgs.to(device)
                targets = targets.to(device)
                outputs = my_module(imgs)
                total_test_loss += loss_func(outputs, targets).item()
                total_accuracy += (outputs.argmax(1) == targets).sum().item()
                seen += targets.shape[0]
        accuracy = total_accuracy / seen
        print(f"total loss in test set: {total_test_loss:.4f}")
        print(f"accuracy in test set: {accuracy:.4f}")
        writer.add_scalar("test loss", total_test_loss, i + 1)
        writer.add_scalar("test accuracy", accuracy, i + 1)
        path = os.path.join(args.checkpoints, f"my_module_{i + 1}.pt")
        torch.save(my_module.state_dict(), path)
        print(f"saved {path}")
    writer.close()
    print(f"summary: data={data_name} device={device} epochs={args.epochs} "
          f"test_accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
