"""Anomaly detection (torch.autograd.anomaly_mode's twin): stop at the first NaN gradient.

While it is on, the engine checks every gradient a node's backward produces and raises
at the node that made a NaN -- "Function 'DivBackward0' returned nan values in its 1th
output." -- instead of letting it spread silently into every `.grad`. When it is off the
engine pays one module-level bool check per node (`_enabled`).

Unlike torch, minitorch does not record each node's forward traceback in this mode, so
the error names the backward node but not the line of user code that created it.
"""
from __future__ import annotations

import contextlib
import warnings

from .. import backend

_enabled = False    # read by engine.run_backward on every node: keep it a plain bool
_check_nan = True


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()` / `set_detect_anomaly(True)`."""
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks gradients for NaN (True by default, as in torch)."""
    return _check_nan


def _set(mode, check_nan):
    global _enabled, _check_nan
    _enabled, _check_nan = bool(mode), bool(check_nan)


class detect_anomaly(contextlib.ContextDecorator):
    """Context manager (and decorator) that turns anomaly detection on.

    Args:
        check_nan: raise when a backward node returns a NaN gradient (default True).

    >>> x = minitorch.tensor([-1.0], requires_grad=True)
    >>> with minitorch.autograd.detect_anomaly():
    ...     x.sqrt().sum().backward()
    Traceback (most recent call last):
    RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                      "runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = (_enabled, _check_nan)
        _set(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set(*self.prev)
        return False


class set_detect_anomaly:
    """Turn anomaly detection on or off, as a call or a context manager (as in torch, the
    change takes effect at construction and the previous state comes back on exit).

    Args:
        mode: True to enable, False to disable.
        check_nan: raise when a backward node returns a NaN gradient (default True).
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (_enabled, _check_nan)
        _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self.prev)
        return False


def check_gradients(node, grads):
    """Raise torch's error if any gradient `node` produced (arrays, or Tensors under
    create_graph=True) holds a NaN. Called by the engine only when anomaly mode is on."""
    if not _check_nan:
        return
    for i, g in enumerate(grads):
        if g is None:
            continue
        data = getattr(g, "_data", g)
        if data.dtype.kind not in "fc":
            continue
        if bool(backend.array_module(data).isnan(data).any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               "output.")
