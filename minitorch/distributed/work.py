"""Work: the handle an `async_op=True` collective returns (torch.distributed.Work).

It wraps the backend's request (an MPI request, or a CUDA event on NCCL's stream) and a
`finish` step that runs once, after the data has arrived: copying a contiguous staging
buffer back into a strided tensor, dividing a SUM into an AVG.
"""
from __future__ import annotations


class Work:
    """A collective in flight. `wait()` blocks until it is done and returns True."""

    def __init__(self, request, finish=None, result=None):
        self._request = request  # .wait() and .test() -> bool
        self._finish = finish
        self._result = result if result is not None else []
        self._done = False

    def _complete(self):
        self._done = True
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()

    def wait(self, timeout=None):
        """Block until the collective has finished on this rank (its output is ready)."""
        if not self._done:
            self._request.wait()
            self._complete()
        return True

    def is_completed(self):
        """Whether the collective has finished, without blocking."""
        if not self._done and self._request.test():
            self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def exception(self):
        return None

    def result(self):
        """The output tensors (after wait())."""
        self.wait()
        return self._result

