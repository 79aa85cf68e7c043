"""The default process group and new_group: which ranks talk, over which backend.

A ProcessGroup holds a backend communicator (MPIBackend or NCCLBackend) and the global
ranks of its members, in group order: collectives take global ranks (`src=`, `dst=`) as
torch's do, and the group translates them. `init_process_group` builds the world group
once; every collective without `group=` uses it.
"""
from __future__ import annotations

import os
import sys
import warnings

from . import rendezvous

NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to "
                   "call init_process_group.")
BACKENDS = ("mpi", "nccl")


class ProcessGroup:
    """Some ranks and the communicator that connects them."""

    def __init__(self, impl, ranks):
        self._impl = impl
        self._ranks = list(ranks)  # global ranks of the members, in group order

    def rank(self):
        return self._impl.rank

    def size(self):
        return len(self._ranks)

    def name(self):
        return self._impl.name

    def group_rank(self, global_rank, role="root"):
        """The member number of `global_rank`, with torch's error when it is not one."""
        if global_rank not in self._ranks:
            raise ValueError(f"Group {self!r} does not contain rank {global_rank} "
                             f"(invalid {role} rank)")
        return self._ranks.index(global_rank)

    def __repr__(self):
        return f"<ProcessGroup {self._impl.name} ranks={self._ranks}>"


class _State:
    def __init__(self):
        self.default = None      # the world ProcessGroup
        self.groups = []         # every group new_group made, to free them at destroy
        self.mpi = None          # the MPI world backend when an MPI launcher started us
        self.excepthook = None   # sys.excepthook before we replaced it


_state = _State()


class _World(type):
    """`group.WORLD` and `GroupMember.WORLD` are the default group, None before init."""

    @property
    def WORLD(cls):
        return _state.default


class GroupMember(metaclass=_World):
    NON_GROUP_MEMBER = -100  # what new_group returns to ranks outside the group


class group(metaclass=_World):
    pass


def default_group():
    if _state.default is None:
        raise ValueError(NOT_INITIALIZED)
    return _state.default


def resolve(group_arg):
    """The group a call means: the default for None; None for a non-member's group."""
    if group_arg is None:
        return default_group()
    if group_arg is GroupMember.NON_GROUP_MEMBER:
        return None
    return group_arg


def is_initialized():
    return _state.default is not None


def _abort_on_uncaught_exception(mpi, rank, size):
    """An exception that kills one rank must end the job, or the others wait forever in
    their next collective: print it, then MPI_Abort, which the launcher turns into the
    end of every rank (what `python -m mpi4py` does)."""
    previous = sys.excepthook

    def hook(kind, value, traceback):
        previous(kind, value, traceback)
        sys.stderr.write(f"minitorch.distributed: rank {rank} of {size} raised "
                         f"{kind.__name__}; aborting all ranks (MPI_Abort) so that no "
                         "rank waits forever in a collective\n")
        sys.stderr.flush()
        mpi.abort(1)

    sys.excepthook = hook
    return previous


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1,
                       rank=-1, store=None, group_name="", pg_options=None, device_id=None):
    """Start the default process group (torch.distributed.init_process_group).

    Args:
        backend (str): "mpi" (CPU tensors, through mpi4py; the default) or "nccl" (CUDA
            tensors, through cupy.cuda.nccl).
        init_method (str, optional): "env://" (RANK, WORLD_SIZE, MASTER_ADDR,
            MASTER_PORT) or "tcp://host:port"; used by nccl when not under mpiexec.
        world_size, rank (int): with mpi they come from the MPI launcher.
        timeout (timedelta): how long nccl's rendezvous waits for rank 0.
        device_id (int, optional): the GPU this rank uses with nccl; default the
            current device (call minitorch.cuda.set_device(local_rank) first).

    >>> dist.init_process_group("mpi")        # mpiexec -n 2 python train.py
    """
    if _state.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = "mpi" if backend is None else str(backend).lower()
    if name not in BACKENDS:
        raise ValueError(f"Invalid backend: '{backend}'; minitorch.distributed has 'mpi' "
                         "(CPU tensors) and 'nccl' (CUDA tensors)")
    seconds = 300.0 if timeout is None else timeout.total_seconds()
    # nccl under mpiexec shares its id over MPI; under torchrun, over TCP
    use_mpi = name == "mpi" or (rendezvous.launched_by_mpi() and "RANK" not in os.environ
                                and init_method in (None, "env://"))
    if use_mpi:
        from .mpi_backend import MPIBackend

        _state.mpi = MPIBackend.world()
        if (world_size > 0 and world_size != _state.mpi.size) or (
                rank >= 0 and rank != _state.mpi.rank):
            warnings.warn(f"For MPI backend, world_size ({world_size}) and rank ({rank}) are "
                          "ignored since they are assigned by the MPI runtime.", stacklevel=2)
        launched = int(os.environ.get("WORLD_SIZE", _state.mpi.size))
        if launched != _state.mpi.size and not rendezvous.launched_by_mpi():
            # torchrun started separate processes: each would be an MPI world of one and
            # train alone, silently
            _state.mpi = None
            raise RuntimeError(
                f"the mpi backend takes its ranks from an MPI launcher, but this process "
                f"was started with WORLD_SIZE={launched} and no mpiexec (MPI sees one "
                f"process): launch with `mpiexec -n {launched} python ...`, or use "
                "backend='nccl' with torchrun")
        rank, world_size = _state.mpi.rank, _state.mpi.size
        if _state.mpi.size > 1:
            _state.excepthook = _abort_on_uncaught_exception(_state.mpi, rank, world_size)
    if name == "mpi":
        impl = _state.mpi
    else:
        impl = _nccl_world(use_mpi, init_method, rank, world_size, seconds, device_id)
    _state.default = ProcessGroup(impl, range(impl.size))


def _nccl_world(use_mpi, init_method, rank, world_size, seconds, device_id):
    from . import nccl_backend

    if device_id is not None:
        from .. import cuda

        cuda.set_device(device_id)
    if use_mpi:  # the id travels over MPI, like every later new_group's id
        comm = _state.mpi.comm
        uid = comm.bcast(nccl_backend.unique_id() if rank == 0 else None, root=0)
        impl = nccl_backend.NCCLBackend(uid, rank, world_size)
        impl.sub_exchange = lambda uid, root: comm.bcast(uid, root=root)
        return impl
    rank, world_size = rendezvous.env_rank_size(rank, world_size, init_method)
    host, port = rendezvous.master_address(init_method)
    payload = nccl_backend.id_to_bytes(nccl_backend.unique_id()) if rank == 0 else b""
    payload = rendezvous.share_bytes(payload, rank, world_size, host, port, seconds)
    return nccl_backend.NCCLBackend(nccl_backend.id_from_bytes(payload), rank, world_size)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """A group of some ranks (every rank must call it, members or not, as in torch).
    Non-members get GroupMember.NON_GROUP_MEMBER."""
    world = default_group()
    ranks = sorted(range(world.size()) if ranks is None else ranks)
    for r in ranks:
        if not 0 <= r < world.size():
            raise ValueError(f"Invalid rank {r} in new_group: ranks must be in "
                             f"[0, {world.size() - 1}]")
    impl = world._impl.subgroup(ranks)
    if impl is None:
        return GroupMember.NON_GROUP_MEMBER
    made = ProcessGroup(impl, ranks)
    _state.groups.append(made)
    return made


def destroy_process_group(group=None):
    """Free a group made by new_group, or (default) every group and the world."""
    if _state.default is None:
        raise AssertionError("Process group cannot be None")
    if group is not None and group is not _state.default:
        if group is not GroupMember.NON_GROUP_MEMBER:
            group._impl.free()
            _state.groups.remove(group)
        return
    for made in _state.groups:
        made._impl.free()
    if _state.default._impl is not _state.mpi:
        _state.default._impl.free()
    if _state.excepthook is not None:
        sys.excepthook = _state.excepthook
    _state.default, _state.groups, _state.mpi, _state.excepthook = None, [], None, None


def get_rank(group=None):
    """This process's rank in `group` (default the world); -1 outside the group."""
    pg = resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    """The number of ranks in `group` (default the world); -1 outside the group."""
    pg = resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    pg = resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg.name()


def get_process_group_ranks(group):
    return list(resolve(group)._ranks)
