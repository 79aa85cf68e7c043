"""DataLoader: batches from a dataset, in the main process or in worker processes.

With `num_workers=0` batches are fetched in the main process. With `num_workers > 0`,
worker processes each get their own index queue; the main process hands out batches of
indices round-robin (keeping `prefetch_factor * num_workers` in flight), collects the
results from one result queue and yields them in sampler order. Both paths give the same
batches: the sampler (and its random permutation) always runs in the main process.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import queue
import time
import warnings

from . import _worker
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _rng


class _InfiniteConstantSampler:
    """Index "sampler" for IterableDataset: yields None forever."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over a dataset in (optionally shuffled) batches.

    Args:
        dataset (Dataset): a map-style or iterable-style dataset.
        batch_size (int, optional): samples per batch; None turns batching off. Default: 1.
        shuffle (bool): reshuffle the indices every epoch. Default: False.
        sampler (Sampler or iterable, optional): the index order (excludes shuffle).
        batch_sampler (Sampler or iterable, optional): yields lists of indices (excludes
            batch_size, shuffle, sampler and drop_last).
        num_workers (int): worker processes; 0 loads in the main process. Default: 0.
        collate_fn (callable, optional): merges a list of samples into a batch.
            Default: `default_collate` (`default_convert` when batch_size is None).
        pin_memory (bool): torch's warnings (no accelerator; pin_memory_device is
            deprecated); pinning itself has no effect. Default: False.
        drop_last (bool): drop the last incomplete batch. Default: False.
        timeout (float): seconds to wait for a batch from the workers; 0 waits forever
            (while checking that the workers are alive). Default: 0.
        worker_init_fn (callable, optional): called as `fn(worker_id)` in each worker
            after seeding.
        multiprocessing_context (str or context, optional): 'fork', 'spawn', ...
        generator (Generator, optional): source of the shuffle order and worker seeds.
        prefetch_factor (int, optional): batches in flight per worker. Default: 2 when
            num_workers > 0.
        persistent_workers (bool): keep the workers alive between epochs. Default: False.

    Each worker seeds `minitorch`, `random` and NumPy with `base_seed + worker_id`, where
    `base_seed` is drawn from `generator` (or the global generator) once per epoch.

    >>> loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader: ...
    """

    _frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
               "persistent_workers")

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        if isinstance(dataset, IterableDataset):
            kind = "iterable"
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        else:
            kind = "map"
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if kind == "iterable":
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        if isinstance(multiprocessing_context, str):
            multiprocessing_context = multiprocessing.get_context(multiprocessing_context)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._dataset_kind = kind
        self._iterator = None
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in self._frozen:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        if not self.persistent_workers:
            return _MultiProcessingDataLoaderIter(self)
        if self._iterator is None or self._iterator._closed:
            self._iterator = _MultiProcessingDataLoaderIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self):
        if self._dataset_kind == "iterable":
            length = len(self.dataset)  # TypeError if the stream has no length
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        if loader.pin_memory:  # torch's warnings; pinning itself is a no-op here
            _warn_pin_memory(loader.pin_memory_device)
        self._loader = loader
        self._num_yielded = 0
        self._base_seed = int(_rng(loader.generator).integers(0, 2 ** 62))
        self._sampler_iter = iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)


def _warn_pin_memory(pin_memory_device):
    from ... import accelerator

    if pin_memory_device:
        warnings.warn("pin_memory_device is deprecated, the current accelerator will be "
                      f"used as the device,ignore pin_memory_device='{pin_memory_device}'.",
                      stacklevel=3)
    if not accelerator.is_available():
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                      "then device pinned memory won't be used.", stacklevel=3)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = _worker.make_fetcher(loader._dataset_kind, loader.dataset,
                                             loader._auto_collation, loader.collate_fn,
                                             loader.drop_last)

    def __next__(self):
        index = next(self._sampler_iter)
        batch = _worker.fetch_or_raise(self._fetcher, index)
        self._num_yielded += 1
        return batch


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Workers fetch; the main process keeps results in sampler order."""

    def __init__(self, loader):
        super().__init__(loader)
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        self._closed = False
        self._epoch = 0
        self._result_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues, self._workers = [], []
        for worker_id in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            worker = ctx.Process(
                target=_worker.worker_loop, daemon=True,
                args=(loader._dataset_kind, loader.dataset, index_queue, self._result_queue,
                      self._done_event, loader._auto_collation, loader.collate_fn,
                      loader.drop_last, self._base_seed, loader.worker_init_fn, worker_id,
                      self._num_workers, os.getpid()))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._reset(loader, first=True)

    def _reset(self, loader, first=False):
        if not first:  # a new epoch for persistent workers
            self._base_seed = int(_rng(loader.generator).integers(0, 2 ** 62))
            self._sampler_iter = iter(loader._index_sampler)
            self._num_yielded = 0
        self._epoch += 1
        self._send_idx = 0      # next task number to hand out
        self._rcvd_idx = 0      # next task number to yield
        self._task_info = {}    # task number -> [worker_id] or [worker_id, result]
        self._worker_active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first:
            for q in self._index_queues:
                q.put(_worker._ResumeIteration(self._epoch))
        for _ in range(self._prefetch):
            self._try_put_index()

    def _try_put_index(self):
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._worker_active[worker_id]:
                break
        else:
            return
        self._index_queues[worker_id].put((self._epoch, self._send_idx, index))
        self._task_info[self._send_idx] = [worker_id]
        self._send_idx += 1

    def __next__(self):
        while True:
            # skip tasks given to workers whose IterableDataset copy is exhausted
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._worker_active[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            task_idx, data = self._get_data()
            if isinstance(data, _worker._IterableStop):
                self._worker_active[data.worker_id] = False
                continue
            if task_idx != self._rcvd_idx:  # out of order: keep it for later
                self._task_info[task_idx].append(data)
                continue
            del self._task_info[task_idx]
            self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        self._num_yielded += 1
        return data

    def _get_data(self):
        """The next result of this epoch, checking for timeouts and dead workers."""
        if self._closed:
            raise RuntimeError("DataLoader iterator was shut down (its workers are gone)")
        start = time.monotonic()
        while True:
            wait = _worker.MP_STATUS_CHECK_INTERVAL
            if self._timeout > 0:
                wait = min(wait, max(self._timeout - (time.monotonic() - start), 0.0))
            try:
                epoch, task_idx, payload = self._result_queue.get(timeout=wait)
            except queue.Empty:
                dead = [w for w in self._workers if not w.is_alive()]
                if dead:
                    pids = ", ".join(str(w.pid) for w in dead)
                    codes = ", ".join(str(w.exitcode) for w in dead)
                    self._shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited "
                                       f"unexpectedly (exit code(s) {codes})") from None
                if self._timeout > 0 and time.monotonic() - start >= self._timeout:
                    self._shutdown()
                    raise RuntimeError(
                        f"DataLoader timed out after {self._timeout} seconds") from None
                continue
            if epoch == self._epoch:
                return task_idx, pickle.loads(payload)
            # else: a result from an epoch that was abandoned half-way; drop it

    def _shutdown(self):
        if self._closed:
            return
        self._closed = True
        self._done_event.set()
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + _worker.MP_STATUS_CHECK_INTERVAL
        for w in self._workers:
            w.join(timeout=max(deadline - time.monotonic(), 0.0))
        for w in self._workers:
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues + [self._result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self._shutdown()
        except Exception:
            pass


__all__ = ["DataLoader"]
