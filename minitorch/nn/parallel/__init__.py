"""torch.nn.parallel: DataParallel and data_parallel (one device; see data_parallel.py),
DistributedDataParallel (one process per rank; see distributed.py)."""
from .data_parallel import DataParallel, data_parallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401
