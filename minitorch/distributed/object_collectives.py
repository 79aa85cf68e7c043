"""Collectives on picklable Python objects (metrics, config, file names), as torch does
them: pickle to a byte tensor, all-gather the lengths, pad to the longest, and run the
tensor collective -- so they work on every backend (over NCCL the bytes go to the GPU).
"""
from __future__ import annotations

import pickle

import numpy as np

from .. import creation, dtypes
from . import collectives
from .process_group import resolve


def _device(pg):
    return "cuda" if pg._impl.device_type == "cuda" else "cpu"


def _as_bytes_tensor(obj, device):
    data = np.frombuffer(pickle.dumps(obj), dtype=np.uint8).copy()
    return creation.from_numpy(data).to(device)


def _lengths(pg, length, device):
    """Every rank's payload length, all-gathered."""
    mine = creation.tensor([length], dtype=dtypes.int64, device=device)
    every = creation.zeros(pg.size(), dtype=dtypes.int64, device=device)
    collectives.all_gather_into_tensor(every, mine, group=pg)
    return every.tolist()


def all_gather_object(object_list, obj, group=None):
    """Fill `object_list[r]` (a list of group size) with rank r's `obj`, on every rank."""
    pg = resolve(group)
    if pg is None:
        return
    device = _device(pg)
    payload = _as_bytes_tensor(obj, device)
    lengths = _lengths(pg, payload.numel(), device)
    longest = max(lengths)
    padded = creation.zeros(longest, dtype=dtypes.uint8, device=device)
    padded[: payload.numel()] = payload
    gathered = creation.zeros(pg.size() * longest, dtype=dtypes.uint8, device=device)
    collectives.all_gather_into_tensor(gathered, padded, group=pg)
    raw = gathered.cpu().numpy()
    for r, n in enumerate(lengths):
        object_list[r] = pickle.loads(raw[r * longest: r * longest + n].tobytes())


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Rank `dst` receives every rank's `obj` in `object_gather_list`."""
    pg = resolve(group)
    if pg is None:
        return
    root = collectives._root(pg, dst, group_dst, "destination")
    if pg.rank() == root and object_gather_list is None:
        raise ValueError("Argument ``object_gather_list`` must be specified on destination "
                         "rank.")
    if pg.rank() != root and object_gather_list is not None:
        raise ValueError("Argument ``object_gather_list`` must NOT be specified on "
                         "non-destination ranks.")
    every = [None] * pg.size()
    all_gather_object(every, obj, group=pg)  # simple; objects are small
    if pg.rank() == root:
        object_gather_list[:] = every


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace `object_list`'s items on every rank by those of rank `src`."""
    pg = resolve(group)
    if pg is None:
        return
    root = collectives._root(pg, src, group_src, "source")
    device = _device(pg)
    payload = _as_bytes_tensor(list(object_list), device) if pg.rank() == root else None
    length = creation.tensor([0 if payload is None else payload.numel()], dtype=dtypes.int64,
                             device=device)
    collectives.broadcast(length, group=pg, group_src=root)
    data = payload if payload is not None else creation.zeros(
        int(length.item()), dtype=dtypes.uint8, device=device)
    collectives.broadcast(data, group=pg, group_src=root)
    object_list[:] = pickle.loads(data.cpu().numpy().tobytes())
