"""minitorch: PyTorch's API, rebuilt on NumPy (CPU) and CuPy (GPU) for reading and learning.

    import minitorch as torch
"""
from __future__ import annotations

from . import autograd, backend, cuda, dtypes, nn, ops, optim, utils  # noqa: F401
from . import random as random  # noqa: F401
from . import accelerator, backends  # noqa: F401
from . import special  # noqa: F401
from . import version as version  # noqa: F401
from .autograd import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled,
)
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: F401
from .backend import device  # noqa: F401
from .creation import (  # noqa: F401
    BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor, arange,
    as_tensor, bernoulli, empty, empty_like, eye, from_numpy, full, full_like, linspace,
    multinomial, normal, ones, ones_like, rand, rand_like, randint, randn, randn_like,
    randperm, tensor, zeros, zeros_like,
)
from .dtypes import (  # noqa: F401
    bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int,
    int8, int16, int32, int64, long, set_default_dtype, short, uint8,
)
from .type_info import can_cast, finfo, iinfo, promote_types, result_type  # noqa: F401
from . import return_types  # noqa: F401
from .serialization import load, save  # noqa: F401
from .random import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state  # noqa: F401,E501
from .tensor import Size, Tensor, is_tensor  # noqa: F401
from .tensor_repr import set_printoptions  # noqa: F401
from .threads import get_num_threads, set_num_threads  # noqa: F401
from .determinism import (  # noqa: F401
    are_deterministic_algorithms_enabled, get_deterministic_debug_mode,
    is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
    use_deterministic_algorithms,
)

from .version import __version__  # noqa: E402,F401


# Loaded on first use (PEP 562), so `import minitorch` stays the core: vision brings Pillow and
# ~60 modules (0.1 s of the 0.8 s import), distributions 25 ms, linalg 9 ms; distributed is
# for multi-process jobs only (mpi4py itself loads only when a backend starts). After the
# first `minitorch.vision`, the submodule is a plain attribute and this hook is not called.
_LAZY_SUBMODULES = ("vision", "distributions", "linalg", "distributed")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))


def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


def numel(input) -> int:
    return input.numel()


def clamp_(input, min=None, max=None):  # noqa: F811 (torch's parameter names)
    return input.clamp_(min, max)


# The op functions declared with @public beside their op (ops/registry.py,
# docs/adding_an_op.md): minitorch.exp is minitorch.ops.unary.exp.
ops.registry.export_functions(__name__)
