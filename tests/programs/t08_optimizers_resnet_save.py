import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import numpy as np
import os

# Same residual net, same start, four optimizers; then save and reload a state_dict.
rng = np.random.default_rng(8)
x_np = rng.standard_normal((48, 2, 6, 6)).astype(np.float32)
y_np = (x_np[:, 0].mean(axis=(1, 2)) > x_np[:, 1].mean(axis=(1, 2))).astype(np.int64)
x = torch.from_numpy(x_np)
y = torch.from_numpy(y_np)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 4, 3, padding=1)
        self.block = ResidualBlock(4)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        x = self.block(F.relu(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


start = ResNet()
with torch.no_grad():
    for name, p in start.named_parameters():
        if name.endswith("weight") and p.dim() == 1:      # batch-norm scales
            p.copy_(torch.from_numpy(1 + 0.1 * rng.standard_normal(p.shape).astype(np.float32)))
        else:
            fan = p[0].numel() if p.dim() > 1 else 4
            p.copy_(torch.from_numpy(rng.uniform(-1, 1, p.shape).astype(np.float32) / np.sqrt(fan)))
initial = {k: v.clone() for k, v in start.state_dict().items()}

makers = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1),
    "Momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9),
    "Adam": lambda ps: optim.Adam(ps, lr=0.01, weight_decay=1e-4),
}
losses, finals = [], {}
for name, make in makers.items():
    model = ResNet()
    model.load_state_dict(initial)
    optimizer = make(model.parameters())
    model.train()
    for step in range(15):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    finals[name] = loss.item()

path = os.path.join(os.getcwd(), "resnet.pt")
torch.save({"model": model.state_dict(), "optim": optimizer.state_dict()}, path)
checkpoint = torch.load(path)
reloaded = ResNet()
reloaded.load_state_dict(checkpoint["model"])
model.eval()
reloaded.eval()
with torch.no_grad():
    same = torch.allclose(model(x), reloaded(x))
    accuracy = (reloaded(x).argmax(1) == y).float().mean().item()
print("finals", " ".join(f"{k}={v:.4f}" for k, v in finals.items()))
running_mean = checkpoint["model"]["block.bn1.running_mean"]
print("reloaded same", bool(same), "running_mean", tuple(running_mean.shape))
print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
print("accuracy", round(accuracy, 4))
