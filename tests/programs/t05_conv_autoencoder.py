import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np

# Convolutional autoencoder: Conv2d down, ConvTranspose2d up, on 16x16 blobs.
rng = np.random.default_rng(5)
grid = np.stack(np.meshgrid(np.arange(16), np.arange(16), indexing="ij"))
centers = rng.uniform(4, 12, size=(24, 2, 1, 1))
images = np.exp(-((grid[None] - centers) ** 2).sum(1) / 8.0)[:, None].astype(np.float32)
x = torch.from_numpy(images)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(),     # 8x8x8
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),    # 16x4x4
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(8, 1, 4, stride=2, padding=1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = AutoEncoder()
with torch.no_grad():
    for name, p in model.named_parameters():
        fan = p[0].numel() if p.dim() > 1 else 10
        p.copy_(torch.from_numpy(rng.uniform(-1, 1, p.shape).astype(np.float32) / np.sqrt(fan)))
optimizer = optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.MSELoss()
losses = []
for step in range(50):
    optimizer.zero_grad()
    recon = model(x)
    loss = criterion(recon, x)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

print("shape", tuple(model.encoder(x).shape), tuple(recon.shape))
print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
