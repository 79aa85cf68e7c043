"""minitorch.backends: the switches tutorials set on torch.backends.

minitorch runs its own NumPy/CuPy kernels, never cuDNN or Metal, so the flags are kept
(code that sets them still runs) but choose nothing, and the `is_available()` answers say
what this process really has: `cudnn` and `mps` False, `cuda.is_built()` True when CuPy is
installed.
"""
from . import cuda, cudnn, mps, reference  # noqa: F401
