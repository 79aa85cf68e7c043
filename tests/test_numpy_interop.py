"""NumPy interoperability as in torch: NumPy scalars and arrays as operands, memory sharing.

torch reads a NumPy scalar like a Python number: NumPy integers as ints, every other NumPy
scalar (np.bool_ too) as a float. So `x * np.float64(2)` stays float32 and an int64
tensor times np.float32(2) is float32 (the default dtype). Each check runs the same call
on minitorch and torch and wants the same dtype and values, or the same exception type.

The binary ops come from the registry (tests/op_specs*.py): every spec whose sample
strategy is `strategies.binary`, with a NumPy scalar of every type on either side and a
tensor of every dtype; hypothesis draws the values, layouts and callers. Where minitorch
already differs from torch for a *Python* number (an op that takes a scalar torch refuses,
say), the NumPy check only asks that the NumPy scalar act like that Python number.

Also here: NumPy arrays as operands (torch's operators hand them to NumPy, its functions
refuse them), in-place ops, clamp/where, indexing and creation functions with NumPy
scalars, and from_numpy / numpy() sharing memory.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from op_specs import SPECS, call_spec
from parity_helpers import assert_like_torch, difference, outcome
from strategies import Arr, arrays, shapes

import minitorch

TENSOR_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                 "float64"]
NP_SCALARS = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.uint16,
              np.uint32, np.uint64, np.float16, np.float32, np.float64]
# the registry's binary ops: samples drawn by strategies.binary (tensor, tensor-or-scalar)
BINARY_SPECS = [s for s in SPECS if getattr(s.sample, "function", None) is not None
                and s.sample.function.__name__ == "binary"]


def test_registry_has_binary_ops():
    """The programmatic lookup finds the binary ops (so the tests below are not vacuous)."""
    ids = {s.id for s in BINARY_SPECS}
    assert {"add", "sub", "mul", "div", "pow", "eq", "lt", "maximum", "atan2",
            "remainder", "floor_divide"} <= ids


def python_twin(scalar):
    """The Python number torch reads a NumPy scalar as: ints stay ints, everything else
    (np.bool_ included) is a float."""
    return int(scalar) if isinstance(scalar, np.integer) else float(scalar)


def _pair(values, dtype):
    """The same values as a minitorch and a torch tensor of `dtype`."""
    arr = np.array(values, dtype=np.float64)
    if np.dtype(dtype).kind == "u":
        arr = np.array(np.abs(arr))  # a negative float cast to uint8 is undefined in NumPy
    arr = np.array(arr != 0) if dtype == "bool" else arr.astype(dtype)
    return minitorch.from_numpy(arr), torch.from_numpy(arr.copy())


def _scalar_value(other):
    """One number from the spec's second operand (an Arr or a Python scalar)."""
    if isinstance(other, Arr):
        flat = other.values.reshape(-1)
        return float(flat[0]) if flat.size else 1.0
    return float(other)


def _np_scalar(np_type, value):
    if np_type is np.bool_:
        return np.bool_(value != 0)
    if np.issubdtype(np_type, np.unsignedinteger):
        value = abs(value)
    return np_type(value)


# ---- every binary op of the registry, a NumPy scalar on either side ------------------------------
def check_scalar_call(call, x_mine, x_ref, scalar, scalar_first, what, twins):
    """`call(lib, a, b)` with a NumPy scalar, against the same call with its Python twin.

    minitorch must treat the NumPy scalar exactly like the Python number; and where
    minitorch already matches torch for the Python number, it must match torch for the
    NumPy scalar. (Where it doesn't, the op mishandles Python numbers too: not a NumPy
    question, and test_op_parity is the place for it.)
    """
    twin = python_twin(scalar)

    def run(lib, x, s):
        return outcome(lambda: call(lib, s, x) if scalar_first else call(lib, x, s))

    key = (type(twin), twin, scalar_first)  # NumPy types share twins: run those once
    if key not in twins:
        twins[key] = run(minitorch, x_mine, twin), run(torch, x_ref, twin)
    (mine_py, ref_py), mine_np = twins[key], run(minitorch, x_mine, scalar)
    if mine_np[1] is None or mine_py[1] is None:  # (both raising may differ in type)
        msg = difference(mine_np, mine_py)
        assert msg is None, f"{what}: NumPy scalar vs its Python twin {twin!r}: {msg}"
    if difference(mine_py, ref_py) is None:
        msg = difference(mine_np, run(torch, x_ref, scalar))
        assert msg is None, f"{what}: vs torch: {msg}"


@pytest.mark.parametrize("spec", BINARY_SPECS, ids=[s.id for s in BINARY_SPECS])
@settings(max_examples=2)
@given(data=st.data())
def test_binary_op_with_numpy_scalar(spec, data):
    """Every dtype pair (tensor dtype x NumPy scalar type), the scalar on either side:
    a drawn caller of the spec, and its first function (`lib.add(np_scalar, x)` too)."""
    sample = data.draw(spec.sample, label="sample")
    drawn = data.draw(st.sampled_from(spec.calls), label="caller")
    functions = [c for c in spec.calls if isinstance(c, str) and not c.startswith(".")]
    value = _scalar_value(sample.args[1])
    for caller in dict.fromkeys([drawn] + functions[:1]):  # (no duplicates, in order)
        # the scalar goes first only into functions: a method can't be called on it and
        # the lambdas give their arguments fixed roles; the operators with the scalar
        # first are test_operator_with_numpy_scalar's
        sides = [False, True] if caller in functions else [False]

        def call(lib, a, b, caller=caller):
            return call_spec(spec, caller, lib, (a, b), sample.kwargs)

        for dtype in TENSOR_DTYPES:
            x_mine, x_ref = _pair(sample.args[0].make(np.float64), dtype)
            twins = {}
            for np_type in NP_SCALARS:
                scalar = _np_scalar(np_type, value)
                for first in sides:
                    check_scalar_call(call, x_mine, x_ref, scalar, first,
                                      f"{spec.id} {getattr(caller, '__name__', caller)} "
                                      f"tensor {dtype}, {np_type.__name__}({scalar!r}) "
                                      f"{'first' if first else 'second'}, {sample.kwargs}",
                                      twins)


OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "==": operator.eq,
    "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge}


def _inplace_operator(op):
    # on a copy, so the tensor stays the same for the next call; `a OP= b` falls back to
    # `a = a OP b` where the in-place operator answers NotImplemented (an ndarray b)
    return lambda a, b: op(a.clone() if hasattr(a, "clone") else a, b)


OPERATORS.update({symbol + "=": _inplace_operator(op) for symbol, op in [
    ("+", operator.iadd), ("-", operator.isub), ("*", operator.imul),
    ("/", operator.itruediv), ("//", operator.ifloordiv), ("%", operator.imod),
    ("**", operator.ipow), ("&", operator.iand), ("|", operator.ior), ("^", operator.ixor)]})


@pytest.mark.parametrize("symbol", list(OPERATORS))
@settings(max_examples=2)
@given(x=arrays(shapes(max_dims=3), "int"), value=st.sampled_from([-2, 0, 1, 3, 0.5, -1.5]))
def test_operator_with_numpy_scalar(symbol, x, value):
    """`x OP np_scalar` and `np_scalar OP x` (NumPy's own operator runs first and must
    hand over to Tensor's reflected one): every tensor dtype x NumPy scalar type."""
    op = OPERATORS[symbol]
    for dtype in TENSOR_DTYPES:
        x_mine, x_ref = _pair(x.make(np.float64), dtype)
        twins = {}
        for np_type in NP_SCALARS:
            scalar = _np_scalar(np_type, value)
            for first in (False, True):
                check_scalar_call(lambda lib, a, b: op(a, b), x_mine, x_ref, scalar, first,
                                  f"{symbol} tensor {dtype}, {np_type.__name__}({scalar!r}) "
                                  f"{'first' if first else 'second'}", twins)


# ---- NumPy arrays as operands --------------------------------------------------------------------
ARRAY_DTYPES = ["bool", "int64", "int32", "float32", "float64"]


def _array(values, dtype):
    return np.array(values != 0) if dtype == "bool" else np.array(values.astype(dtype))


# ops that take an ndarray (or refuse it with another error) because they skip the
# operand check of ops.promotion.promote; torch raises TypeError. Their modules are not
# part of this change (see the report of issue 13).
ARRAY_UNCHECKED = {"logical_and", "logical_or", "logical_xor", "isclose", "float_power",
                   "float_power-int_input", "float_power_"}
ARRAY_SPECS = [s for s in BINARY_SPECS if s.id not in ARRAY_UNCHECKED]


@pytest.mark.parametrize("spec", ARRAY_SPECS, ids=[s.id for s in ARRAY_SPECS])
@settings(max_examples=2)
@given(data=st.data())
def test_binary_op_with_numpy_array(spec, data):
    """torch's functions and methods refuse an ndarray operand (TypeError); its operators
    answer NotImplemented, so `x * ndarray` is NumPy's multiply (NumPy's dtype, wrapped by
    Tensor.__array_wrap__) and `ndarray * x` raises -- except `==`, which takes it."""
    sample = data.draw(spec.sample, label="sample")
    other = sample.args[1]
    values = other.values if isinstance(other, Arr) else np.array(other)
    array_dtype = data.draw(st.sampled_from(ARRAY_DTYPES), label="array dtype")
    for caller in spec.calls:
        # (no bool tensors: ops.sub rejects bool operands before it looks at the types,
        # a RuntimeError where torch's argument parser raises TypeError first)
        for dtype in ("float32", "int64"):
            x_mine, x_ref = _pair(sample.args[0].make(np.float64), dtype)
            assert_like_torch(
                lambda: call_spec(spec, caller, minitorch, (x_mine, _array(values, array_dtype)),
                                  sample.kwargs),
                lambda: call_spec(spec, caller, torch, (x_ref, _array(values, array_dtype)),
                                  sample.kwargs),
                f"{spec.id} {getattr(caller, '__name__', caller)} tensor {dtype}, "
                f"{array_dtype} array {values.shape}")


@pytest.mark.parametrize("symbol", list(OPERATORS))
@given(x=arrays(shapes(max_dims=2), "int"), zero_d=st.booleans(),
       array_dtype=st.sampled_from(ARRAY_DTYPES))
@settings(max_examples=4)
def test_operator_with_numpy_array(symbol, x, zero_d, array_dtype):
    """Both sides of every operator with a 0-d or broadcastable ndarray."""
    op = OPERATORS[symbol]
    values = x.values.reshape(-1)[:1].reshape(()) if zero_d and x.values.size else x.values
    for dtype in TENSOR_DTYPES:
        x_mine, x_ref = _pair(x.make(np.float64), dtype)
        for first in (False, True):
            def call(lib_x):
                arr = _array(values, array_dtype)
                return op(arr, lib_x) if first else op(lib_x, arr)

            assert_like_torch(lambda: call(x_mine), lambda: call(x_ref),
                              f"{symbol} tensor {dtype}, {array_dtype} array {values.shape} "
                              f"{'first' if first else 'second'}")


def test_array_operand_of_tensor_requiring_grad():
    """NumPy reads such a tensor through __array__, which is x.numpy(): torch refuses."""
    for lib in (minitorch, torch):
        x = lib.ones(3, requires_grad=True)
        message = "Can't call numpy\\(\\) on Tensor that requires grad"
        with pytest.raises(RuntimeError, match=message):
            x * np.array(2.0)
        with pytest.raises(RuntimeError, match="requires grad"):
            np.asarray(x)


def test_numpy_ufunc_on_tensor_gives_tensor():
    """np.sin(x) -> Tensor (__array_wrap__), bool results as uint8 as in torch."""
    for fn in (np.sin, lambda t: np.greater(t, 0), lambda t: np.add(t, 1)):
        assert_like_torch(lambda: fn(minitorch.arange(-2.0, 3.0)),
                          lambda: fn(torch.arange(-2.0, 3.0)), repr(fn))


# ---- in-place ops, clamp, indexing, creation -----------------------------------------------------
# Each takes (lib, s) with a NumPy scalar s; run for every NumPy scalar type below.
INPLACE = {
    "add_": lambda L, s: L.arange(-3.0, 4).add_(s),
    "add_ int": lambda L, s: L.arange(-3, 4).add_(s),
    "sub_": lambda L, s: L.arange(-3.0, 4).sub_(s),
    "mul_ uint8": lambda L, s: L.arange(0, 4).to(L.uint8).mul_(s),
    "div_": lambda L, s: L.arange(-3.0, 4).div_(s),
    "pow_": lambda L, s: L.arange(0.0, 4).pow_(s),
    "fill_": lambda L, s: L.arange(-3.0, 4).fill_(s),
    "fill_ int": lambda L, s: L.arange(-3, 4).fill_(s),
    "masked_fill_": lambda L, s: L.arange(-3.0, 4).masked_fill_(L.arange(7) > 2, s),
    "clamp_": lambda L, s: L.arange(-3.0, 4).clamp_(min=s),
    "+=": lambda L, s: operator.iadd(L.arange(-3.0, 4), s),
    "*= int": lambda L, s: operator.imul(L.arange(-3, 4), s),
    "/= half": lambda L, s: operator.itruediv(L.arange(-3.0, 4).half(), s),
    "//=": lambda L, s: operator.ifloordiv(L.arange(-3.0, 4), s),
    "%=": lambda L, s: operator.imod(L.arange(-3.0, 4), s),
    "**=": lambda L, s: operator.ipow(L.arange(0.0, 4), s),
    "&= int": lambda L, s: operator.iand(L.arange(-3, 4), s),
    "|= bool": lambda L, s: operator.ior(L.arange(-3, 4) > 0, s),
}
CLAMP_WHERE = {
    "clamp min": lambda L, s: L.arange(-3.0, 4).clamp(min=s),
    "clamp max int": lambda L, s: L.arange(-3, 4).clamp(max=s),
    "clamp both": lambda L, s: L.arange(-3.0, 4).clamp(s, s),
    "clamp half": lambda L, s: L.arange(-3.0, 4).half().clamp(min=s),
    "clamp_min": lambda L, s: L.clamp_min(L.arange(-3.0, 4), s),
    "where": lambda L, s: L.where(L.arange(7) > 2, L.arange(7.0), s),
    "where both": lambda L, s: L.where(L.arange(7) > 2, s, s),
    "masked_fill": lambda L, s: L.arange(-3.0, 4).masked_fill(L.arange(7) > 2, s),
    "lerp": lambda L, s: L.lerp(L.zeros(3), L.ones(3), s),
    "0-d tensor": lambda L, s: L.tensor(3.0) * s + 1,
}
INDEXING = {  # NumPy ints index like ints; np.bool_ and NumPy floats raise IndexError
    "getitem": lambda L, s: L.arange(5.0)[s],
    "slice": lambda L, s: L.arange(5.0)[s:],
    "tuple": lambda L, s: L.ones(3, 4)[s, s],
    "setitem index": lambda L, s: L.arange(5.0).__setitem__(s, 1.0),
    # np.float64 is a Python float; other NumPy non-integers are refused (TypeError)
    "setitem value": lambda L, s: (lambda x: (x.__setitem__(1, s), x)[1])(L.arange(5.0)),
    "contains": lambda L, s: s in L.arange(5.0),
}
CREATION = {
    "tensor": lambda L, s: L.tensor(s),
    "tensor list": lambda L, s: L.tensor([s, s]),
    "tensor with float": lambda L, s: L.tensor([s, 1.0]),
    "tensor with np.int8": lambda L, s: L.tensor([np.int8(1), s]),
    "tensor with np.float32": lambda L, s: L.tensor([s, np.float32(1)]),
    "as_tensor": lambda L, s: L.as_tensor(s),
    "full": lambda L, s: L.full((2,), s),
    "full_like": lambda L, s: L.full_like(L.ones(2), s),
    "full_like int": lambda L, s: L.full_like(L.ones(2, dtype=L.int64), s),
    "zeros": lambda L, s: L.zeros(s),
    "ones tuple": lambda L, s: L.ones((s, 2)),
    "arange": lambda L, s: L.arange(s),
    "arange start": lambda L, s: L.arange(-3, s),
    "arange step": lambda L, s: L.arange(0, 4, s),
    "linspace": lambda L, s: L.linspace(0, s, 3),
    "randint dtype": lambda L, s: L.randint(s, (2,)).dtype,
    "normal dtype": lambda L, s: L.normal(s, 1.0, (2,)).dtype,
    "new_full": lambda L, s: L.ones(2).new_full((2,), s),
    "reshape": lambda L, s: L.ones(6).reshape(s, -1).shape,
    "sum dim": lambda L, s: L.ones(2, 3).sum(s),
    "unsqueeze": lambda L, s: L.ones(2, 3).unsqueeze(s).shape,
}
# the NumPy scalar types minitorch has dtypes for (torch.tensor(np.uint16(1)) is uint16)
CREATION_SCALARS = [np.bool_(True), np.uint8(3), np.int8(-2), np.int16(2), np.int32(3),
                    np.int64(-1), np.int64(1), np.float16(1.5), np.float32(0.25),
                    np.float64(2.5)]
SCALARS = CREATION_SCALARS + [np.uint16(2), np.uint64(3)]
CASES = [(f"inplace {k}", f, SCALARS) for k, f in INPLACE.items()] + \
    [(k, f, SCALARS) for k, f in CLAMP_WHERE.items()] + \
    [(f"index {k}", f, SCALARS) for k, f in INDEXING.items()] + \
    [(f"create {k}", f, CREATION_SCALARS) for k, f in CREATION.items()]


@pytest.mark.parametrize("name,fn,scalars", CASES, ids=[c[0] for c in CASES])
def test_numpy_scalar_argument(name, fn, scalars):
    """In-place ops, clamp/where/masked_fill, indexing and creation functions with a NumPy
    scalar of each type: the same dtype and values as torch, or the same exception type."""
    for s in scalars:
        if name.startswith("create tensor") and isinstance(s, np.bool_) and "np." in name:
            continue  # torch.tensor([np.int8(1), np.True_]) raises; a quirk left alone
        assert_like_torch(lambda: fn(minitorch, s), lambda: fn(torch, s), f"{name}, {s!r}")


# ---- memory sharing ------------------------------------------------------------------------------
@given(x=arrays(shapes(min_dims=1, max_dims=3), "int"),
       dtype=st.sampled_from(["float32", "float64", "int64", "uint8", "bool"]))
def test_from_numpy_and_numpy_share_memory(x, dtype):
    """from_numpy(a) and t.numpy() share memory both ways, also for non-contiguous arrays
    (as in torch); a 0-d tensor's numpy() is a 0-d array, not a NumPy scalar."""
    arr = _array(x.make(np.float64), dtype)
    t = minitorch.from_numpy(arr)
    assert t.dtype.name == dtype and tuple(t.shape) == arr.shape
    assert np.shares_memory(t.numpy(), arr)
    first = (0,) * arr.ndim  # (arr.reshape(-1) of a transposed array would be a copy)
    arr[first] = 1 if dtype != "bool" else True  # a write to the array shows
    flat_first = t[first].item()
    assert flat_first == (True if dtype == "bool" else 1)
    t.numpy()[...] = 0  # and a write through numpy() shows in the array
    assert not arr.any()
    assert np.shares_memory(np.asarray(t), arr)  # __array__ is numpy(): no copy
    assert not np.shares_memory(np.array(t), arr)  # unless NumPy asks for one
    zero_d = minitorch.tensor(2.0) * 3
    assert isinstance(zero_d.numpy(), np.ndarray) and zero_d.numpy().shape == ()


def test_numpy_of_tensor_requiring_grad_or_on_gpu_raises():
    x = minitorch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\) instead"):
        x.numpy()
    assert np.shares_memory(x.detach().numpy(), x.data.numpy())


# ---- result_type with NumPy scalars --------------------------------------------------------------
# np.complex64 is no Python complex (np.complex128 is): torch reads it as a float, its real part
# (NumPy's ComplexWarning, which torch lets through, is silenced below; minitorch takes .real)
IGNORE_COMPLEX = pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
RESULT_TYPE_SCALARS = [t(1) for t in NP_SCALARS] + [np.complex64(1 + 1j), np.longdouble(2.5),
                                                    np.bool_(False), True, 2, 2.5]


@IGNORE_COMPLEX
@pytest.mark.parametrize("dtype", TENSOR_DTYPES)
@pytest.mark.parametrize("zero_dim", [False, True], ids=["tensor", "0-d"])
def test_result_type_with_numpy_scalar(dtype, zero_dim):
    """torch.result_type(x, np_scalar) and (np_scalar, x) for every NumPy scalar type: the
    scalar counts as the Python number torch reads it as (np.bool_ as a float)."""
    shape = () if zero_dim else (2,)
    for s in RESULT_TYPE_SCALARS:
        for first in (False, True):
            def call(lib, s=s, first=first):
                x = lib.zeros(shape, dtype=getattr(lib, dtype))
                return lib.result_type(s, x) if first else lib.result_type(x, s)

            assert_like_torch(lambda: call(minitorch), lambda: call(torch),
                              f"result_type {dtype}{list(shape)}, {s!r} first={first}")


@IGNORE_COMPLEX
def test_result_type_of_two_numpy_scalars():
    for a in RESULT_TYPE_SCALARS:
        for b in RESULT_TYPE_SCALARS:
            assert_like_torch(lambda a=a, b=b: minitorch.result_type(a, b),
                              lambda a=a, b=b: torch.result_type(a, b),
                              f"result_type({a!r}, {b!r})")
