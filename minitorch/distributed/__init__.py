"""minitorch.distributed: torch.distributed's API on MPI (CPU) and NCCL (GPU).

Launch one process per rank with an MPI launcher and start the default group:

    mpiexec -n 2 python train.py          # train.py: dist.init_process_group("mpi")

Modules: process_group.py (init, groups, ranks), collectives.py (argument checks, then
the backend), mpi_backend.py (mpi4py, imported only when the "mpi" backend starts),
nccl_backend.py (cupy.cuda.nccl), object_collectives.py (pickled objects as byte
tensors), rendezvous.py (launcher environment, NCCL id over
TCP), reduce_op.py, work.py (async handles). `import minitorch` never imports mpi4py.
"""
from __future__ import annotations

import importlib.util

from .collectives import (
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    barrier,
    broadcast,
    gather,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter_tensor,
    scatter,
    send,
)
from .object_collectives import all_gather_object, broadcast_object_list, gather_object
from .process_group import (
    GroupMember,
    ProcessGroup,
    destroy_process_group,
    get_backend,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    group,
    init_process_group,
    is_initialized,
    new_group,
)
from .reduce_op import ReduceOp
from .work import Work


def is_mpi_available():
    """Whether mpi4py is installed (it is imported only when the "mpi" backend starts)."""
    return importlib.util.find_spec("mpi4py") is not None


def is_nccl_available():
    """Whether CuPy with its NCCL bindings is installed."""
    if importlib.util.find_spec("cupy") is None:
        return False
    try:
        from cupy.cuda import nccl
    except Exception:  # noqa: BLE001  (CuPy without NCCL, or the simulated CuPy)
        return False
    return bool(getattr(nccl, "available", True))


def is_available():
    """True when a backend can run here: mpi4py (CPU) or CuPy's NCCL (GPU)."""
    return is_mpi_available() or is_nccl_available()


__all__ = [
    "GroupMember",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "irecv",
    "is_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "isend",
    "new_group",
    "recv",
    "reduce",
    "reduce_scatter_tensor",
    "scatter",
    "send",
]
