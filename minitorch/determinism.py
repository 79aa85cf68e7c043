"""torch.use_deterministic_algorithms and its getters.

On the CPU every minitorch op is deterministic already: NumPy's kernels run in a fixed
order, so the same inputs and seeds give bit-identical results. The flag is kept for
scripts written for torch (they set it once at the top) and for the GPU, where
scatter-adds (index backward, embedding backward) are atomic adds whose summation order
can vary from run to run.
"""
from __future__ import annotations

_enabled = False
_warn_only = False


def _require_bool(value, name, position=""):
    if not isinstance(value, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument '{name}'{position} must "
                        f"be bool, not {type(value).__name__}")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ask for deterministic algorithms (torch's switch).

    Args:
        mode (bool): True to require deterministic algorithms.
        warn_only (bool): when True, an op without a deterministic implementation warns
            instead of raising. Default: False.

    >>> minitorch.use_deterministic_algorithms(True)
    """
    global _enabled, _warn_only
    _require_bool(mode, "mode", " (position 1)")
    _require_bool(warn_only, "warn_only")
    _enabled, _warn_only = mode, warn_only


def are_deterministic_algorithms_enabled():
    """Whether `use_deterministic_algorithms(True)` is in effect."""
    return _enabled


def is_deterministic_algorithms_warn_only_enabled():
    """Whether it was set with `warn_only=True`."""
    return _warn_only


def set_deterministic_debug_mode(debug_mode):
    """torch's string/int form: "default"/0 off, "warn"/1 warn only, "error"/2 on."""
    modes = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = modes[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError("invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(bool(debug_mode != 0), warn_only=bool(debug_mode == 1))


def get_deterministic_debug_mode():
    """0 when off, 1 when warn-only, 2 when on."""
    return 0 if not _enabled else (1 if _warn_only else 2)
