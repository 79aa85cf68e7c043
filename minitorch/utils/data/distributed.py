"""DistributedSampler: each rank of a data-parallel job reads its own share of a dataset.

All ranks draw the same permutation (seeded by `seed + epoch`), pad it (or cut it, with
`drop_last`) to a multiple of the number of replicas, and rank r keeps every
`num_replicas`-th index starting at r -- torch.utils.data.DistributedSampler's rule.

The permutation is torch's CPU `randperm` under `manual_seed(seed + epoch)`, bit for
bit, so a minitorch job and a torch job see the same batches: torch seeds an MT19937
engine with the low 32 bits of the seed (the classic `init_genrand`, which NumPy's
legacy `RandomState` also uses) and swaps element i with element i + (draw % (n - i)).
"""
from __future__ import annotations

import math

import numpy as np

from .sampler import Sampler


def _torch_randperm(n, seed):
    """torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist() on CPU."""
    draws = np.random.RandomState(seed & 0xFFFFFFFF)._bit_generator.random_raw(max(n - 1, 0))
    draws = draws.astype(np.int64).tolist()
    perm = list(range(n))
    for i in range(n - 1):  # Fisher-Yates forward, as torch's randperm_cpu
        j = i + draws[i] % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _default(what):
    from ... import distributed as dist

    if not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    return dist.get_world_size() if what == "world_size" else dist.get_rank()


class DistributedSampler(Sampler):
    """Restrict a DataLoader to this rank's share of the dataset (torch's twin).

    Args:
        dataset (Dataset): the dataset (only its length is used).
        num_replicas (int, optional): number of ranks; default the process group's size.
        rank (int, optional): this rank; default the process group's rank.
        shuffle (bool): draw a new permutation every epoch. Default: True.
        seed (int): the shuffle seed; must be the same on every rank. Default: 0.
        drop_last (bool): drop the tail so the length divides evenly; otherwise pad by
            repeating indices from the start. Default: False.

    Call `set_epoch(epoch)` before each epoch, or every epoch repeats the same order.

    >>> sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    >>> loader = DataLoader(dataset, batch_size=32, sampler=sampler)
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _default("world_size")
        if rank is None:
            rank = _default("rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(dataset) % num_replicas != 0:
            # the largest share that every rank can fill without padding
            self.num_samples = math.ceil((len(dataset) - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(len(dataset) / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        indices = _torch_randperm(n, self.seed + self.epoch) if self.shuffle else list(range(n))
        if not self.drop_last:  # pad with the first indices (repeated if needed)
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank: self.total_size: self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Set the epoch, so that the next iteration draws that epoch's permutation."""
        self.epoch = epoch
