"""Module.to / cuda / cpu / float / double / half, kept apart from module.py for size.

Parameters are converted in place (their array is swapped), so optimizers that hold
them keep working after `model.cuda()` or `model.double()`; buffers are replaced.
"""
from __future__ import annotations

from .. import backend, dtypes
from ..autograd import grad_mode
from ..tensor import Tensor


class ConversionMixin:
    """Device and dtype conversion for Module."""

    def _apply(self, fn):
        """Convert every parameter, gradient and buffer with fn (tensor -> tensor).

        Parameters are changed in place (their array is swapped), so optimizers that
        hold them keep working after `model.cuda()` or `model.double()`."""
        for module in self.children():
            module._apply(fn)
        with grad_mode.no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                param._data = fn(param)._data
                if param.grad is not None:
                    param.grad._data = fn(param.grad)._data
            for key, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[key] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(tensor)`; floating-point
        parameters and buffers take the dtype, all of them move. Returns self."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, dtypes.dtype):
                dtype = a
            elif isinstance(a, bool):  # non_blocking passed positionally
                continue
            elif a is not None:
                device = a
        if device is not None:
            device = backend.as_device(device)
        if dtype is not None:
            dtype = dtypes.to_dtype(dtype)
            if not dtype.is_floating_point:
                raise TypeError("nn.Module.to only accepts floating point or complex dtypes, "
                                f"but got desired dtype={dtype}")

        def convert(t):
            return t.to(device, dtype if t.is_floating_point() else None)

        return self._apply(convert)

    def cuda(self, device=None):
        return self._apply(lambda t: t.cuda(device))

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    def type(self, dst_type):
        return self._apply(lambda t: t.to(dst_type))

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def share_memory(self):
        return self
