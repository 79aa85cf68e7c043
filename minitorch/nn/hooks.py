"""Forward hooks: `register_forward_pre_hook` / `register_forward_hook` (HooksMixin, a
base of Module) and the handle they return. `Module.__call__` runs the hooks."""
from __future__ import annotations

import itertools


class RemovableHandle:
    """Returned by the register_*_hook methods; `handle.remove()` unregisters."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict):
        self.hooks_dict = hooks_dict
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class HooksMixin:
    """The hook registration methods of Module; the dicts are created in Module.__init__."""

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """`hook(module, args)` runs before forward; a non-None result replaces args
        (with_kwargs: `hook(module, args, kwargs)` returning (args, kwargs))."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """`hook(module, args, output)` runs after forward; a non-None result replaces
        the output (with_kwargs: `hook(module, args, kwargs, output)`)."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle
