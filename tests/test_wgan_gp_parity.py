"""WGAN-GP parity: examples/wgan_gp.py trains step for step like reference/wgan_gp.py.

Both programs' Generator and Critic start from the same NumPy-made weights, and their
`train_steps` draw data, noise and interpolation weights from identically seeded NumPy
generators. The critic loss includes the gradient penalty, so every step runs double
backward (`autograd.grad(..., create_graph=True)` then `backward()`) through Linear,
LeakyReLU and `norm(2, dim=1)`. In float64 the per-step losses and the final weights
agree to 1e-9 relative.
"""
import importlib.util
import pathlib

import numpy as np
import pytest
import torch

import minitorch

ROOT = pathlib.Path(__file__).resolve().parents[1]
STEPS = 20


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """More torch threads than free cores made these runs many times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def load_program(side):
    """examples/wgan_gp.py or reference/wgan_gp.py as a module (not run as __main__)."""
    spec = importlib.util.spec_from_file_location(f"{side}_wgan_gp",
                                                  ROOT / side / "wgan_gp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train(side, lib, weights, steps=STEPS):
    program = load_program(side)
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
    ref_program = load_program("reference")
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
