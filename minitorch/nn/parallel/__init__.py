"""torch.nn.parallel: DataParallel and data_parallel (one device; see data_parallel.py)."""
from .data_parallel import DataParallel, data_parallel  # noqa: F401
