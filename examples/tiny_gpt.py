"""A tiny GPT: a character-level decoder-only Transformer trained on public-domain texts.

    python examples/tiny_gpt.py                          # 4 layers, 4 heads, 128 wide
    python examples/tiny_gpt.py --steps 3000 --sample-length 500

The text is minitorch/data/public_domain_texts.txt (15 KB: the Declaration of
Independence, the Gettysburg Address, five Shakespeare sonnets and four poems; all in the
public domain, see minitorch/data/README.md). Each character is a token. The model is
GPT-2's layout at toy size: token + position embeddings, pre-LayerNorm blocks of causal
self-attention (`F.scaled_dot_product_attention(..., is_causal=True)`: position t attends
to positions <= t only) and a 4x-wide MLP with GELU (tanh form), then a linear head over
the characters.
It learns to predict the next character with cross-entropy; sampling then feeds its own
predictions back in. The last tenth of the text is held out for a validation loss.
"""
import argparse
import math
import os
import time

import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: plain log lines instead of a progress bar
    tqdm = None

TEXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "minitorch",
                    "data", "public_domain_texts.txt")


class CausalSelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)  # queries, keys and values in one product
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        batch, time_steps, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)
        # (B, T, C) -> (B, heads, T, C / heads): each head attends on its own slice
        q, k, v = [t.view(batch, time_steps, self.heads, width // self.heads).transpose(1, 2)
                   for t in (q, k, v)]
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).contiguous().view(batch, time_steps, width))


class Block(nn.Module):
    """x + attention(norm(x)), then x + mlp(norm(x)): pre-norm, as in GPT-2."""

    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        # GPT-2's GELU is the tanh approximation (also cheaper than erf on NumPy)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * width, width))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, context=64, width=128, layers=4, heads=4):
        super().__init__()
        self.context = context
        self.token = nn.Embedding(vocab_size, width)
        self.position = nn.Embedding(context, width)
        self.blocks = nn.Sequential(*[Block(width, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab_size)
        for module in self.modules():  # GPT-2's init: small weights keep early logits flat
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)

    def forward(self, idx):
        """idx: (B, T) character ids, T <= context -> logits (B, T, vocab_size)."""
        positions = torch.arange(idx.shape[1], device=idx.device)
        x = self.token(idx) + self.position(positions)
        return self.head(self.ln_f(self.blocks(x)))


def load_text(path=TEXT):
    """The text, its sorted characters, and the text as an int64 NumPy array of their ids."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], dtype=np.int64)
    return text, chars, ids


def get_batch(ids, rng, batch_size, context):
    """batch_size random windows of the text: inputs ids[i:i+T], targets ids[i+1:i+T+1]."""
    starts = rng.integers(0, len(ids) - context - 1, size=batch_size)
    window = starts[:, None] + np.arange(context)
    return torch.from_numpy(ids[window]), torch.from_numpy(ids[window + 1])


def loss_on(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1))


def train_steps(model, optimizer, ids, rng, steps, batch_size, log_every=0, bar=None):
    """Runs `steps` AdamW steps on random windows drawn with the NumPy generator `rng` (so
    a test can feed both libraries the same batches). Returns the losses as floats."""
    losses = []
    for step in range(steps):
        x, y = get_batch(ids, rng, batch_size, model.context)
        loss = loss_on(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        # clipping keeps the first steps (large gradients from the flat init) stable
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{losses[-1]:.4f}")
        if log_every and (step % log_every == 0 or step == steps - 1):
            line = f"step {step:5d}  loss {losses[-1]:.4f}"
            if bar is not None:
                bar.write(line)
            else:
                print(line, flush=True)
    return losses


@torch.no_grad()
def evaluate(model, ids, batches=4, batch_size=32):
    """Mean loss on fixed windows of `ids` (the same windows every call)."""
    rng = np.random.default_rng(1234)
    model.eval()
    total = sum(loss_on(model, *get_batch(ids, rng, batch_size, model.context)).item()
                for _ in range(batches))
    model.train()
    return total / batches


@torch.no_grad()
def generate(model, prompt_ids, length, rng, temperature=0.8):
    """Extends prompt_ids by `length` characters, each drawn (with NumPy, so both libraries
    draw alike) from the softmax of the last position's logits / temperature."""
    model.eval()
    ids = list(prompt_ids)
    for _ in range(length):
        window = torch.tensor([ids[-model.context:]])
        logits = model(window)[0, -1].double() / temperature
        probs = F.softmax(logits, dim=0).numpy()
        ids.append(int(rng.choice(len(probs), p=probs / probs.sum())))
    model.train()
    return ids


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--sample-length", type=int, default=300)
    parser.add_argument("--prompt", default="We hold these truths")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    text, chars, ids = load_text()
    split = int(0.9 * len(ids))
    train_ids, val_ids = ids[:split], ids[split:]
    model = TinyGPT(len(chars), args.context, args.width, args.layers, args.heads)
    model = model.to(getattr(torch, args.dtype))
    params = sum(p.numel() for p in model.parameters())
    print(f"text: {len(text)} characters, {len(chars)} distinct; model: {params} parameters")
    print(f"loss of a uniform guess: ln({len(chars)}) = {math.log(len(chars)):.4f}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)

    start = time.perf_counter()
    bar = tqdm(total=args.steps, desc="train") if tqdm is not None else None
    losses = train_steps(model, optimizer, train_ids, rng, args.steps, args.batch_size,
                         log_every=args.log_every, bar=bar)
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - start

    prompt = [chars.index(c) for c in args.prompt if c in chars]
    sample = generate(model, prompt, args.sample_length, rng)
    print("sample:\n" + "".join(chars[i] for i in sample))
    train_loss = float(np.mean(losses[-20:]))
    print(f"summary: steps={args.steps} train_loss={train_loss:.4f} "
          f"val_loss={evaluate(model, val_ids):.4f} seconds={seconds:.1f}")


if __name__ == "__main__":
    main()
