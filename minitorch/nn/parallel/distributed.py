"""DistributedDataParallel: one model replica per rank, gradients averaged in buckets
while backward is still running (torch.nn.parallel.DistributedDataParallel).

Every rank runs the same model on its own share of the batch. At construction rank 0's
parameters and buffers are broadcast, so all replicas start equal; after each backward
every replica holds the same averaged gradient, so equal optimizer steps keep them equal.

Overlap: parameters are grouped into buckets in reverse registration order (the order in
which backward produces their gradients; the first bucket is small, 1 MiB, so the first
all-reduce starts early). A post-accumulate-grad hook on each parameter counts down its
bucket; a full bucket is flattened and its all-reduce launched non-blocking
(MPI Iallreduce / NCCL on a side stream) while backward goes on computing earlier layers.
Buckets start in index order on every rank, so collectives match across ranks even when
the gradients arrive in another order. The hook of the last gradient waits for all the
buckets and writes the averages back into `.grad`.
"""
from __future__ import annotations

import contextlib
import zlib

from ... import autograd
from ...tensor import Tensor
from ..module import Module
from .data_parallel import _device_index, _move

_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024  # torch.distributed._DEFAULT_FIRST_BUCKET_BYTES
_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by "
    "making sure all `forward` function outputs participate in calculating loss.")


def _dist():
    from ... import distributed

    return distributed


class _Bucket:
    """Some parameters whose gradients travel in one all-reduce."""

    def __init__(self, indices):
        self.indices = indices  # positions in DDP's parameter list
        self.pending = len(indices)
        self.flat = None  # the flattened gradients while the all-reduce runs
        self.work = None


def _assign_buckets(params, first_cap, cap):
    """Buckets of parameter indices, last parameter first, each up to its byte cap and of
    one dtype and device (torch's _compute_bucket_assignment_by_size, reversed)."""
    buckets, current, size, limit = [], [], 0, first_cap
    for i in reversed(range(len(params))):
        p = params[i]
        if current and (p.dtype, p.device) != (params[current[0]].dtype,
                                                params[current[0]].device):
            buckets.append(current)
            current, size, limit = [], 0, cap
        current.append(i)
        size += p._data.nbytes
        if size >= limit:
            buckets.append(current)
            current, size, limit = [], 0, cap
    if current:
        buckets.append(current)
    return buckets


def _reachable_leaves(outputs):
    """ids of the leaves whose AccumulateGrad the outputs' graph reaches."""
    stack, seen, found = [], set(), set()

    def collect(obj):
        if isinstance(obj, Tensor):
            if obj.grad_fn is not None:
                stack.append(obj.grad_fn)
            elif obj.requires_grad:
                found.add(id(obj))
        elif isinstance(obj, (tuple, list)):
            for item in obj:
                collect(item)
        elif isinstance(obj, dict):
            for item in obj.values():
                collect(item)
    collect(outputs)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        variable = getattr(node, "variable", None)
        if variable is not None:
            found.add(id(variable))
        stack.extend(n for n in node.edges if n is not None)
    return found


class DistributedDataParallel(Module):
    """Data parallelism over the ranks of a process group (torch's twin).

    Args:
        module (Module): the replica on this rank; registered as `self.module`, so the
            state_dict keys gain the `module.` prefix.
        device_ids (list): the one GPU of a CUDA module; None for a CPU module.
        output_device: where outputs go; default device_ids[0].
        broadcast_buffers (bool): copy rank 0's buffers (BatchNorm statistics) to every
            rank at each forward. Default: True.
        init_sync (bool): broadcast rank 0's parameters and buffers now. Default: True.
        process_group: the group to average over; default the world.
        bucket_cap_mb (float): bucket size in MiB; default 25.
        find_unused_parameters (bool): find, after each forward, the parameters the
            output does not depend on, and count them as ready (their gradient is zero
            here); without it such a parameter stalls its bucket. Default: False.

    >>> dist.init_process_group("mpi")                 # mpiexec -n 2 python train.py
    >>> model = DistributedDataParallel(Net())
    >>> loss_fn(model(x), y).backward()                # .grad: averaged over ranks
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        dist = _dist()
        group = dist.process_group.resolve(process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        devices = {p.device for p in module.parameters()}
        if device_ids is not None and (len(devices) > 1 or next(iter(devices)).type != "cuda"):
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work "
                "with single-device/multiple-device GPU modules or CPU modules, but got "
                f"device_ids {device_ids}, output_device {output_device}, and module "
                f"parameters {devices}.")
        self.module = module
        self.process_group = group
        self.dim = dim
        self.device_ids = None if device_ids is None else [_device_index(d) for d in device_ids]
        self.output_device = (None if device_ids is None else
                              _device_index(output_device if output_device is not None
                                            else device_ids[0]))
        self.device = next(iter(devices))
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 2**20)
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._params = params
        if init_sync:
            self._verify_same_model()
            self._broadcast(list(module.parameters()) + list(module.buffers()))
        first_cap = min(_DEFAULT_FIRST_BUCKET_BYTES, self.bucket_bytes_cap)
        self._buckets = [_Bucket(ix) for ix in
                         _assign_buckets(params, first_cap, self.bucket_bytes_cap)]
        self._bucket_of = {i: b for b in self._buckets for i in b.indices}
        self._expect_hooks = False   # set by a forward that will be followed by a synced backward
        self._started = False        # a hook fired in this iteration
        self._next_bucket = 0        # buckets launch in this order on every rank
        self._unused = set()         # this iteration's locally unused parameter indices
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._make_hook(i))
                              for i, p in enumerate(params)]

    # ---- construction --------------------------------------------------------------------
    def _verify_same_model(self):
        """Fail clearly (not by a hang or garbage) when replicas have different models."""
        dist, xp = _dist(), self._xp()
        shapes = [tuple(p.shape) for p in self._params]
        mine = xp.asarray([len(shapes), zlib.crc32(repr(shapes).encode())], dtype=xp.int64)
        every = Tensor._wrap(xp.zeros((self.process_group.size(), 2), dtype=xp.int64))
        dist.all_gather_into_tensor(every, Tensor._wrap(mine), group=self.process_group)
        rows = every.tolist()
        for r, row in enumerate(rows):
            if row != rows[0]:
                raise RuntimeError(
                    f"DDP expects same model across all ranks, but Rank {r} has {row[0]} "
                    f"params (shape signature {row[1]}), while rank 0 has {rows[0][0]} "
                    f"params (shape signature {rows[0][1]}).")

    def _xp(self):
        from ... import backend

        return backend.array_module(self._params[0]._data)

    def _broadcast(self, tensors):
        dist = _dist()
        src = self.process_group._ranks[0]
        with autograd.no_grad():
            for t in tensors:
                dist.broadcast(t.detach(), src=src, group=self.process_group)

    # ---- forward ----------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._started:
            raise RuntimeError(_UNFINISHED)
        if self.require_forward_param_sync and self.broadcast_buffers:
            self._broadcast(list(self.module.buffers()))
        if self.device_ids:
            inputs, kwargs = _move(inputs, self.device), _move(kwargs, self.device)
        outputs = self.module(*inputs, **kwargs)
        self._expect_hooks = autograd.is_grad_enabled() and self.require_backward_grad_sync
        if self._expect_hooks and self.find_unused_parameters:
            used = _reachable_leaves(outputs)
            self._unused = {i for i, p in enumerate(self._params) if id(p) not in used}
        return outputs

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward only accumulates local gradients (no communication); the first
        backward after it all-reduces the accumulated sum."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # ---- backward: the reducer ----------------------------------------------------------
    def _make_hook(self, index):
        def hook(param):
            if self._expect_hooks:
                if not self._started:
                    self._started = True
                    for i in sorted(self._unused):  # their gradient is zero on this rank
                        self._mark_ready(i)
                self._mark_ready(index)
        return hook

    def _mark_ready(self, index):
        bucket = self._bucket_of[index]
        bucket.pending -= 1
        while (self._next_bucket < len(self._buckets)
               and self._buckets[self._next_bucket].pending == 0):
            self._launch(self._buckets[self._next_bucket])
            self._next_bucket += 1
        if self._next_bucket == len(self._buckets):
            self._finish()

    def _launch(self, bucket):
        xp, size = self._xp(), self.process_group.size()
        parts = []
        for i in bucket.indices:
            p = self._params[i]
            grad = p.grad._data if p.grad is not None else xp.zeros_like(p._data)
            parts.append(grad.reshape(-1))
        # divide before summing, as torch's default hook does (keeps fp16 sums in range)
        bucket.flat = xp.concatenate(parts) / size
        bucket.work = _dist().all_reduce(Tensor._wrap(bucket.flat), group=self.process_group,
                                         async_op=True)

    def _finish(self):
        """Wait for every bucket and write the averaged gradients back into `.grad`."""
        used = None
        if self.find_unused_parameters:  # a parameter unused on every rank keeps grad None
            xp = self._xp()
            local = xp.ones(len(self._params), dtype=xp.int32)
            local[sorted(self._unused)] = 0
            used = Tensor._wrap(local)
            _dist().all_reduce(used, group=self.process_group)
            used = used.tolist()
        for bucket in self._buckets:
            bucket.work.wait()
            offset = 0
            for i in bucket.indices:
                p = self._params[i]
                n = p._data.size
                if used is None or used[i]:
                    averaged = bucket.flat[offset:offset + n].reshape(p._data.shape)
                    if p.grad is None:
                        p.grad = Tensor._wrap(averaged.copy())
                    else:
                        p.grad._data[...] = averaged
                offset += n
            bucket.pending, bucket.flat, bucket.work = len(bucket.indices), None, None
        self._next_bucket, self._started, self._expect_hooks = 0, False, False
        self._unused = set()


__all__ = ["DistributedDataParallel"]
