"""Higher-order derivatives: differentiate a gradient again with create_graph=True.

    python examples/higher_order.py --save out/higher_order.png

1. tanh and its first four derivatives on a grid, each the gradient of the one before,
   checked against their closed forms (and plotted if matplotlib is installed).
2. A Hessian-vector product of a logistic-regression loss by double backward, checked
   against torch.autograd.functional.hvp and the full Hessian.
3. Newton's method on the Rosenbrock function with torch.autograd.functional.hessian.
"""
import argparse
import os

import minitorch as torch
import minitorch.nn.functional as F

try:
    import matplotlib
    matplotlib.use("Agg")  # write files, never open a window
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

DTYPE = torch.float64  # float64 so the checks below can be tight


def tanh_derivatives(x, order=4):
    """[tanh(x), tanh'(x), ..., tanh^(order)(x)], each by autograd from the previous one."""
    x = x.detach().requires_grad_(True)
    ys = [torch.tanh(x)]
    for _ in range(order):
        # each point's value depends only on its own x, so the gradient of the sum is the
        # elementwise derivative; create_graph=True makes that derivative differentiable too
        (dy,) = torch.autograd.grad(ys[-1].sum(), x, create_graph=True)
        ys.append(dy)
    return ys


def tanh_closed_forms(x):
    t = torch.tanh(x)
    s = 1 - t**2  # sech^2
    return [t, s, -2 * t * s, s * (6 * t**2 - 2), 8 * t * s * (2 - 3 * t**2)]


def logistic_loss(w):
    """Mean binary cross-entropy of a 2-weight logistic regression on 6 fixed points."""
    X = torch.tensor([[0.5, 1.0], [-1.0, 0.3], [1.5, -0.5],
                      [-0.2, -1.2], [0.8, 0.9], [-1.3, 0.4]], dtype=DTYPE)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0], dtype=DTYPE)
    return F.binary_cross_entropy_with_logits(X @ w, y)


def rosenbrock(p):
    """(1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1)."""
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def solve_2x2(H, g):
    """H^-1 g for a 2x2 matrix H, by Cramer's rule."""
    det = H[0, 0] * H[1, 1] - H[0, 1] * H[1, 0]
    return torch.stack([H[1, 1] * g[0] - H[0, 1] * g[1],
                        H[0, 0] * g[1] - H[1, 0] * g[0]]) / det


def fmt(t):
    return "[" + ", ".join(f"{v:+.6f}" for v in t.tolist()) + "]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newton-steps", type=int, default=6)
    parser.add_argument("--save", default="out/higher_order.png", help="plot of tanh^(k)")
    args = parser.parse_args(argv)

    print("1. tanh and its derivatives at x = -2, -1, 0, 1, 2")
    x = torch.linspace(-4, 4, 201, dtype=DTYPE)
    derivs = tanh_derivatives(x)
    closed = tanh_closed_forms(x)
    at_points = tanh_derivatives(torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=DTYPE))
    for k, (d, c, p) in enumerate(zip(derivs, closed, at_points)):
        print(f"   order {k}: {fmt(p.detach())}  "
              f"matches closed form on [-4, 4]: {torch.allclose(d, c, rtol=1e-10, atol=1e-12)}")

    print("2. Hessian-vector product of a logistic-regression loss")
    w = torch.tensor([0.3, -0.2], dtype=DTYPE, requires_grad=True)
    v = torch.tensor([1.0, 2.0], dtype=DTYPE)
    (g,) = torch.autograd.grad(logistic_loss(w), w, create_graph=True)
    (hv,) = torch.autograd.grad(g, w, grad_outputs=v)  # d/dw (g . v) = H v
    _, hv_functional = torch.autograd.functional.hvp(logistic_loss, w.detach(), v)
    H = torch.autograd.functional.hessian(logistic_loss, w.detach())
    print(f"   gradient      {fmt(g.detach())}")
    print(f"   H v (double backward) {fmt(hv)}")
    print(f"   H v (functional.hvp)  {fmt(hv_functional)}  "
          f"equal: {torch.allclose(hv, hv_functional, rtol=1e-12, atol=0)}")
    print(f"   H @ v (full Hessian)  {fmt(H @ v)}  "
          f"equal: {torch.allclose(hv, H @ v, rtol=1e-12, atol=0)}")

    print("3. Newton's method on the Rosenbrock function, from (-1.2, 1)")
    p = torch.tensor([-1.2, 1.0], dtype=DTYPE)
    for step in range(args.newton_steps + 1):
        p.requires_grad_(True)
        f = rosenbrock(p)
        (g,) = torch.autograd.grad(f, p)
        print(f"   step {step}: p = {fmt(p.detach())}  f = {f.item():.6f}  "
              f"|grad| = {g.norm().item():.6f}")
        if step < args.newton_steps:
            H = torch.autograd.functional.hessian(rosenbrock, p.detach())
            # jump to the minimum of the local quadratic model; without a line search f may
            # go up on the way (step 2), but near (1, 1) the error squares at every step
            p = p.detach() - solve_2x2(H, g)

    if plt is None:
        print("matplotlib is not installed: skipping the plot (pip install matplotlib)")
        return
    os.makedirs(os.path.dirname(args.save) or ".", exist_ok=True)
    plt.figure()
    for k, d in enumerate(derivs):
        plt.plot(x.numpy(), d.detach().numpy(), label=f"order {k}" if k else "tanh")
    plt.legend()
    plt.xlabel("x")
    plt.title("tanh and its first four derivatives, by autograd")
    plt.savefig(args.save)
    print(f"saved {args.save}")


if __name__ == "__main__":
    main()
