"""lgamma and digamma (array-level and as ops) for the Gamma-family log-densities,
entropies and KLs. They are public ops now (minitorch.lgamma, minitorch.digamma,
minitorch.polygamma), defined in minitorch/ops/gamma_functions.py; these are the names
gamma.py, kl.py and standard_gamma.py import.
"""
from __future__ import annotations

from ..ops.gamma_functions import Digamma, Lgamma  # noqa: F401
from ..ops.gamma_functions import digamma_array as digamma  # noqa: F401
from ..ops.gamma_functions import lgamma_array as lgamma  # noqa: F401
