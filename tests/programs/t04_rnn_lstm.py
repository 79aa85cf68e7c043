import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np

# (a) LSTM regressor: sin sequence -> cos sequence; (b) GRU/RNN classifier: is the
# sequence rising or falling.
rng = np.random.default_rng(4)


def init_(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, p.shape).astype(np.float32)))


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.head(out)


phase = rng.uniform(0, 2 * np.pi, size=(16, 1))
t = np.linspace(0, 2 * np.pi, 20)[None, :] + phase
x = torch.from_numpy(np.sin(t)[..., None].astype(np.float32))
y = torch.from_numpy(np.cos(t)[..., None].astype(np.float32))
reg = Regressor()
init_(reg)
opt = optim.Adam(reg.parameters(), lr=0.02)
losses = []
for step in range(30):
    opt.zero_grad()
    loss = nn.functional.mse_loss(reg(x), y)
    loss.backward()
    nn.utils.clip_grad_norm_(reg.parameters(), 1.0)
    opt.step()
    losses.append(loss.item())


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 8, num_layers=1, batch_first=True, nonlinearity="tanh")
        self.gru = nn.GRU(8, 8, batch_first=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        _, h = self.gru(out)
        return self.fc(h[-1])


labels = rng.integers(0, 2, size=32)
seq = np.cumsum(rng.uniform(0, 0.3, size=(32, 12)), axis=1)
seq = np.where(labels[:, None] == 1, seq, -seq) + rng.normal(0, 0.1, size=(32, 12))
xs = torch.from_numpy(seq[..., None].astype(np.float32))
ys = torch.from_numpy(labels.astype(np.int64))
clf = Classifier()
init_(clf)
opt = optim.SGD(clf.parameters(), lr=0.5, momentum=0.5)
for step in range(30):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(clf(xs), ys)
    loss.backward()
    opt.step()
    losses.append(loss.item())
with torch.no_grad():
    accuracy = (clf(xs).argmax(1) == ys).float().mean().item()

print("LOSSES", " ".join(f"{v:.8g}" for v in losses))
print("accuracy", round(accuracy, 4))
