"""WGAN-GP parity: examples/wgan_gp.py trains step for step like reference/wgan_gp.py.

Both programs' Generator and Critic start from the same NumPy-made weights, and their
`train_steps` draw data, noise and interpolation weights from identically seeded NumPy
generators. The critic loss includes the gradient penalty, so every step runs double
backward (`autograd.grad(..., create_graph=True)` then `backward()`) through Linear,
LeakyReLU and `norm(2, dim=1)`. In float64 the per-step losses and the final weights
agree to 1e-9 relative.
"""

import numpy as np
import torch
from test_training_parity import (  # noqa: F401 (_one_torch_thread: autouse fixture)
    _one_torch_thread,
    load_program,
)

import minitorch

STEPS = 20


def train(side, lib, weights, steps=STEPS):
    program = load_program(side, "wgan_gp")
    models = []
    for cls in (program.Generator, program.Critic):
        model = cls(hidden=16).to(lib.float64)
        state = weights[cls.__name__]
        model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
        models.append(model)
    generator, critic = models
    opt_g = lib.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.9))
    opt_c = lib.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
    losses = program.train_steps(generator, critic, opt_g, opt_c, program.eight_gaussians,
                                 np.random.default_rng(0), steps, batch_size=32,
                                 critic_iters=2)
    return np.array(losses), models


def test_wgan_gp_losses_match_torch_in_float64():
    ref_program = load_program("reference", "wgan_gp")
    rng = np.random.default_rng(1)
    weights = {}
    for cls in (ref_program.Generator, ref_program.Critic):
        shapes = {k: v.shape for k, v in cls(hidden=16).state_dict().items()}
        weights[cls.__name__] = {k: 0.5 * rng.standard_normal(tuple(shape))
                                 for k, shape in shapes.items()}

    ref_losses, ref_models = train("reference", torch, weights)
    mine_losses, mine_models = train("examples", minitorch, weights)

    assert mine_losses.shape == (STEPS, 2)
    np.testing.assert_allclose(mine_losses, ref_losses, rtol=1e-9, atol=1e-12)
    for ref_model, mine_model in zip(ref_models, mine_models):  # generator, critic
        mine_state = mine_model.state_dict()
        for name, value in ref_model.state_dict().items():
            np.testing.assert_allclose(mine_state[name].numpy(), value.numpy(),
                                       rtol=1e-9, atol=1e-12, err_msg=name)
