"""A hand-written MSE loss trains Linear(5, 1) through a DataLoader (the seed cookbook).

    python examples/custom_loss.py --epochs 500

y = x @ [1, 2, 3, 4, 5]^T + 5 + noise; the learned weights should approach 1..5, bias ~5.15.
"""
import argparse

import minitorch as torch
import minitorch.optim as opt
import minitorch.utils.data as Data


class LinearModel(torch.nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.model = torch.nn.Linear(5, 1)

    def forward(self, x):
        return self.model(x)


def my_MSE_loss(x, y):
    # every step is a tensor op, so autograd differentiates the loss for us
    return torch.mean(torch.pow(x - y, 2))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)

    model = LinearModel()
    optimizer = opt.SGD(model.parameters(), lr=0.01)
    x = torch.randn((10, 5))
    # (the seed writes torch.rand(10), which broadcasts y to (10, 10); one noise value per row)
    y = torch.mm(x, torch.Tensor([[1], [2], [3], [4], [5]])) + 5 + 0.3 * torch.rand(10, 1)
    loader = Data.DataLoader(dataset=Data.TensorDataset(x, y), shuffle=True, batch_size=5)

    for epoch in range(args.epochs):
        for step, (batch_x, batch_y) in enumerate(loader):
            predict = model(batch_x)
            loss = my_MSE_loss(predict, batch_y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 50 == 0 or epoch == args.epochs - 1:
            print("epoch=%s, step=%s, loss=%.4f" % (epoch, step, loss.data.numpy()))

    for name, value in model.state_dict().items():
        print(name, [round(v, 3) for v in value.view(-1).tolist()])
    full_loss = my_MSE_loss(model(x), y).item()
    print(f"final loss on all 10 points: {full_loss:.5f}")


if __name__ == "__main__":
    main()
