import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np

# A GAN on a 1-D Gaussian N(3, 0.5): two optimizers, detach() for the D step,
# BCEWithLogitsLoss. All noise comes from NumPy, so the run is deterministic.
rng = np.random.default_rng(6)
G = nn.Sequential(nn.Linear(4, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
D = nn.Sequential(nn.Linear(1, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
with torch.no_grad():
    for p in list(G.parameters()) + list(D.parameters()):
        p.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, p.shape).astype(np.float32)))

opt_g = optim.Adam(G.parameters(), lr=5e-3, betas=(0.5, 0.999))
opt_d = optim.Adam(D.parameters(), lr=5e-3, betas=(0.5, 0.999))
criterion = nn.BCEWithLogitsLoss()
batch = 64
ones = torch.ones(batch, 1)
zeros = torch.zeros(batch, 1)
losses, d_losses = [], []
for step in range(40):
    real = torch.from_numpy(rng.normal(3.0, 0.5, size=(batch, 1)).astype(np.float32))
    z = torch.from_numpy(rng.standard_normal((batch, 4)).astype(np.float32))
    fake = G(z)

    opt_d.zero_grad()
    d_loss = criterion(D(real), ones) + criterion(D(fake.detach()), zeros)
    d_loss.backward()
    opt_d.step()

    opt_g.zero_grad()
    g_loss = criterion(D(fake), ones)
    g_loss.backward()
    opt_g.step()
    d_losses.append(d_loss.item())
    # the generator's distance to the target mean is the "loss" that should shrink
    losses.append(abs(fake.mean().item() - 3.0))

print("D", " ".join(f"{v:.4f}" for v in d_losses[-5:]))
print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
with torch.no_grad():
    sample = G(torch.from_numpy(rng.standard_normal((256, 4)).astype(np.float32)))
print("fake mean", round(sample.mean().item(), 3), "std", round(sample.std().item(), 3))
