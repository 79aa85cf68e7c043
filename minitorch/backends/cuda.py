"""torch.backends.cuda: whether minitorch can use CUDA at all, and the matmul flags.

`is_built()` is torch's "compiled with CUDA": here, whether CuPy is installed (a GPU may
still be missing; `minitorch.cuda.is_available()` says whether one is usable).
"""
from __future__ import annotations

import importlib.util


def is_built() -> bool:
    return importlib.util.find_spec("cupy") is not None


class _MatmulFlags:
    """`torch.backends.cuda.matmul.allow_tf32 = True` still runs, but chooses nothing:
    CuPy decides TF32 from the CUPY_TF32 environment variable when it loads."""

    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()
