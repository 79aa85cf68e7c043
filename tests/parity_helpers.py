"""Comparing one call on minitorch and on torch: same result or the same exception type.

For checks outside the op registry (protocols, NumPy interop, factory signatures), where
a call may legitimately raise and the exception type is part of the contract.
"""
from __future__ import annotations

import numpy as np
import torch

import minitorch


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _flat(item)]
    return [out]


def outcome(fn):
    """(normalized result, None) or (None, exception type): Tensors of either library
    become (dtype name, NumPy array) so minitorch and torch results compare alike."""
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001 -- the exception type is what we compare
        return None, type(exc)
    norm = []
    for o in _flat(out):
        if isinstance(o, (minitorch.Tensor, torch.Tensor)):
            name = str(o.dtype).rpartition(".")[2]
            norm.append((name, np.array(o.detach().cpu().numpy())))
        elif isinstance(o, (minitorch.dtype, torch.dtype)):
            norm.append(("value", str(o).rpartition(".")[2]))
        else:
            norm.append(("value", o))
    return norm, None


_RTOL = {"float16": 2e-3, "float32": 2e-5, "float64": 1e-9}


def difference(got, want):
    """None when two outcomes agree (same exception type, or same dtypes and values)."""
    (out, exc), (ref, ref_exc) = got, want
    if exc is not None or ref_exc is not None:
        if exc is ref_exc or (exc and ref_exc and issubclass(exc, ref_exc)):
            return None
        return f"raises {exc and exc.__name__} / {ref_exc and ref_exc.__name__}" + (
            f", result {out!r}" if out is not None else f", result {ref!r}")
    if len(out) != len(ref):
        return f"{len(out)} outputs, expected {len(ref)}"
    for (kind, a), (ref_kind, b) in zip(out, ref):
        if kind != ref_kind:
            return f"dtype {kind} != {ref_kind}"
        if kind == "value":
            if a != b:
                return f"{a!r} != {b!r}"
            continue
        if a.shape != b.shape:
            return f"shape {a.shape} != {b.shape}"
        if b.dtype.kind != "f" and np.array_equal(a, b):
            continue  # the fast path: assert_allclose is slow and most results are exact
        try:
            if b.dtype.kind == "f":
                np.testing.assert_allclose(a, b, rtol=_RTOL[kind], atol=1e-6, equal_nan=True)
            else:
                np.testing.assert_array_equal(a, b)
        except AssertionError as err:
            return str(err)
    return None


def assert_like_torch(mine_fn, ref_fn, what):
    msg = difference(outcome(mine_fn), outcome(ref_fn))
    assert msg is None, f"{what}: {msg}"


def both(fn, what=""):
    """Run `fn(lib)` with lib = minitorch and torch; assert the outcomes agree."""
    assert_like_torch(lambda: fn(minitorch), lambda: fn(torch), what)
