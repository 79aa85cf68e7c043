"""Separate two Gaussian clouds with Sequential(Linear(2,10), ReLU, Linear(10,2)) (Morvan).

    python examples/classification.py --steps 100 --out out/

Saves out/classification_fit.png and out/classification_loss.png if matplotlib is installed.
"""
import argparse
import os

import minitorch as torch

try:
    import matplotlib
    matplotlib.use("Agg")  # write files, never open a window
    import matplotlib.pyplot as plt
except ImportError:
    plt = None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--out", default="out", help="folder for the PNG plots")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    n_data = torch.ones(100, 2)
    x0 = torch.normal(2 * n_data, 1)  # class 0 around (2, 2)
    y0 = torch.zeros(100)
    x1 = torch.normal(-2 * n_data, 1)  # class 1 around (-2, -2)
    y1 = torch.ones(100)
    x = torch.cat((x0, x1), 0).type(torch.FloatTensor)  # (200, 2)
    y = torch.cat((y0, y1)).type(torch.LongTensor)  # (200,)

    net = torch.nn.Sequential(
        torch.nn.Linear(2, 10),
        torch.nn.ReLU(),
        torch.nn.Linear(10, 2),
    )
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    loss_func = torch.nn.CrossEntropyLoss()
    losses = []
    for t in range(args.steps):
        out = net(x)
        loss = loss_func(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if t % 10 == 0 or t == args.steps - 1:
            prediction = torch.max(out, 1)[1]
            accuracy = (prediction == y).sum().item() / y.size(0)
            print(f"step {t:4d}  loss {loss.item():.4f}  accuracy {accuracy:.2f}")

    if plt is None:
        print("matplotlib is not installed: skipping the plots (pip install matplotlib)")
        return
    os.makedirs(args.out, exist_ok=True)
    prediction = torch.max(net(x), 1)[1]
    plt.figure()
    plt.scatter(x.data.numpy()[:, 0], x.data.numpy()[:, 1], c=prediction.data.numpy(), s=40,
                cmap="RdYlGn")
    plt.title(f"predicted classes after {args.steps} steps")
    plt.savefig(os.path.join(args.out, "classification_fit.png"))
    plt.figure()
    plt.plot(losses)
    plt.xlabel("step")
    plt.ylabel("cross-entropy loss")
    plt.savefig(os.path.join(args.out, "classification_loss.png"))
    print(f"saved {args.out}/classification_fit.png and {args.out}/classification_loss.png")


if __name__ == "__main__":
    main()
