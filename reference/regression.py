"""Fit y = x^2 + noise with a 1-10-1 network (Morvan's regression example).

    python reference/regression.py --steps 200 --out out/

Saves out/regression_fit.png and out/regression_loss.png if matplotlib is installed.
"""
import argparse
import os

import torch
import torch.nn.functional as F

try:
    import matplotlib
    matplotlib.use("Agg")  # write files, never open a window
    import matplotlib.pyplot as plt
except ImportError:
    plt = None


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        return self.predict(x)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.2)
    parser.add_argument("--out", default="out", help="folder for the PNG plots")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)  # (100, 1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())

    net = Net(n_feature=1, n_hidden=10, n_output=1)
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    loss_func = torch.nn.MSELoss()
    losses = []
    for t in range(args.steps):
        prediction = net(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if t % 20 == 0 or t == args.steps - 1:
            print(f"step {t:4d}  loss {loss.item():.4f}")

    if plt is None:
        print("matplotlib is not installed: skipping the plots (pip install matplotlib)")
        return
    os.makedirs(args.out, exist_ok=True)
    plt.figure()
    plt.scatter(x.data.numpy(), y.data.numpy())
    plt.plot(x.data.numpy(), net(x).data.numpy(), "r-", lw=5)
    plt.title(f"fit after {args.steps} steps, loss={losses[-1]:.4f}")
    plt.savefig(os.path.join(args.out, "regression_fit.png"))
    plt.figure()
    plt.plot(losses)
    plt.xlabel("step")
    plt.ylabel("MSE loss")
    plt.savefig(os.path.join(args.out, "regression_loss.png"))
    print(f"saved {args.out}/regression_fit.png and {args.out}/regression_loss.png")


if __name__ == "__main__":
    main()
