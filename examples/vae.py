"""A variational autoencoder (Kingma & Welling, 2014) on MNIST, with torch.distributions.

    python examples/vae.py --epochs 10 --out out/

The encoder maps an image x to q(z|x) = Normal(mu, sigma) over a 20-dimensional code z;
the decoder maps z back to the logits of 784 pixel intensities. Training maximizes the
evidence lower bound, i.e. minimizes per image
    -ELBO = reconstruction (binary cross-entropy, summed over pixels)
            + KL(q(z|x) || p(z)),  p(z) = Normal(0, 1),
where the KL term comes from `distributions.kl_divergence` in closed form, and z is drawn
with `q.rsample()` (z = mu + sigma * eps) so the gradient flows through the sample.
Saves out/vae.png: test digits, their reconstructions, and digits decoded from z ~ p(z).
"""
import argparse
import os

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.distributions import Normal, kl_divergence
from minitorch.utils.data import DataLoader

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: one log line per epoch instead of a progress bar
    tqdm = None

import _data


class VAE(nn.Module):
    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent)  # log sigma^2: any real number is valid
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 784))

    def encode(self, x):
        """x: (B, 1, 28, 28) -> q(z|x), a batch of B diagonal Normals over `latent` dims."""
        h = self.encoder(x)
        return Normal(self.mu(h), torch.exp(0.5 * self.log_var(h)))

    def decode(self, z):
        """z: (B, latent) -> pixel logits (B, 1, 28, 28)."""
        return self.decoder(z).view(-1, 1, 28, 28)


def negative_elbo(model, x, noise=None):
    """-ELBO per image, averaged over the batch. z = q.rsample(); a test may pass
    `noise(shape)` returning eps, to draw the same z = mu + sigma * eps in two libraries."""
    q = model.encode(x)
    z = q.rsample() if noise is None else q.loc + q.scale * noise(tuple(q.loc.shape))
    reconstruction = F.binary_cross_entropy_with_logits(model.decode(z), x, reduction="sum")
    prior = Normal(torch.zeros_like(q.loc), torch.ones_like(q.scale))
    kl = kl_divergence(q, prior).sum()
    return (reconstruction + kl) / x.shape[0]


def train_steps(model, optimizer, batches, noise=None, bar=None):
    """One Adam step per batch of images; returns the losses as floats."""
    losses = []
    for x in batches:
        loss = negative_elbo(model, x, noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if bar is not None:
            bar.set_postfix(loss=f"{losses[-1]:.2f}")
            bar.update(1)
    return losses


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="subset", choices=["auto", "mnist", "subset", "fake"])
    parser.add_argument("--root", default="./data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch")
    parser.add_argument("--out", default="out", help="folder for vae.png")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    train_set, test_set, data_name = _data.mnist(args.data, args.root)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        steps = len(loader) if args.limit is None else min(args.limit, len(loader))
        batches = (x for step, (x, _) in zip(range(steps), loader))
        bar = tqdm(total=steps, desc=f"epoch {epoch}") if tqdm is not None else None
        losses = train_steps(model, optimizer, batches, bar=bar)
        if bar is not None:
            bar.close()
        print(f"epoch {epoch}: train -ELBO {sum(losses) / len(losses):.2f} per image")

    with torch.no_grad():
        test_images = torch.stack([test_set[i][0] for i in range(len(test_set))])
        model.eval()
        test_loss = negative_elbo(model, test_images).item()
        originals = test_images[:16]
        reconstructions = torch.sigmoid(model.decode(model.encode(originals).mean))
        samples = torch.sigmoid(model.decode(torch.randn(16, model.latent)))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "vae.png")
    _data.save_image(torch.cat([originals, reconstructions, samples]), path, nrow=8)
    print(f"summary: data={data_name} epochs={args.epochs} test_negative_elbo={test_loss:.2f} "
          f"image={path}")


if __name__ == "__main__":
    main()
