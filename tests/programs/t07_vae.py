import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import numpy as np

# A VAE on 8x8 binary-ish patterns: reparameterization with randn_like, KL by hand.
rng = np.random.default_rng(7)
protos = (rng.random((4, 64)) > 0.5).astype(np.float32)
data = protos[rng.integers(0, 4, size=128)]
data = np.clip(data + 0.1 * rng.standard_normal(data.shape), 0, 1).astype(np.float32)
x = torch.from_numpy(data)


class VAE(nn.Module):
    def __init__(self, latent=2):
        super().__init__()
        self.enc = nn.Linear(64, 32)
        self.mu = nn.Linear(32, latent)
        self.logvar = nn.Linear(32, latent)
        self.dec1 = nn.Linear(latent, 32)
        self.dec2 = nn.Linear(32, 64)

    def encode(self, x):
        h = F.relu(self.enc(x))
        return self.mu(h), self.logvar(h)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z))))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.shape[0]


torch.manual_seed(0)
model = VAE()
optimizer = optim.Adam(model.parameters(), lr=1e-2)
losses = []
for step in range(50):
    model.train()
    optimizer.zero_grad()
    recon, mu, logvar = model(x)
    loss = loss_function(recon, x, mu, logvar)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

model.eval()
with torch.no_grad():
    samples = model.decode(torch.randn(8, 2))
print("samples", tuple(samples.shape), bool(((samples >= 0) & (samples <= 1)).all()))
print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
