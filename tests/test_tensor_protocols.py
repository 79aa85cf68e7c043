"""Python's protocols on Tensor, as torch has them.

format() (a 0-d tensor formats like its number), operator.index, bool/float/int (with
torch's errors for other sizes), hash, len, `in`, reversed(), iteration over dim 0, and
the operators' NotImplemented for operands they don't take. Each check runs on minitorch
and torch and wants the same result, or the same exception type with torch's message.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from parity_helpers import both
from strategies import arrays, shapes

import minitorch

LIBS = [minitorch, torch]


def raises_like_torch(fn, exc, message):
    """`fn(lib)` raises `exc` with `message` in both libraries (torch checks the words)."""
    for lib in LIBS:
        with pytest.raises(exc) as info:
            fn(lib)
        assert message in str(info.value), f"{lib.__name__}: {info.value}"


def _tensor(lib, values, dtype="float32"):
    return lib.from_numpy(np.array(np.asarray(values).astype(dtype)))


# ---- format --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,dtype,spec", [
    (1.5, "float32", ".2f"), (1.5, "float64", ""), (-2.25, "float32", "+.1e"),
    (3, "int64", "05d"), (3, "int32", ">6"), (1, "bool", ""), (0.1, "float32", ".10f"),
    (7, "uint8", "x"), (2.5, "float16", "g")])
def test_format_of_0d_tensor_is_format_of_its_item(value, dtype, spec):
    """f"{loss:.4f}" works on a 0-d tensor (also one requiring grad), like on .item()."""
    for lib in LIBS:
        t = _tensor(lib, value, dtype)
        assert format(t, spec) == format(t.item(), spec), lib.__name__
    assert format(_tensor(minitorch, value, dtype), spec) == \
        format(_tensor(torch, value, dtype), spec)
    grad = [lib.tensor(1.25, requires_grad=True) for lib in LIBS]
    assert f"{grad[0]:.1f}" == f"{grad[1]:.1f}" == "1.2"


@given(x=arrays(shapes(min_dims=1, max_dims=2), "int"))
def test_format_of_other_tensors(x):
    """format(x, "") is str(x); any other spec raises torch's TypeError."""
    t = minitorch.from_numpy(x.make(np.float32))
    assert format(t, "") == str(t) and f"{t}" == str(t)
    assert f"{t!s:>200}" == str(t).rjust(200)
    raises_like_torch(lambda L: format(L.from_numpy(x.make(np.float32)), ".2f"), TypeError,
                      "unsupported format string passed to Tensor.__format__")


# ---- index, bool, float, int ---------------------------------------------------------------------
@pytest.mark.parametrize("values,dtype", [(1, "int64"), ([2], "int32"), ([[0]], "uint8"),
                                          (True, "bool"), (1.0, "float32"), ([1, 2], "int64"),
                                          ([], "int64")])
def test_index(values, dtype):
    """A one-element integer (or bool) tensor is an index; anything else raises TypeError
    'only integer tensors of a single element can be converted to an index'."""
    both(lambda L: operator.index(_tensor(L, values, dtype)), f"index {values} {dtype}")
    both(lambda L: [10, 11, 12][_tensor(L, values, dtype)], f"list[{values}]")
    both(lambda L: range(5)[_tensor(L, values, dtype)], f"range[{values}]")
    if dtype.startswith("float") or np.size(values) != 1:
        raises_like_torch(lambda L: operator.index(_tensor(L, values, dtype)), TypeError,
                          "only integer tensors of a single element can be converted to an "
                          "index")


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (0,), (2,), (2, 3)])
def test_bool_float_int_need_one_element(shape):
    """bool() raises RuntimeError ('no values' / 'more than one value is ambiguous');
    float() and int() raise ValueError, as in torch."""
    for conv in (bool, float, int):
        both(lambda L: conv(L.full(shape, -2.5)), f"{conv.__name__}{shape}")
    if shape == (0,):
        raises_like_torch(lambda L: bool(L.zeros(shape)), RuntimeError,
                          "Boolean value of Tensor with no values is ambiguous")
    if int(np.prod(shape)) > 1:
        raises_like_torch(lambda L: bool(L.zeros(shape)), RuntimeError,
                          "Boolean value of Tensor with more than one value is ambiguous")
    if int(np.prod(shape)) != 1:
        for conv in (float, int):
            raises_like_torch(lambda L: conv(L.zeros(shape)), ValueError,
                              "only one element tensors can be converted to Python scalars")


def test_int_truncates_and_float_of_tensor_requiring_grad():
    for lib in LIBS:
        assert int(lib.tensor(-2.7)) == -2 and int(lib.tensor([[2.7]])) == 2
        assert float(lib.tensor(1.5, requires_grad=True)) == 1.5
        assert int(lib.tensor(True)) == 1 and float(lib.tensor(3)) == 3.0


# ---- hash, len, in, reversed, iter ---------------------------------------------------------------
def test_hash_is_identity():
    """Tensors hash by identity (equal values, different tensors), so they work as dict
    keys and in sets, where `==` alone would be elementwise."""
    a, b = minitorch.ones(2), minitorch.ones(2)
    assert hash(a) == id(a) and hash(a) != hash(b)
    assert len({a, b, a}) == 2 and {a: 1, b: 2}[a] == 1


@given(x=arrays(shapes(max_dims=3), "int"))
def test_len_iter_reversed(x):
    """len and iteration go over dim 0, reversed() flips it; a 0-d tensor has no len
    ('len() of a 0-d tensor') and can't be iterated ('iteration over a 0-d tensor'),
    but reversed() gives it back."""
    both(lambda L: len(L.from_numpy(x.make())), "len")
    both(lambda L: list(L.from_numpy(x.make())), "list(x)")
    both(lambda L: reversed(L.from_numpy(x.make())), "reversed(x)")
    both(lambda L: [row.sum() for row in L.from_numpy(x.make())], "rows")
    if x.values.ndim == 0:
        raises_like_torch(lambda L: len(L.from_numpy(x.make())), TypeError,
                          "len() of a 0-d tensor")
        raises_like_torch(lambda L: iter(L.from_numpy(x.make())), TypeError,
                          "iteration over a 0-d tensor")
        t = minitorch.from_numpy(x.make())
        assert reversed(t) is t


def test_iteration_keeps_the_graph():
    """Rows from iteration are views in the graph: gradients flow back to the tensor."""
    grads = []
    for lib in LIBS:
        x = lib.arange(6.0).reshape(3, 2).requires_grad_()
        sum(row * (i + 1) for i, row in enumerate(x)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


@given(x=arrays(shapes(min_dims=1, max_dims=2), "int"),
       item=st.sampled_from([0, 2, -3, 0.0, 1.5, True, "tensor", "row"]))
def test_contains(x, item):
    """`v in x` is (v == x).any() for numbers and tensors (broadcast)."""
    def check(L):
        t = L.from_numpy(x.make())
        v = {"tensor": L.tensor(1.0), "row": t[0] if t.ndim > 1 else L.tensor([2.0])}.get(
            item, item)
        return v in t

    both(check, f"{item!r} in x")


@pytest.mark.parametrize("item", [[1.0], "a", None, np.bool_(True), (1,)])
def test_contains_refuses_other_types(item):
    raises_like_torch(lambda L: item in L.ones(3), RuntimeError,
                      "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                      f"{type(item)}.")


# ---- operators and operands they don't take ------------------------------------------------------
@pytest.mark.parametrize("other", [None, "a", [1.0, 2.0], (1,), object()])
@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "//", "%", "**", "&", "@", "==", "!=",
                                    "<", ">="])
def test_operators_answer_not_implemented(symbol, other):
    """An operand torch doesn't take makes the operator return NotImplemented, so Python
    raises its own TypeError -- or, for == and !=, compares identity (x == None is
    False)."""
    op = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_,
          "@": operator.matmul, "==": operator.eq, "!=": operator.ne, "<": operator.lt,
          ">=": operator.ge}[symbol]
    both(lambda L: op(L.ones(2), other), f"x {symbol} {other!r}")
    both(lambda L: op(other, L.ones(2)), f"{other!r} {symbol} x")


@pytest.mark.parametrize("symbol", ["&", "|", "^"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "uint8"), ("bool", "bool"),
                                    ("bool", "int64"), ("float32", "int64")])
def test_bitwise_operators(symbol, dtypes):
    """& | ^ are bitwise as in torch (so int tensors give ints), with Python ints on either
    side; floating tensors raise NotImplementedError."""
    op = {"&": operator.and_, "|": operator.or_, "^": operator.xor}[symbol]
    a, b = np.array([5, 3, 0, 6]), np.array([3, 6, 1, 6])
    both(lambda L: op(_tensor(L, a, dtypes[0]), _tensor(L, b, dtypes[1])), "tensors")
    both(lambda L: op(_tensor(L, a, dtypes[0]), 6), "tensor, int")
    both(lambda L: op(3, _tensor(L, a, dtypes[0])), "int, tensor")
    both(lambda L: op(True, _tensor(L, a, dtypes[0])), "bool, tensor")
    if dtypes[0] == "float32":
        raises_like_torch(lambda L: op(_tensor(L, a, "float32"), 1), NotImplementedError,
                          "not implemented for 'Float'")


@pytest.mark.parametrize("symbol", ["//=", "%=", "**=", "&=", "|=", "^=", "+=", "/="])
@pytest.mark.parametrize("dtype", ["int64", "float32", "bool"])
def test_inplace_operators(symbol, dtype):
    """x OP= y writes into x (the same object, its views see it) where torch does, and
    raises where torch does (a float result into an int tensor)."""
    op = {"//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
          "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor, "+=": operator.iadd,
          "/=": operator.itruediv}[symbol]

    def run(L):
        x = _tensor(L, [5, 3, 0, 6], dtype)
        view = x[1:]
        out = op(x, _tensor(L, [3, 2, 1, 2], dtype))
        return out, view, out is x

    both(run, f"x {symbol} y")
