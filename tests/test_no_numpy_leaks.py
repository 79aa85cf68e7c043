"""No NumPy exception or warning escapes a public call.

Every op in the registry (tests/op_specs*.py) is called with a valid sample that is then
spoiled in one way -- a wrong shape, an empty or 0-d tensor, an integer or bool tensor
where a float one was, an int argument (a dim, a size) out of range or negative, or
NaN/inf/huge values -- on minitorch and on torch:

- when torch raises, minitorch raises the same exception type (NumPy's ValueError where
  torch has a RuntimeError or IndexError is the leak this guards against);
- when torch succeeds, minitorch must not fail with an exception raised inside NumPy;
- NumPy's RuntimeWarnings (divide by zero, overflow, invalid value) are errors here:
  torch computes inf/NaN silently, and so must minitorch.

Mixed devices (one tensor on cuda, the others on the CPU) are the same guard's last part,
in test_mixed_device.py: it needs the simulated CuPy (or a GPU) and a fixed sample per op.
"""
from __future__ import annotations

import os
import traceback
import warnings

import numpy as np
import pytest
import test_op_parity as parity
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from op_specs import SPECS
from strategies import Arr, Sample

import minitorch

NUMPY_DIR = os.path.dirname(np.__file__)


def _arrays_in(obj, path=()):
    """(path, Arr) for every Arr inside nested args/kwargs."""
    if isinstance(obj, Arr):
        yield path, obj
    elif isinstance(obj, (list, tuple)):
        for i, o in enumerate(obj):
            yield from _arrays_in(o, path + (i,))
    elif isinstance(obj, dict):
        for k, o in obj.items():
            yield from _arrays_in(o, path + (k,))


def _ints_in(obj, path=()):
    if isinstance(obj, bool):
        return
    if isinstance(obj, int):
        yield path, obj
    elif isinstance(obj, (list, tuple)):
        for i, o in enumerate(obj):
            yield from _ints_in(o, path + (i,))
    elif isinstance(obj, dict):
        for k, o in obj.items():
            yield from _ints_in(o, path + (k,))


def _replace(obj, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(obj, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in obj.items()}
    items = [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(obj)]
    return type(obj)(items) if not hasattr(obj, "_fields") else type(obj)(*items)


def _arr(values, like):
    return Arr(np.asarray(values), None, like.requires_grad)


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e38, -1e38, 1e-45])


@st.composite
def spoiled(draw, sample):
    """`sample` with one thing made invalid (or extreme), and a label saying what."""
    args = (sample.args, sample.kwargs)
    arrays = list(_arrays_in(args))
    ints = list(_ints_in(args))
    ways = ["special"] if arrays else []
    ways += ["shape", "empty", "scalar", "dtype"] if arrays else []
    ways += ["int"] if ints else []
    if not ways:
        return "unchanged", sample
    way = draw(st.sampled_from(ways), label="way")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    if way == "int":
        path, _ = draw(st.sampled_from(ints), label="which int")
        new = draw(st.sampled_from([-100, -5, -1, 0, 5, 100]), label="int value")
        return f"int {path} -> {new}", type(sample)(*_replace(args, path, new))
    path, arr = draw(st.sampled_from(arrays), label="which array")
    v = arr.values
    if way == "special":
        new = _arr(rng.choice(SPECIAL, v.shape).astype(v.dtype) if v.dtype.kind == "f" else v,
                   arr)
    elif way == "shape":
        shape = tuple(int(n) for n in rng.integers(1, 5, rng.integers(0, 4)))
        new = _arr(rng.standard_normal(shape).astype(v.dtype), arr)
    elif way == "empty":
        shape = list(v.shape) or [1]
        shape[rng.integers(len(shape))] = 0
        new = _arr(np.zeros(shape, v.dtype), arr)
    elif way == "scalar":
        new = _arr(np.asarray(v.reshape(-1)[0] if v.size else 1, dtype=v.dtype), arr)
    else:  # dtype
        dtype = np.int64 if v.dtype.kind == "f" else np.float64
        new = _arr(np.round(v).astype(dtype) if v.dtype.kind == "f" else v.astype(dtype), arr)
    return f"{way} at {path}", type(sample)(*_replace(args, path, new))


def _outcome(fn):
    """(result, None) or (None, exception)."""
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 -- what is raised is what we compare
        return None, exc


def _raised_in_numpy(exc):
    """True when the innermost Python frame of the traceback is NumPy's own code, or the
    exception's type is one only NumPy raises (AxisError, _UFuncNoLoopError, ...)."""
    if type(exc).__module__.startswith("numpy"):
        return True
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and frames[-1].filename.startswith(NUMPY_DIR)


def _numpy_words(exc):
    text = str(exc)
    return any(w in text for w in ("operands could not be broadcast", "could not broadcast",
                                   "ufunc", "numpy", "ndarray", "axis ", "newaxis"))


@pytest.mark.parametrize("spec", SPECS, ids=parity.SPEC_IDS)
@settings(max_examples=6)
@given(data=st.data())
def test_spoiled_arguments(spec, data):
    caller, sample = parity.draw_case(spec, data)
    how, bad = data.draw(spoiled(sample), label="spoiled")
    check_like_torch(spec, caller, bad, how)


# ---- nn.functional: one valid call each, spoiled the same ways --------------------------------
def _f(name):
    def call(L, *args, **kwargs):
        return getattr(L.nn.functional, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _x(*shape):
    return Arr(np.random.default_rng(sum(shape)).standard_normal(shape))


def _ints(high, *shape):
    return Arr(np.random.default_rng(high).integers(0, high, shape).astype(np.int64))


def _probs(*shape):
    return Arr(np.random.default_rng(7).uniform(0.05, 0.95, shape))


FUNCTIONAL = {
    "conv1d": Sample((_x(2, 3, 8), _x(4, 3, 3)), {"stride": 1, "padding": 1}),
    "conv2d": Sample((_x(2, 3, 6, 6), _x(4, 3, 3, 3), _x(4)), {"stride": 2, "padding": 1}),
    "conv_transpose2d": Sample((_x(1, 2, 4, 4), _x(2, 3, 3, 3)), {"stride": 2}),
    "linear": Sample((_x(2, 5), _x(3, 5), _x(3))),
    "max_pool2d": Sample((_x(2, 3, 6, 6), 2), {"stride": 2}),
    "avg_pool2d": Sample((_x(2, 3, 6, 6), 3), {"padding": 1}),
    "adaptive_avg_pool2d": Sample((_x(1, 2, 5, 5), 2)),
    "cross_entropy": Sample((_x(4, 5), _ints(5, 4))),
    "nll_loss": Sample((_x(4, 5), _ints(5, 4))),
    "mse_loss": Sample((_x(3, 4), _x(3, 4))),
    "l1_loss": Sample((_x(3, 4), _x(3, 4))),
    "smooth_l1_loss": Sample((_x(3, 4), _x(3, 4))),
    "binary_cross_entropy": Sample((_probs(3, 4), _probs(3, 4))),
    "layer_norm": Sample((_x(2, 3, 4), (4,))),
    "group_norm": Sample((_x(2, 4, 3), 2)),
    "batch_norm": Sample((_x(4, 3), Arr(np.zeros(3), None, False), Arr(np.ones(3), None, False))),
    "embedding": Sample((_ints(10, 2, 3), _x(10, 4))),
    "one_hot": Sample((_ints(5, 3), 5)),
    "softmax": Sample((_x(2, 3),), {"dim": 1}),
    "log_softmax": Sample((_x(2, 3),), {"dim": 0}),
    "pad": Sample((_x(2, 3), (1, 2))),
    "interpolate": Sample((_x(1, 1, 4, 4),), {"scale_factor": 2}),
    "normalize": Sample((_x(3, 4),), {"dim": 1}),
    "cosine_similarity": Sample((_x(3, 4), _x(3, 4)), {"dim": 1}),
    "dropout": Sample((_x(3, 4),), {"p": 0.0}),
    "gelu": Sample((_x(3, 4),)),
    "unfold": Sample((_x(1, 2, 4, 4), 2)),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
@settings(max_examples=15)
@given(data=st.data())
def test_spoiled_functional_arguments(name, data):
    how, bad = data.draw(spoiled(FUNCTIONAL[name]), label="spoiled")
    check_like_torch(None, _f(name), bad, how)


# Wrong exception types that are not NumPy's: minitorch validates these calls itself, in
# other words and another order than torch. Each entry is (call, torch's type, ours); to fix.
KNOWN_DIFFERENCES = {
    # a 0-d or 2-d operand: torch fails reading a size it assumed (IndexError),
    # minitorch checks the dims first ("batch1 must be a 3D tensor", RuntimeError)
    ("addbmm", IndexError, RuntimeError), ("baddbmm", IndexError, RuntimeError),
    ("addmv", IndexError, RuntimeError), ("mv", IndexError, RuntimeError),
    ("avg_pool2d", IndexError, RuntimeError),
    # F.batch_norm on 1-D input: torch checks running_mean's size, minitorch the input's
    # dims first, with BatchNorm1d's ValueError
    ("batch_norm", RuntimeError, ValueError),
    # cross_entropy on 1-D input with a 1-D target: torch's ValueError names the sizes;
    # on 0-d input torch reads the class dim (IndexError), minitorch says "Expected 1 or
    # more dimensions" (ValueError, its own words)
    ("cross_entropy", ValueError, RuntimeError), ("cross_entropy", IndexError, ValueError),
    # the in-place forms of the two above, for the same reason
    ("addbmm_", IndexError, RuntimeError), ("baddbmm_", IndexError, RuntimeError),
    # an index into an EMPTY self: torch's errors come from its internals (index_add: an
    # IndexError "index out of range in self" for some shapes, no error for others;
    # index_fill: a RuntimeError from setStorage); minitorch names the out-of-range index
    ("index_add", IndexError, RuntimeError), ("index_fill", RuntimeError, IndexError),
}


def _same_kind(exc, ref_exc):
    """minitorch raised the exception type torch did. torch's LinAlgError lives in torch._C
    (as _LinAlgError); minitorch.linalg.LinAlgError is its twin (both RuntimeErrors)."""
    if isinstance(exc, type(ref_exc)):
        return True
    return (type(ref_exc).__name__ == "_LinAlgError"
            and isinstance(exc, minitorch.linalg.LinAlgError))


def check_like_torch(spec, caller, bad, how):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own UserWarnings are not the subject
        _, ref_exc = _outcome(lambda: parity.run(spec, caller, bad, torch, "float32", "cpu"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.filterwarnings("error", category=RuntimeWarning)
        _, exc = _outcome(lambda: parity.run(spec, caller, bad, minitorch, "float32", "cpu"))
    if isinstance(exc, RuntimeWarning):
        raise AssertionError(f"{how}: NumPy warned: {exc}") from exc
    name = spec.id if spec is not None else caller.__name__
    known = (name, type(ref_exc), type(exc)) in KNOWN_DIFFERENCES
    if ref_exc is not None and exc is not None and not known:
        assert _same_kind(exc, ref_exc), (
            f"{how}: torch raises {type(ref_exc).__name__}({ref_exc}), minitorch "
            f"{type(exc).__name__}({exc})")
    elif exc is not None:
        assert not (_raised_in_numpy(exc) or _numpy_words(exc)), (
            f"{how}: torch succeeds, minitorch leaks {type(exc).__name__}({exc})")
