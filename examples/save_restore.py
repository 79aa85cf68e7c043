"""Save a trained net two ways -- whole object and state_dict -- and restore both (Morvan).

    python examples/save_restore.py --out out/

net1 is trained; net2 = torch.load(whole net); net3 = a fresh net + load_state_dict.
All three must give the same predictions.
"""
import argparse
import os

import minitorch as torch


def make_net():
    return torch.nn.Sequential(
        torch.nn.Linear(1, 10),
        torch.nn.ReLU(),
        torch.nn.Linear(10, 1),
    )


def save(x, y, net_path, params_path, steps):
    net1 = make_net()
    optimizer = torch.optim.SGD(net1.parameters(), lr=0.5)
    loss_func = torch.nn.MSELoss()
    for t in range(steps):
        prediction = net1(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"net1 trained: loss {loss.item():.4f}")
    torch.save(net1, net_path)  # the entire net (pickled)
    torch.save(net1.state_dict(), params_path)  # parameters only
    return net1(x)


def restore_net(x, net_path):
    # A pickled module runs code when loaded: only do this with files you trust.
    net2 = torch.load(net_path, weights_only=False)
    return net2(x)


def restore_params(x, params_path):
    net3 = make_net()  # same construction as net1
    net3.load_state_dict(torch.load(params_path))
    return net3(x)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out", help="folder for net.pkl and net_params.pkl")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    net_path = os.path.join(args.out, "net.pkl")
    params_path = os.path.join(args.out, "net_params.pkl")

    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    prediction1 = save(x, y, net_path, params_path, args.steps)
    prediction2 = restore_net(x, net_path)
    prediction3 = restore_params(x, params_path)
    print(f"saved {net_path} and {params_path}")
    print(f"net2 == net1: {torch.equal(prediction1, prediction2)}")
    print(f"net3 == net1: {torch.equal(prediction1, prediction3)}")
    if not (torch.equal(prediction1, prediction2) and torch.equal(prediction1, prediction3)):
        raise SystemExit("restored nets disagree with the trained one")


if __name__ == "__main__":
    main()
