"""Random numbers: one global generator (seeded by `manual_seed`) and `Generator` objects.

CPU tensors draw from a NumPy `Generator`; CUDA tensors draw on the GPU from CuPy's
generator (seeded by `manual_seed` too), so sampling never copies through the host.
The streams differ from torch's: seeding makes minitorch reproducible, not torch-equal.
"""
from __future__ import annotations

import numpy as np

from . import backend


class Generator:
    """torch.Generator: `Generator().manual_seed(0)` gives an independent stream."""

    def __init__(self, device="cpu"):
        self.device = backend.as_device(device)
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        return self.manual_seed(int(np.random.SeedSequence().entropy % (2**63))).initial_seed()

    def get_state(self):
        from .tensor import Tensor

        state = self.rng.bit_generator.state
        import json

        raw = np.frombuffer(json.dumps(state).encode(), dtype=np.uint8).copy()
        return Tensor._wrap(raw)

    def set_state(self, new_state):
        import json

        self.rng.bit_generator.state = json.loads(bytes(new_state._data.tolist()).decode())
        return self


default_generator = Generator()

# The seed CuPy's generator still has to get. `manual_seed` usually runs before anything
# touches the GPU (seed, build the model, then `.to("cuda")`), when CuPy may not even be
# imported yet; the seed waits here and is applied by the first draw on a GPU.
_cuda_seed_pending = None


def manual_seed(seed):
    """Seed the global generator and CuPy's (now, or at its first use). Returns the
    generator."""
    global _cuda_seed_pending
    seed = int(seed)
    default_generator.manual_seed(seed)
    if backend._cupy is not None:
        seed_cuda(seed)
    else:
        _cuda_seed_pending = seed
    return default_generator


def seed_cuda(seed):
    """Seed CuPy's generator now (`minitorch.cuda.manual_seed`); a seed still waiting
    from `manual_seed` is dropped, so the later call wins, as in torch."""
    global _cuda_seed_pending
    backend.require_cupy().random.seed(int(seed))
    _cuda_seed_pending = None


def _cuda_random():
    """cupy.random, seeded with the last manual_seed if that came before CuPy loaded."""
    if _cuda_seed_pending is not None:
        seed_cuda(_cuda_seed_pending)
    return backend.require_cupy().random


seed = default_generator.seed


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def _rng(generator):
    return (generator or default_generator).rng


def uniform(shape, low, high, dtype, device, generator=None):
    """An xp array of U[low, high) samples in `dtype` on `device`."""
    shape = tuple(shape)
    if device.type == "cuda" and generator is None:
        return _cuda_random().uniform(low, high, shape).astype(dtype.np, copy=False)
    sample = _rng(generator).random(shape, dtype=np.float64 if dtype.np != np.float32
                                    else np.float32)
    out = (sample * (high - low) + low).astype(dtype.np, copy=False)
    return backend.move(out, device)


def normal(shape, mean, std, dtype, device, generator=None):
    shape = tuple(shape)
    if device.type == "cuda" and generator is None:
        return _cuda_random().normal(mean, std, shape).astype(dtype.np, copy=False)
    dt = np.float32 if dtype.np == np.float32 else np.float64
    out = (_rng(generator).standard_normal(shape, dtype=dt) * std + mean).astype(dtype.np,
                                                                                copy=False)
    return backend.move(out, device)


def integers(shape, low, high, device, generator=None, dtype=np.int64):
    shape = tuple(shape)
    if device.type == "cuda" and generator is None:
        return _cuda_random().randint(low, high, shape).astype(dtype, copy=False)
    return backend.move(_rng(generator).integers(low, high, shape).astype(dtype), device)


def permutation(n, device, generator=None):
    if device.type == "cuda" and generator is None:
        return _cuda_random().permutation(n).astype("int64")
    return backend.move(_rng(generator).permutation(n).astype(np.int64), device)
