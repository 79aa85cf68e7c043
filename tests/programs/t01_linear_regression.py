import torch
import numpy as np

# Tensor basics, then y = 3x - 2 fitted with autograd and a hand-written SGD step.
rng = np.random.default_rng(0)
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b = torch.ones(2, 2) * 0.5
c = (a @ b + a * b - a.t()).sum(dim=1)
print("basics", c.tolist(), a.shape, a.dtype, a.mean().item(), a.view(4)[2].item())

x_np = rng.uniform(-1, 1, size=(64, 1)).astype(np.float32)
y_np = (3 * x_np - 2 + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
x = torch.from_numpy(x_np)
y = torch.from_numpy(y_np)

w = torch.tensor([[0.5]], requires_grad=True)
bias = torch.zeros(1, requires_grad=True)
lr = 0.1
losses = []
for step in range(40):
    pred = x @ w + bias
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        bias -= lr * bias.grad
    w.grad.zero_()
    bias.grad.zero_()
    losses.append(loss.item())

print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
print("w", round(w.item(), 3), "b", round(bias.item(), 3))
