"""Tiny GPT parity: examples/tiny_gpt.py trains step for step like reference/tiny_gpt.py.

Both programs' TinyGPT start from the same NumPy-made weights and their `train_steps`
draw the same text windows from identically seeded NumPy generators. Every step runs
embeddings, LayerNorm, causal scaled-dot-product attention, GELU, cross-entropy,
gradient-norm clipping and AdamW with weight decay. In float64 the per-step losses and
the final weights agree to 1e-9 relative; a sample drawn from the trained models (NumPy
draws from their softmax) is the same text.
"""

import numpy as np
import torch
from test_training_parity import (  # noqa: F401 (_one_torch_thread: autouse fixture)
    _one_torch_thread,
    load_program,
)

import minitorch

STEPS = 20
CONFIG = {"context": 16, "width": 32, "layers": 2, "heads": 4}


def train(side, lib, weights):
    program = load_program(side, "tiny_gpt")
    _, chars, ids = program.load_text()
    model = program.TinyGPT(len(chars), **CONFIG).to(lib.float64)
    model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in weights.items()})
    optimizer = lib.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)
    losses = program.train_steps(model, optimizer, ids, np.random.default_rng(0), STEPS,
                                 batch_size=4)
    sample = program.generate(model, [0, 1, 2], 30, np.random.default_rng(5))
    return np.array(losses), model, sample


def test_tiny_gpt_losses_match_torch_in_float64():
    ref_program = load_program("reference", "tiny_gpt")
    _, chars, _ = ref_program.load_text()
    shapes = {k: tuple(v.shape)
              for k, v in ref_program.TinyGPT(len(chars), **CONFIG).state_dict().items()}
    rng = np.random.default_rng(1)
    # larger than the program's 0.02 init, so attention is far from uniform from step 0
    weights = {k: 0.2 * rng.standard_normal(shape) for k, shape in shapes.items()}

    ref_losses, ref_model, ref_sample = train("reference", torch, weights)
    mine_losses, mine_model, mine_sample = train("examples", minitorch, weights)

    assert mine_losses.shape == (STEPS,)
    assert ref_losses[-1] < ref_losses[0]  # it trains: the comparison is not of a flat line
    np.testing.assert_allclose(mine_losses, ref_losses, rtol=1e-9, atol=1e-12)
    mine_state = mine_model.state_dict()
    assert sorted(mine_state) == sorted(ref_model.state_dict())
    for name, value in ref_model.state_dict().items():
        np.testing.assert_allclose(mine_state[name].numpy(), value.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=name)
    assert mine_sample == ref_sample
