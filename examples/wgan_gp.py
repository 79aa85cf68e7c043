"""Train a WGAN with gradient penalty (WGAN-GP) on 8 Gaussians arranged on a ring.

    python examples/wgan_gp.py --steps 2000 --save out/wgan_gp.png

The critic is kept 1-Lipschitz by a penalty on the norm of its gradient with respect to
its input (Gulrajani et al., 2017). That gradient is itself part of the loss, so training
differentiates a gradient: `autograd.grad(..., create_graph=True)`, then `backward()`.
GANs train slowly: after a few thousand steps the samples only start to spread toward the
eight modes; covering them all takes far more steps (or a wider network).
"""
import argparse
import math
import os

import numpy as np

import minitorch as torch

try:
    import matplotlib
    matplotlib.use("Agg")  # write files, never open a window
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

NOISE_DIM = 2


def eight_gaussians(rng, n, radius=2.0, std=0.02):
    """n points (a NumPy array, shape (n, 2)) from 8 Gaussians evenly spaced on a circle."""
    angles = 2 * math.pi * rng.integers(0, 8, size=n) / 8
    centers = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return centers + std * rng.standard_normal((n, 2))


class Generator(torch.nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(NOISE_DIM, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, 2))

    def forward(self, z):
        return self.net(z)


class Critic(torch.nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, hidden), torch.nn.LeakyReLU(0.2),
            torch.nn.Linear(hidden, hidden), torch.nn.LeakyReLU(0.2),
            torch.nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)


def gradient_penalty(critic, real, fake, alpha, weight=10.0):
    """weight * E[(|grad_x critic(x)| - 1)^2] at points x between real and fake samples."""
    interp = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    score = critic(interp)
    # create_graph=True keeps the gradient differentiable, so backward() reaches the critic's
    # weights through it (double backward)
    (grad,) = torch.autograd.grad(outputs=score, inputs=interp,
                                  grad_outputs=torch.ones_like(score), create_graph=True)
    return ((grad.norm(2, dim=1) - 1) ** 2).mean() * weight


def train_steps(generator, critic, opt_g, opt_c, sample_data, rng, steps, batch_size=256,
                critic_iters=5, log_every=0):
    """Runs `steps` generator updates, each after `critic_iters` critic updates.

    All randomness (data, noise, interpolation weights) comes from the NumPy generator `rng`
    through `sample_data(rng, n)`, so a test can feed identical numbers to two libraries.
    Returns the per-step (critic_loss, generator_loss) pairs as floats.
    """
    dtype = next(critic.parameters()).dtype

    def tensor(array):
        return torch.from_numpy(array).to(dtype)

    losses = []
    for step in range(steps):
        for _ in range(critic_iters):
            real = tensor(sample_data(rng, batch_size))
            fake = generator(tensor(rng.standard_normal((batch_size, NOISE_DIM)))).detach()
            alpha = tensor(rng.random((batch_size, 1)))
            # the critic scores real samples high and fakes low: minimize E[D(fake)] - E[D(real)]
            critic_loss = (critic(fake).mean() - critic(real).mean()
                           + gradient_penalty(critic, real, fake, alpha))
            opt_c.zero_grad()
            critic_loss.backward()
            opt_c.step()

        fake = generator(tensor(rng.standard_normal((batch_size, NOISE_DIM))))
        generator_loss = -critic(fake).mean()
        opt_g.zero_grad()
        generator_loss.backward()
        opt_g.step()

        losses.append((critic_loss.item(), generator_loss.item()))
        if log_every and (step % log_every == 0 or step == steps - 1):
            print(f"step {step:5d}  critic loss {losses[-1][0]:8.4f}  "
                  f"generator loss {losses[-1][1]:8.4f}")
    return losses


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--save", default="out/wgan_gp.png", help="scatter plot of samples")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    dtype = getattr(torch, args.dtype)
    generator, critic = Generator().to(dtype), Critic().to(dtype)
    # the WGAN-GP paper's Adam settings: a low beta1 keeps the critic responsive
    opt_g = torch.optim.Adam(generator.parameters(), lr=args.lr, betas=(0.5, 0.9))
    opt_c = torch.optim.Adam(critic.parameters(), lr=args.lr, betas=(0.5, 0.9))
    train_steps(generator, critic, opt_g, opt_c, eight_gaussians, rng, args.steps,
                batch_size=args.batch_size, log_every=args.log_every)

    if plt is None:
        print("matplotlib is not installed: skipping the plot (pip install matplotlib)")
        return
    real = eight_gaussians(rng, 1000)
    with torch.no_grad():
        fake = generator(torch.from_numpy(rng.standard_normal((1000, NOISE_DIM))).to(dtype))
    os.makedirs(os.path.dirname(args.save) or ".", exist_ok=True)
    plt.figure(figsize=(5, 5))
    plt.scatter(fake.numpy()[:, 0], fake.numpy()[:, 1], s=4, alpha=0.5, label="generator")
    plt.scatter(real[:, 0], real[:, 1], s=4, label="data")
    plt.legend()
    plt.title(f"WGAN-GP after {args.steps} steps")
    plt.savefig(args.save)
    print(f"saved {args.save}")


if __name__ == "__main__":
    main()
