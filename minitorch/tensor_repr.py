"""torch-style printing: tensor([[1., 2.], ...], dtype=..., device=..., grad_fn=<...>)."""
from __future__ import annotations

import numpy as np

from . import backend, dtypes

_DEFAULT_SHOWN = {"float32", "int64", "bool"}  # dtypes torch does not print


def _format_array(arr):
    if arr.dtype.kind != "f" or arr.size == 0:
        return np.array2string(arr, separator=", ", prefix="tensor(", threshold=1000)
    finite = arr[np.isfinite(arr)]
    integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    big = finite.size and np.abs(finite).max()
    small = finite.size and np.abs(finite[finite != 0]).min() if np.any(finite != 0) else 0
    sci = bool(finite.size) and (big >= 1e8 or (small and small < 1e-4) or
                                 (small and big / small > 1e3 and not integral))
    if integral and not sci:
        opts = dict(floatmode="maxprec_equal", precision=4)
    else:
        opts = dict(floatmode="fixed", precision=4)
    if sci:
        formatter = {"float_kind": lambda v: f"{v:.4e}"}
        return np.array2string(arr, separator=", ", prefix="tensor(", formatter=formatter,
                               threshold=1000)
    return np.array2string(arr, separator=", ", prefix="tensor(", threshold=1000,
                           suppress_small=False, **opts)


def format_tensor(t) -> str:
    arr = backend.move(t._data, backend.CPU)
    body = _format_array(arr)
    extras = []
    if t.is_cuda:
        extras.append(f"device='{t.device}'")
    if arr.size == 0 and arr.ndim != 1:
        extras.append(f"size={tuple(arr.shape)}")
    if t.dtype.name not in _DEFAULT_SHOWN or (
            t.dtype.is_floating_point and t.dtype is not dtypes.get_default_dtype()):
        extras.append(f"dtype=minitorch.{t.dtype.name}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"
