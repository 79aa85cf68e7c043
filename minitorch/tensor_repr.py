"""torch-style printing: tensor([[1., 2.], ...], dtype=..., device=..., grad_fn=<...>).

A port of torch/_tensor_str.py, print options included, so `print(x)` lays out the same
characters as torch: one number format for the whole tensor (chosen from the shown
values), every element right-aligned to the widest, `(linewidth - indent) // (width + 2)`
elements per line, and tensors over `threshold` elements summarized to `edgeitems` per dim.
`set_printoptions` changes PRINT_OPTS, which every function below reads at call time.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math

import numpy as np

from . import backend, dtypes


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4        # digits after the point
    threshold: float = 1000   # more elements than this are summarized
    edgeitems: int = 3        # elements kept at each end of a summarized dim
    linewidth: int = 80
    sci_mode: bool | None = None  # None: chosen from the values (see _Formatter)


PRINT_OPTS = _PrinterOptions()

# torch's profiles: (precision, threshold, edgeitems, linewidth)
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print (torch.set_printoptions); None leaves an option unchanged,
    except `sci_mode`, which every call sets (None = automatic), as in torch.

    Args:
        precision: digits after the point (default 4).
        threshold: tensors with more elements are summarized (default 1000).
        edgeitems: items kept at each end of a summarized dim (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: "default", "short" (precision 2, edgeitems 2) or "full" (no
            summarizing), applied before the other arguments. torch ignores an
            unknown name, and so does this.
        sci_mode: True/False forces scientific/fixed notation; None picks it.

    >>> set_printoptions(precision=2)
    >>> tensor([1.12345])
    tensor([1.12])
    >>> set_printoptions(profile="default")
    """
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current options, as keyword arguments for set_printoptions."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Change the print options inside a `with` block only."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


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
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = abs_max / abs_min > 1000.0 or abs_max > 1.0e8 or abs_min < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        precision = PRINT_OPTS.precision
        if self.sci_mode:
            fmt, extra = "{:.%de}" % precision, 0
        elif self.int_mode:
            fmt, extra = "{:.0f}", 1  # int mode appends "." to each number: count it
        else:
            fmt, extra = "{:.%df}" % precision, 0
        for v in finite.tolist():
            self.max_width = max(self.max_width, len(fmt.format(v)) + extra)

    def format(self, value):
        if not self.floating:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRINT_OPTS.precision}f}"
        return text.rjust(self.max_width)


def _summarized(arr):
    """The values torch shows (and sizes its format on) when it summarizes."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        # arr[-0:] is the whole dim: with edgeitems=0 torch sizes the format on every
        # value (and then shows none of them)
        return np.concatenate([arr[:edge], arr[-edge:]]) if arr.shape[0] > 2 * edge else arr
    if not edge:
        return arr[(slice(0, 0),) * arr.ndim]
    if arr.shape[0] > 2 * edge:
        idx = list(range(edge)) + list(range(arr.shape[0] - edge, arr.shape[0]))
    else:
        idx = range(arr.shape[0])
    return np.stack([_summarized(arr[i]) for i in idx])


def _vector_str(arr, indent, summarize, fmt):
    edge = PRINT_OPTS.edgeitems
    per_line = max(1, (PRINT_OPTS.linewidth - indent) // (fmt.max_width + 2))
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = ([fmt.format(v) for v in arr[:edge].tolist()] + [" ..."]
                + [fmt.format(v) for v in arr[-edge:].tolist()])
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr, indent, summarize, fmt):
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    if summarize and arr.shape[0] > 2 * edge:
        slices = ([_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(edge)]
                  + ["..."]
                  + [_nested_str(arr[i], indent + 1, summarize, fmt)
                     for i in range(arr.shape[0] - edge, arr.shape[0])])
    else:
        slices = [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _body(arr, indent):
    summarize = arr.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _nested_str(arr, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    """Append `, suffix` items, starting a new line where one would pass the line width."""
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # wrap where torch wraps, although our dtype names are longer ("minitorch.")
        n = len(suffix.replace("minitorch.", "torch."))
        if last_line_len + n + 2 > PRINT_OPTS.linewidth:
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
        if not PRINT_OPTS.edgeitems:  # the body shows no number, so torch prints the shape
            suffixes.append(f"size={tuple(arr.shape)}")
        if not (is_default or t.dtype.name in _DEFAULT_SHOWN):
            suffixes.append(dtype_suffix)
        body = _body(arr, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
