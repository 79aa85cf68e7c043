"""The "nccl" backend: collectives on CUDA tensors through CuPy's NCCL bindings.

UNVERIFIED: written against cupy.cuda.nccl's documented API, but no multi-GPU machine
(and no NCCL in the simulated CuPy) has run it yet; scripts/gpu_check.sh has the check.

Each collective runs on a side stream that first waits for the current stream (so
its input is ready), as torch's ProcessGroupNCCL does; `Work.wait()` makes the current
stream wait for the side stream, so the host is never blocked and later kernels see the
result. NCCL has no gather/scatter: they are a group of point-to-point sends/receives.
"""
from __future__ import annotations

from .. import backend as mt_backend
from .reduce_op import RedOpType


class _Event:
    """A CUDA event on the NCCL stream, seen through Work's two-method interface."""

    def __init__(self, event, peer=None, keep=None, host=False):
        self._event, self._peer = event, peer
        self._keep = keep  # a temporary buffer NCCL still writes into
        self._host = host  # barrier: block the host too, as torch's does

    def wait(self):
        if self._host:
            self._event.synchronize()
        mt_backend.require_cupy().cuda.get_current_stream().wait_event(self._event)

    def test(self):
        return self._event.done

    def source(self):
        return self._peer


def unique_id():
    from cupy.cuda import nccl

    return nccl.get_unique_id()


def id_to_bytes(uid):
    return bytes(b & 0xFF for b in uid)


def id_from_bytes(data):
    return tuple(b - 256 if b > 127 else b for b in data)  # NCCL's id is signed chars


class NCCLBackend:
    """One NCCL communicator over the ranks of a group (one GPU per rank)."""

    name = "nccl"
    device_type = "cuda"

    def __init__(self, uid, rank, size):
        cupy = mt_backend.require_cupy()
        from cupy.cuda import nccl

        self.cupy, self.nccl = cupy, nccl
        self.rank, self.size = rank, size
        self.comm = nccl.NcclCommunicator(size, uid, rank)  # on the current device
        self.stream = cupy.cuda.Stream(non_blocking=True)
        self.sub_exchange = None  # set by the process group: shares a new group's id

    def subgroup(self, ranks):
        if self.sub_exchange is None:
            raise RuntimeError("new_group with the nccl backend needs the MPI launcher "
                               "(mpiexec) to share the new communicator's id")
        uid = unique_id() if self.rank == ranks[0] else None
        uid = self.sub_exchange(uid, ranks[0])
        if self.rank not in ranks:
            return None
        return NCCLBackend(uid, list(ranks).index(self.rank), len(ranks))

    def _dtype(self, array):
        nccl = self.nccl
        table = {"float16": nccl.NCCL_FLOAT16, "float32": nccl.NCCL_FLOAT32,
                 "float64": nccl.NCCL_FLOAT64, "int32": nccl.NCCL_INT32,
                 "int64": nccl.NCCL_INT64, "uint8": nccl.NCCL_UINT8, "int8": nccl.NCCL_INT8,
                 "bool": nccl.NCCL_UINT8}
        if array.dtype.name not in table:
            raise TypeError(f"NCCL does not support the dtype {array.dtype.name}")
        return table[array.dtype.name]

    def _op(self, op):
        nccl = self.nccl
        table = {RedOpType.SUM: nccl.NCCL_SUM, RedOpType.AVG: nccl.NCCL_SUM,
                 RedOpType.PRODUCT: nccl.NCCL_PROD, RedOpType.MIN: nccl.NCCL_MIN,
                 RedOpType.MAX: nccl.NCCL_MAX}
        if op not in table:
            raise ValueError(f"Cannot use ReduceOp.{op.name} with NCCL")
        return table[op]

    def _launch(self, body, *buffers, peer=None):
        """Run `body(stream_ptr)` on the NCCL stream after the current stream's work.

        The event keeps `buffers` alive until Work.wait() has made the current stream wait
        for NCCL: freed earlier, CuPy's pool could hand their memory to a kernel on the
        current stream while NCCL still reads or writes it.
        """
        current = self.cupy.cuda.get_current_stream()
        self.stream.wait_event(current.record())
        body(self.stream.ptr)
        return _Event(self.stream.record(), peer, keep=buffers)

    def all_reduce(self, buf, op):
        return self._launch(lambda s: self.comm.allReduce(
            buf.data.ptr, buf.data.ptr, buf.size, self._dtype(buf), self._op(op), s), buf)

    def broadcast(self, buf, root):
        return self._launch(lambda s: self.comm.broadcast(
            buf.data.ptr, buf.data.ptr, buf.size, self._dtype(buf), root, s), buf)

    def all_gather(self, send, recv):
        return self._launch(lambda s: self.comm.allGather(
            send.data.ptr, recv.data.ptr, send.size, self._dtype(send), s), send, recv)

    def reduce_scatter(self, send, recv, op):
        return self._launch(lambda s: self.comm.reduceScatter(
            send.data.ptr, recv.data.ptr, recv.size, self._dtype(recv), self._op(op), s),
            send, recv)

    def reduce(self, buf, op, root):
        return self._launch(lambda s: self.comm.reduce(
            buf.data.ptr, buf.data.ptr, buf.size, self._dtype(buf), self._op(op), root, s), buf)

    def gather(self, send, recv, root):
        def body(s):
            self.nccl.groupStart()
            if self.rank == root:
                for r in range(self.size):
                    if r == root:
                        recv[r].data.copy_from_device_async(send.data, send.nbytes,
                                                            self.stream)
                    else:
                        self.comm.recv(recv[r].data.ptr, send.size, self._dtype(send), r, s)
            else:
                self.comm.send(send.data.ptr, send.size, self._dtype(send), root, s)
            self.nccl.groupEnd()
        return self._launch(body, send, recv)

    def scatter(self, send, recv, root):
        def body(s):
            self.nccl.groupStart()
            if self.rank == root:
                for r in range(self.size):
                    if r == root:
                        recv.data.copy_from_device_async(send[r].data, recv.nbytes,
                                                         self.stream)
                    else:
                        self.comm.send(send[r].data.ptr, recv.size, self._dtype(recv), r, s)
            else:
                self.comm.recv(recv.data.ptr, recv.size, self._dtype(recv), root, s)
            self.nccl.groupEnd()
        return self._launch(body, send, recv)

    def send(self, buf, peer, tag):  # NCCL has no tags: messages match in order
        return self._launch(lambda s: self.comm.send(
            buf.data.ptr, buf.size, self._dtype(buf), peer, s), buf)

    def recv(self, buf, peer, tag):
        if peer is None:
            raise RuntimeError("ProcessGroupNCCL does not support recvAnysource")
        return self._launch(lambda s: self.comm.recv(
            buf.data.ptr, buf.size, self._dtype(buf), peer, s), buf, peer=peer)

    def barrier(self):
        buf = self.cupy.zeros(1, dtype=self.cupy.float32)
        event = self.all_reduce(buf, RedOpType.SUM)
        return _Event(event._event, keep=buf, host=True)

    def abort(self, code):
        self.comm.abort()

    def free(self):
        self.comm.destroy()
