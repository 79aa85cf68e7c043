"""Collectives on tensors: check the arguments as torch does, then hand contiguous
arrays to the group's backend.

The backend works on the tensor's own array when it is contiguous (MPI reads and
writes the NumPy buffer in place); a strided tensor goes through a contiguous copy
that is written back when the collective finishes. Ranks in arguments (`src`, `dst`)
are global ranks; `group_src`/`group_dst` are ranks inside `group`, as in torch.
"""
from __future__ import annotations

from .. import backend as mt_backend
from ..tensor import Tensor
from .process_group import resolve
from .reduce_op import RedOpType, ReduceOp, check_op
from .work import Work


def _check_tensor(tensor, param="tensor"):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{param}` of type "
                        f"torch.Tensor\n             but got {type(tensor)} instead.")


def _check_device(pg, tensor):
    kind = tensor.device.type
    if kind != pg._impl.device_type:
        if kind == "cuda":
            raise RuntimeError("CUDA tensor detected and the MPI used doesn't have "
                               "CUDA-aware MPI support (use the nccl backend for CUDA "
                               "tensors)")
        raise RuntimeError(f"No backend type associated with device type {kind} (the "
                           f"{pg.name()} backend takes {pg._impl.device_type} tensors)")


def _checked_group(tensor, group):
    """Check `tensor`, resolve `group` and check the device; None: this rank is not in it."""
    _check_tensor(tensor)
    pg = resolve(group)
    if pg is not None:
        _check_device(pg, tensor)
    return pg


def _io(tensor):
    """(contiguous array to communicate, function that writes it back into `tensor`)."""
    data = tensor._data
    tensor._version[0] += 1  # a collective writes the tensor in place
    if data.flags.c_contiguous:
        return data, None
    staged = mt_backend.array_module(data).ascontiguousarray(data)

    def write_back():
        data[...] = staged
    return staged, write_back


def _then(*steps):
    steps = [s for s in steps if s is not None]
    return (lambda: [s() for s in steps]) if steps else None


def _average(array, size):
    def divide():
        if array.dtype.kind == "f" or array.dtype.kind == "c":
            array[...] /= size
        else:  # integers: NCCL's AVG truncates the same way
            array[...] //= size
    return divide


def _run(request, finish, async_op, result=None):
    work = Work(request, finish, result)
    if async_op:
        return work
    work.wait()
    return None


def _root(pg, global_rank, group_rank, role):
    if group_rank is not None:
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Invalid {role} rank {group_rank} for a group of size "
                             f"{pg.size()}")
        return group_rank
    return pg.group_rank(0 if global_rank is None else global_rank, role)


def _same_shape(expected, got, name, index):
    if tuple(got.shape) != tuple(expected.shape) or got.dtype != expected.dtype:
        raise RuntimeError(
            f"{name}: invalid tensor at index {index} (expected shape "
            f"{tuple(expected.shape)} and dtype {expected.dtype}, got shape "
            f"{tuple(got.shape)} and dtype {got.dtype})")


def _check_tensor_list(tensors, tensor, pg, name, param, kind):
    """`tensors` must hold one tensor per rank of `pg`, each shaped like `tensor`."""
    if len(tensors) != pg.size():
        raise RuntimeError(f"{name}: invalid {kind} tensor list (expected length "
                           f"{pg.size()}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        _check_tensor(t, param)
        _same_shape(tensor, t, name, i)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine `tensor` over all ranks with `op`, in place on every rank."""
    _check_tensor(tensor)
    pg = resolve(group)
    if pg is None:
        return None
    op = check_op(op)
    _check_device(pg, tensor)
    buf, write_back = _io(tensor)
    average = _average(buf, pg.size()) if op == RedOpType.AVG else None
    return _run(pg._impl.all_reduce(buf, op), _then(average, write_back), async_op,
                [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy `tensor` from rank `src` to every rank, in place."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "source")
    buf, write_back = _io(tensor)
    return _run(pg._impl.broadcast(buf, root), write_back, async_op, [tensor])


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill `tensor_list[r]` with rank r's `tensor`, on every rank."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    _check_tensor_list(tensor_list, tensor, pg, "all_gather", "tensor_list", "output")
    xp = mt_backend.array_module(tensor._data)
    send = xp.ascontiguousarray(tensor._data)
    recv = xp.empty((pg.size(),) + send.shape, dtype=send.dtype)

    def unpack():
        for r, out in enumerate(tensor_list):
            out._data[...] = recv[r]
            out._version[0] += 1
    return _run(pg._impl.all_gather(send, recv), unpack, async_op, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Concatenate (or stack) every rank's `input_tensor` into `output_tensor`."""
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    pg = resolve(group)
    if pg is None:
        return None
    _check_device(pg, input_tensor)
    if output_tensor.numel() != input_tensor.numel() * pg.size() or (
            output_tensor.dtype != input_tensor.dtype):
        raise RuntimeError(
            f"all_gather_into_tensor: the output must hold world_size ({pg.size()}) times "
            f"the input, of the same dtype (output: shape {tuple(output_tensor.shape)}, "
            f"{output_tensor.dtype}; input: shape {tuple(input_tensor.shape)}, "
            f"{input_tensor.dtype})")
    xp = mt_backend.array_module(input_tensor._data)
    send = xp.ascontiguousarray(input_tensor._data)
    recv, write_back = _io(output_tensor)
    return _run(pg._impl.all_gather(send, recv), write_back, async_op, [output_tensor])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce `input` over ranks and leave rank r the r-th chunk in `output`."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = resolve(group)
    if pg is None:
        return None
    op = check_op(op)
    _check_device(pg, input)
    if input.numel() != output.numel() * pg.size() or input.dtype != output.dtype:
        raise RuntimeError(
            f"reduce_scatter_tensor: the input must hold world_size ({pg.size()}) times "
            f"the output, of the same dtype (input: shape {tuple(input.shape)}, "
            f"{input.dtype}; output: shape {tuple(output.shape)}, {output.dtype})")
    xp = mt_backend.array_module(input._data)
    send = xp.ascontiguousarray(input._data)
    recv, write_back = _io(output)
    average = _average(recv, pg.size()) if op == RedOpType.AVG else None
    return _run(pg._impl.reduce_scatter(send, recv, op), _then(average, write_back),
                async_op, [output])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Combine `tensor` over ranks with `op`; only rank `dst` receives the result."""
    _check_tensor(tensor)
    pg = resolve(group)
    if pg is None:
        return None
    op = check_op(op)
    _check_device(pg, tensor)
    root = _root(pg, dst, group_dst, "destination")
    buf, write_back = _io(tensor)
    is_root = pg.rank() == root
    average = _average(buf, pg.size()) if op == RedOpType.AVG and is_root else None
    return _run(pg._impl.reduce(buf, op, root), _then(average, write_back), async_op,
                [tensor])


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Rank `dst` receives every rank's `tensor` in `gather_list`."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "destination")
    xp = mt_backend.array_module(tensor._data)
    send, recv, unpack = xp.ascontiguousarray(tensor._data), None, None
    if pg.rank() == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination "
                             "rank.")
        _check_tensor_list(gather_list, tensor, pg, "gather", "gather_list", "output")
        recv = xp.empty((pg.size(),) + send.shape, dtype=send.dtype)

        def unpack():
            for r, out in enumerate(gather_list):
                out._data[...] = recv[r]
                out._version[0] += 1
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on "
                         "non-destination ranks.")
    return _run(pg._impl.gather(send, recv, root), unpack, async_op, gather_list or [])


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank r receives `scatter_list[r]` of rank `src` in `tensor`."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "source")
    xp = mt_backend.array_module(tensor._data)
    send = None
    if pg.rank() == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_tensor_list(scatter_list, tensor, pg, "scatter", "scatter_list", "input")
        send = xp.stack([part._data for part in scatter_list])
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                         "ranks.")
    recv, write_back = _io(tensor)
    return _run(pg._impl.scatter(send, recv, root), write_back, async_op, [tensor])


def _peer(pg, rank, group_rank, role):
    peer = _root(pg, rank, group_rank, role)
    if peer == pg.rank():
        raise ValueError(f"Invalid {role} rank: {role} rank should not be the same as the "
                         "rank of the current process.")
    return peer


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending `tensor` to rank `dst`; returns a Work."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "destination")
    send = mt_backend.array_module(tensor._data).ascontiguousarray(tensor._data)
    return Work(pg._impl.send(send, peer, tag), None, [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into `tensor` from rank `src` (None: any rank); returns a Work."""
    pg = _checked_group(tensor, group)
    if pg is None:
        return None
    peer = None if src is None and group_src is None else _peer(pg, src, group_src, "source")
    buf, write_back = _io(tensor)
    request = pg._impl.recv(buf, peer, tag)
    work = Work(request, write_back, [tensor])
    work._sender = lambda: pg._ranks[request.source()]
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send `tensor` to rank `dst` and wait until the buffer may be reused."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into `tensor` from rank `src` (None: any); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    return work._sender()


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank of the group has reached this call."""
    pg = resolve(group)
    if pg is None:
        return None
    return _run(pg._impl.barrier(), None, async_op)


__all__ = [
    "all_gather",
    "all_gather_into_tensor",
    "all_reduce",
    "barrier",
    "broadcast",
    "gather",
    "irecv",
    "isend",
    "recv",
    "reduce",
    "reduce_scatter_tensor",
    "scatter",
    "send",
]
