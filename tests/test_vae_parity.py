"""VAE parity: examples/vae.py trains step for step like reference/vae.py.

Both programs' VAE start from the same NumPy-made weights and see the same image batches;
the reparameterization noise eps comes from one NumPy generator per side (the programs'
`noise` hook), so z = mu + sigma * eps is the same. Each step runs Normal(mu, sigma),
kl_divergence(Normal, Normal) against the standard-normal prior, BCE-with-logits and
Adam. In float64 the per-step -ELBO and the final weights agree to 1e-9 relative.
The smoke runs in test_examples.py cover the `q.rsample()` path.
"""

import numpy as np
import torch
from test_training_parity import (  # noqa: F401 (_one_torch_thread: autouse fixture)
    _one_torch_thread,
    load_program,
)

import minitorch

STEPS = 20


def train(side, lib, weights, images):
    program = load_program(side, "vae")
    model = program.VAE(hidden=32, latent=4).to(lib.float64)
    model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in weights.items()})
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(0)

    def noise(shape):
        return lib.from_numpy(rng.standard_normal(shape))

    batches = (lib.from_numpy(images[i]) for i in range(STEPS))
    return np.array(program.train_steps(model, optimizer, batches, noise)), model


def test_vae_losses_match_torch_in_float64():
    ref_program = load_program("reference", "vae")
    shapes = {k: tuple(v.shape)
              for k, v in ref_program.VAE(hidden=32, latent=4).state_dict().items()}
    rng = np.random.default_rng(1)
    weights = {k: 0.1 * rng.standard_normal(shape) for k, shape in shapes.items()}
    images = rng.random((STEPS, 8, 1, 28, 28))  # intensities in [0, 1), as MNIST's

    ref_losses, ref_model = train("reference", torch, weights, images)
    mine_losses, mine_model = train("examples", minitorch, weights, images)

    assert mine_losses.shape == (STEPS,)
    np.testing.assert_allclose(mine_losses, ref_losses, rtol=1e-9, atol=1e-12)
    mine_state = mine_model.state_dict()
    for name, value in ref_model.state_dict().items():
        np.testing.assert_allclose(mine_state[name].numpy(), value.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=name)
