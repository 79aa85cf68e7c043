"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled."""
from __future__ import annotations

import functools

_enabled = True


def is_grad_enabled() -> bool:
    return _enabled


class _GradMode:
    """Sets the mode on enter and restores the previous one on exit.

    Also usable as a decorator; each call of the decorated function gets a fresh
    scope, so recursion and threads of calls restore the right previous mode.
    """

    def __init__(self, mode: bool):
        self.mode = mode

    def __enter__(self):
        global _enabled
        self._prev, _enabled = _enabled, self.mode
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = self._prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(mode):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager / decorator: ops inside record no graph (like torch.no_grad)."""

    def __init__(self):
        super().__init__(False)


class enable_grad(_GradMode):
    """Context manager / decorator that turns recording back on inside no_grad."""

    def __init__(self):
        super().__init__(True)


class inference_mode(_GradMode):
    """Treated as no_grad: minitorch has no separate inference tensors."""

    def __init__(self, mode: bool = True):
        super().__init__(not mode)


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` works as a plain call, a context manager and a decorator."""

    def __init__(self, mode: bool):
        global _enabled
        super().__init__(bool(mode))
        # like torch, calling it as a plain function switches the mode right away;
        # used as a context manager, __exit__ restores what was there before the call
        self._prev, _enabled = _enabled, self.mode

    def __enter__(self):
        return self
