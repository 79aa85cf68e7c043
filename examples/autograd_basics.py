"""Autograd from the seed cookbook: backward(gradient), retain_graph, hooks, detach, .grad.

    python examples/autograd_basics.py
"""
import minitorch as torch
import minitorch.nn as nn


def values(t):
    """A tensor's values as a short list of rounded Python floats."""
    return [round(v, 4) for v in t.flatten().tolist()]


def section(title):
    print(f"\n== {title}")


def main():
    torch.manual_seed(0)

    section("requires_grad, backward of a scalar, .grad and .data")
    tensor = torch.FloatTensor([[1, 2], [3, 4]])
    variable = tensor.requires_grad_(True)  # was Variable(tensor, requires_grad=True)
    v_out = torch.mean(variable * variable)  # d/dv mean(v^2) = 2v / 4 = v / 2
    v_out.backward()
    print("v_out:", v_out.item())
    print("variable.grad:", values(variable.grad))
    print("variable.data.requires_grad:", variable.data.requires_grad)

    section("backward(gradient) on a non-scalar output")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * x  # three outputs y_i = x_i^2
    a.backward(torch.tensor([1.0, 0.1, 0.01]))  # sum_i b_i * dy_i/dx
    print("x.grad = b * 2x:", values(x.grad))

    section("gradients accumulate; clear them with grad.data.zero_()")
    (x * x).sum().backward()
    print("after a second backward:", values(x.grad))
    x.grad.data.zero_()
    print("after zero_():", values(x.grad))

    section("backward twice needs retain_graph=True")
    net = nn.Linear(3, 4)
    inputs = torch.randn(2, 3, requires_grad=True)
    loss = torch.sum(net(inputs))
    loss.backward()
    try:
        loss.backward()
    except RuntimeError as error:
        print("RuntimeError:", str(error).split(".")[0])
    loss = torch.sum(net(inputs))
    loss.backward(retain_graph=True)  # keep the buffers for another pass
    loss.backward()
    print("two passes with retain_graph=True: ok")

    section("register_hook sees the gradient of an intermediate tensor")
    gradients = []
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    h = inputs
    for name, module in model._modules.items():
        h = module(h)
        if name == "1":  # the ReLU output: not a leaf, so .grad stays None
            h.register_hook(gradients.append)
    h.sum().backward()
    print("hook got a gradient of shape", tuple(gradients[0].shape))

    section("requires_grad propagates; detach() stops it")
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([1.0, 2.0, 3.0])
    c = torch.sum(a * b)
    print("c.requires_grad:", c.requires_grad)
    d = a.detach()
    print("a.detach().requires_grad:", d.requires_grad)
    e = (a * 2).detach() * a  # gradient flows only through the second factor
    e.sum().backward()
    print("grad through detach: a.grad =", values(a.grad))


if __name__ == "__main__":
    main()
