"""A convolutional autoencoder on MNIST: Conv2d down to 32x7x7, ConvTranspose2d back up.

    python reference/mnist_autoencoder.py --epochs 3 --out out/

Saves out/autoencoder.png: a grid with test digits in the top rows and their
reconstructions below them.
"""
import argparse
import os

from tqdm import tqdm

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

import _data


class AutoEncoder(nn.Module):
    def __init__(self):
        super(AutoEncoder, self).__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1),  # (1, 28, 28) -> (16, 14, 14)
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),  # -> (32, 7, 7)
            nn.ReLU(),
        )
        # H_out = (H_in - 1) * stride - 2 * padding + kernel_size + output_padding
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1),  # -> 14x14
            nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),  # -> 28x28
            nn.Sigmoid(),  # pixels in [0, 1], like the inputs
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="subset", choices=["auto", "mnist", "subset", "fake"])
    parser.add_argument("--root", default="./data")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many batches per epoch")
    parser.add_argument("--out", default="out", help="folder for autoencoder.png")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    train_set, test_set, data_name = _data.mnist(args.data, args.root)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)

    model = AutoEncoder().to(args.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_func = nn.MSELoss()
    for epoch in range(args.epochs):
        steps = len(loader) if args.limit is None else min(args.limit, len(loader))
        bar = tqdm(total=steps, desc=f"epoch {epoch}")
        for step, (b_x, _) in enumerate(loader):
            if step == steps:
                break
            b_x = b_x.to(args.device)
            decoded = model(b_x)
            loss = loss_func(decoded, b_x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.set_postfix(loss=f"{loss.item():.4f}")
            bar.update(1)
        bar.close()

    with torch.no_grad():
        originals = torch.stack([test_set[i][0] for i in range(16)]).to(args.device)
        decoded = model(originals)
        test_loss = loss_func(decoded, originals).item()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "autoencoder.png")
    _data.save_image(torch.cat([originals, decoded]), path, nrow=8)
    print(f"summary: data={data_name} device={args.device} epochs={args.epochs} "
          f"reconstruction_mse={test_loss:.4f} image={path}")


if __name__ == "__main__":
    main()
