import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np

# Three-class spiral, nn.Sequential MLP, CrossEntropyLoss, SGD with momentum.
rng = np.random.default_rng(1)
n, k = 40, 3
xs, ys = [], []
for j in range(k):
    r = np.linspace(0.1, 1, n)
    t = np.linspace(j * 4, (j + 1) * 4, n) + 0.2 * rng.standard_normal(n)
    xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
    ys.append(np.full(n, j))
x = torch.from_numpy(np.concatenate(xs).astype(np.float32))
y = torch.from_numpy(np.concatenate(ys).astype(np.int64))

model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, k))
with torch.no_grad():
    for p in model.parameters():
        fan_in = p.shape[1] if p.dim() > 1 else p.shape[0]
        p.copy_(torch.from_numpy(rng.uniform(-1, 1, p.shape).astype(np.float32) / np.sqrt(fan_in)))

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
losses = []
for epoch in range(60):
    optimizer.zero_grad()
    logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

with torch.no_grad():
    accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
print("accuracy", round(accuracy, 4))
