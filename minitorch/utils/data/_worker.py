"""What runs inside a DataLoader worker process, and the messages it exchanges.

Protocol (one index queue per worker, one shared result queue):
    main -> worker   (epoch, task_idx, indices)   fetch these dataset indices
                     _ResumeIteration(epoch)       new epoch (persistent workers)
                     None                          exit
    worker -> main   (epoch, task_idx, payload)    payload = pickled batch,
                                                   ExceptionWrapper or _IterableStop
The worker pickles results itself so that an unpicklable batch becomes an error in the
main process instead of being dropped silently by the queue's feeder thread.
"""
from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

MP_STATUS_CHECK_INTERVAL = 5.0  # seconds between liveness checks while waiting

_worker_info = None


class WorkerInfo:
    """Facts about the current worker, from `get_worker_info()` inside a worker.

    Attributes:
        id (int): this worker's index in [0, num_workers).
        num_workers (int): how many workers the DataLoader started.
        seed (int): this worker's seed (`base_seed + id`), already applied to
            `minitorch.manual_seed`, `random` and NumPy's global RNG.
        dataset: this worker's copy of the dataset.
    """

    def __init__(self, id, num_workers, seed, dataset):
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return (f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, "
                f"seed={self.seed}, dataset={self.dataset!r})")


def get_worker_info():
    """A `WorkerInfo` inside a DataLoader worker process, None in the main process."""
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, with its traceback as text, re-raised in main."""

    def __init__(self, exc_info, where, detail=""):
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where, self.detail = where, detail
        try:  # an exception class the main process can't unpickle becomes RuntimeError
            pickle.loads(pickle.dumps(self.exc_type))
        except Exception:
            self.exc_type = RuntimeError

    def reraise(self):
        # torch's first line exactly; what minitorch knows more (the dataset index, the
        # phase) goes last, after the original traceback
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.detail:
            msg += f"(the worker failed {self.detail})"
        if self.exc_type is KeyError:  # str(KeyError(msg)) would be repr(msg), one line
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # an exception type whose constructor wants other arguments
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    """A message that KeyError prints as is (torch's KeyErrorMessage)."""

    def __repr__(self):
        return self


class _ResumeIteration:
    def __init__(self, epoch):
        self.epoch = epoch


class _IterableStop:
    """A worker's IterableDataset copy is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation = dataset, auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last

    def fetch(self, index):
        """Returns (batch, None) or (None, description of where it failed)."""
        if not self.auto_collation:
            return self.collate_fn(_get(self.dataset, index))
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            data = getitems(index)
        else:
            data = [_get(self.dataset, i) for i in index]
        return _collate(self.collate_fn, data, index)


class _IterableFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn, self.drop_last = collate_fn, drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in index:
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return _collate(self.collate_fn, data, None)


class _FetchError(Exception):
    """Carries where a fetch failed (the dataset index or the collate step)."""

    def __init__(self, where, exc_info):
        super().__init__(where)
        self.where, self.exc_info = where, exc_info


def _get(dataset, i):
    try:
        return dataset[i]
    except Exception:
        raise _FetchError(f"while fetching dataset index {i!r}", sys.exc_info()) from None


def _collate(collate_fn, data, index):
    try:
        return collate_fn(data)
    except Exception:
        where = "while collating the batch" + ("" if index is None else f" of indices {index}")
        raise _FetchError(where, sys.exc_info()) from None


def make_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterableFetcher if kind == "iterable" else _MapFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


def fetch_or_raise(fetcher, index):
    """Fetch in the main process: re-raise the original exception (full traceback)."""
    try:
        return fetcher.fetch(index)
    except _FetchError as err:
        raise err.exc_info[1].with_traceback(err.exc_info[2]) from None


def _seed_everything(seed):
    import minitorch

    random.seed(seed)
    minitorch.manual_seed(seed)
    np.random.seed(np.random.SeedSequence(seed).generate_state(4))


def worker_loop(kind, dataset, index_queue, result_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                parent_pid):
    """The body of a worker process: fetch the batches the main process asks for."""
    global _worker_info
    where = f"in DataLoader worker process {worker_id}"
    seed = base_seed + worker_id
    init_error, fetcher = None, None
    try:
        _seed_everything(seed)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = make_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(sys.exc_info(), where, "in worker_init_fn or "
                                      "while creating the dataset iterator")
    try:
        while True:
            try:
                task = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent_pid or done_event.is_set():
                    break  # the main process died or gave up on us
                continue
            if task is None:
                break
            if isinstance(task, _ResumeIteration):
                if init_error is None and kind == "iterable":
                    try:
                        fetcher = make_fetcher(kind, dataset, auto_collation, collate_fn,
                                               drop_last)
                    except Exception:
                        init_error = ExceptionWrapper(sys.exc_info(), where)
                continue
            epoch, task_idx, index = task
            if init_error is not None:
                data = init_error
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    data = _IterableStop(worker_id)
                except _FetchError as err:
                    data = ExceptionWrapper(err.exc_info, where, err.where)
                except Exception:
                    data = ExceptionWrapper(sys.exc_info(), where)
            try:
                payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = pickle.dumps(ExceptionWrapper(
                    sys.exc_info(), where, f"while sending the batch of indices {index} "
                    "to the main process (is it picklable?)"))
            result_queue.put((epoch, task_idx, payload))
            del data, payload
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        # don't block exit on flushing results the main process will never read
        result_queue.cancel_join_thread()
        result_queue.close()


__all__ = ["get_worker_info", "WorkerInfo"]
