"""torch-style printing: tensor([[1., 2.], ...], dtype=..., device=..., grad_fn=<...>).

A port of torch/_tensor_str.py with its default print options, so `print(x)` lays out
the same characters as torch: one number format for the whole tensor (chosen from the
shown values), every element right-aligned to the widest, `(80 - indent) // (width + 2)`
elements per line, and tensors over 1000 elements summarized to 3 edge items per dim.
"""
from __future__ import annotations

import math

import numpy as np

from . import backend, dtypes

PRECISION = 4      # digits after the point
THRESHOLD = 1000   # more elements than this are summarized
EDGEITEMS = 3      # elements kept at each end of a summarized dim
LINEWIDTH = 80
_DEFAULT_SHOWN = {"int64", "bool"}  # besides the default float dtype, torch does not print these


class _Formatter:
    """One number format for all shown values: integer-valued, fixed or scientific."""

    def __init__(self, arr):
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        values = arr.ravel()
        if not self.floating:
            for v in values.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        values = values.astype(np.float64)  # float16 overflows at 1e8, as in torch
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        abs_max, abs_min = float(np.abs(finite).max()), float(np.abs(finite).min())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            self.sci_mode = abs_max / abs_min > 1000.0 or abs_max > 1.0e8
            # int mode appends "." to each number: count it in the width
            fmt, extra = ("{:.%de}" % PRECISION, 0) if self.sci_mode else ("{:.0f}", 1)
        else:
            self.sci_mode = abs_max / abs_min > 1000.0 or abs_max > 1.0e8 or abs_min < 1.0e-4
            fmt, extra = ("{:.%de}" if self.sci_mode else "{:.%df}") % PRECISION, 0
        for v in finite.tolist():
            self.max_width = max(self.max_width, len(fmt.format(v)) + extra)

    def format(self, value):
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.max_width)


def _summarized(arr):
    """The values torch shows (and sizes its format on) when it summarizes."""
    if arr.ndim == 0:
        return arr
    if arr.shape[0] > 2 * EDGEITEMS:
        idx = list(range(EDGEITEMS)) + list(range(arr.shape[0] - EDGEITEMS, arr.shape[0]))
    else:
        idx = range(arr.shape[0])
    if arr.ndim == 1:
        return arr[list(idx)]
    return np.stack([_summarized(arr[i]) for i in idx])


def _vector_str(arr, indent, summarize, fmt):
    per_line = max(1, (LINEWIDTH - indent) // (fmt.max_width + 2))
    if summarize and arr.shape[0] > 2 * EDGEITEMS:
        data = ([fmt.format(v) for v in arr[:EDGEITEMS].tolist()] + [" ..."]
                + [fmt.format(v) for v in arr[-EDGEITEMS:].tolist()])
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr, indent, summarize, fmt):
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    if summarize and arr.shape[0] > 2 * EDGEITEMS:
        slices = ([_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)]
                  + ["..."]
                  + [_nested_str(arr[i], indent + 1, summarize, fmt)
                     for i in range(arr.shape[0] - EDGEITEMS, arr.shape[0])])
    else:
        slices = [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _body(arr, indent):
    summarize = arr.size > THRESHOLD
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _nested_str(arr, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    """Append `, suffix` items, starting a new line where one would pass 80 columns."""
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # wrap where torch wraps, although our dtype names are longer ("minitorch.")
        n = len(suffix.replace("minitorch.", "torch."))
        if last_line_len + n + 2 > LINEWIDTH:
            text += ",\n" + " " * indent + suffix
            last_line_len = indent + n
        else:
            text += ", " + suffix
            last_line_len += n + 2
    return text + ")"


def format_tensor(t) -> str:
    prefix = "tensor("
    indent = len(prefix)
    arr = backend.move(t._data, backend.CPU)
    suffixes = []
    if t.is_cuda:
        suffixes.append(f"device='{t.device}'")
    dtype_suffix = f"dtype=minitorch.{t.dtype.name}"
    is_default = t.dtype is dtypes.get_default_dtype()
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if not is_default:  # no element shows whether it is an integer tensor
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if not (is_default or t.dtype.name in _DEFAULT_SHOWN):
            suffixes.append(dtype_suffix)
        body = _body(arr, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
