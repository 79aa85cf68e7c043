"""The "mpi" backend: collectives on CPU tensors through mpi4py.

mpi4py is imported here, on first use, so `import minitorch` never needs it. Every
collective is MPI's non-blocking twin (Iallreduce, Ibcast, ...) on the tensor's NumPy
buffer itself -- mpi4py reads the dtype from the buffer, nothing is pickled -- and a
blocking call is the same request waited at once. The ranks and their number come from
the MPI launcher (`mpiexec -n 2 python train.py`), as torch's MPI backend does.
"""
from __future__ import annotations

from .reduce_op import RedOpType


def load_mpi():
    """mpi4py's MPI module (MPI_Init runs on this first import)."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise RuntimeError(
            "the 'mpi' backend needs mpi4py and an MPI library: "
            "pip install 'minitorch[distributed]' (mpi4py and mpich)") from e
    return MPI


class _Request:
    """An MPI request seen through Work's two-method interface."""

    def __init__(self, request):
        self._request = request

    def wait(self):
        self._request.Wait()

    def test(self):
        return bool(self._request.Test())


class _Receive(_Request):
    """A receive: the status it fills tells which rank sent the message."""

    def __init__(self, request, status):
        super().__init__(request)
        self._status = status

    def wait(self):
        self._request.Wait(self._status)

    def test(self):
        return bool(self._request.Test(self._status))

    def source(self):
        return self._status.Get_source()


class MPIBackend:
    """One MPI communicator: the world, or a group made by new_group."""

    name = "mpi"
    device_type = "cpu"

    def __init__(self, comm):
        self.MPI = load_mpi()
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()

    @classmethod
    def world(cls):
        return cls(load_mpi().COMM_WORLD)

    def subgroup(self, ranks):
        """A communicator over `ranks` (called by every rank; None on non-members)."""
        comm = self.comm.Create(self.comm.Get_group().Incl(list(ranks)))
        return None if comm == self.MPI.COMM_NULL else MPIBackend(comm)

    def _op(self, op):
        MPI = self.MPI
        return {RedOpType.SUM: MPI.SUM, RedOpType.AVG: MPI.SUM, RedOpType.PRODUCT: MPI.PROD,
                RedOpType.MIN: MPI.MIN, RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND,
                RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR}[op]

    # Each method starts one collective on contiguous NumPy arrays and returns a request;
    # group ranks (root, peer) are already translated from global ranks by the caller.
    def all_reduce(self, buf, op):
        return _Request(self.comm.Iallreduce(self.MPI.IN_PLACE, buf, self._op(op)))

    def broadcast(self, buf, root):
        return _Request(self.comm.Ibcast(buf, root))

    def all_gather(self, send, recv):
        return _Request(self.comm.Iallgather(send, recv))

    def reduce_scatter(self, send, recv, op):
        return _Request(self.comm.Ireduce_scatter_block(send, recv, self._op(op)))

    def reduce(self, buf, op, root):
        if self.rank == root:
            return _Request(self.comm.Ireduce(self.MPI.IN_PLACE, buf, self._op(op), root))
        return _Request(self.comm.Ireduce(buf, None, self._op(op), root))

    def gather(self, send, recv, root):
        return _Request(self.comm.Igather(send, recv, root))

    def scatter(self, send, recv, root):
        return _Request(self.comm.Iscatter(send, recv, root))

    def send(self, buf, peer, tag):
        return _Request(self.comm.Isend(buf, peer, tag))

    def recv(self, buf, peer, tag):
        """peer None: from any rank; the request's source() names the sender."""
        status = self.MPI.Status()
        source = self.MPI.ANY_SOURCE if peer is None else peer
        return _Receive(self.comm.Irecv(buf, source, tag), status)

    def barrier(self):
        return _Request(self.comm.Ibarrier())

    def abort(self, code):
        self.comm.Abort(code)

    def free(self):
        if self.comm != self.MPI.COMM_WORLD:
            self.comm.Free()
