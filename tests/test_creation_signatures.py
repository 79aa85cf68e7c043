"""Factory functions take torch's arguments: the size in every form torch accepts,
`size=`, `dtype=`, `device=`, `requires_grad=`, `generator=`, `out=`, and torch.normal's
four overloads.

Random values differ from torch's (other generators), so random factories are compared
by shape, dtype, requires_grad and exception type; deterministic ones by value too.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from parity_helpers import both
from strategies import shapes

import minitorch

LIBS = [minitorch, torch]
SIZED = ["zeros", "ones", "empty", "rand", "randn"]


def meta(t):
    """What a random factory's result must share with torch's."""
    return tuple(t.shape), str(t.dtype).rpartition(".")[2], t.requires_grad, t.is_leaf


def same_meta(fn, what):
    """fn(lib) gives tensors of the same shape/dtype/requires_grad, or the same error."""
    results = []
    for lib in LIBS:
        try:
            out = fn(lib)
            results.append(meta(out) if hasattr(out, "shape") else out)
        except Exception as exc:  # noqa: BLE001 -- the exception type is compared
            results.append(type(exc))
    assert results[0] == results[1], f"{what}: minitorch {results[0]}, torch {results[1]}"


# ---- the size argument ---------------------------------------------------------------------------
SIZE_FORMS = {
    "varargs": lambda f, s: f(*s),
    "tuple": lambda f, s: f(tuple(s)),
    "list": lambda f, s: f(list(s)),
    "size=tuple": lambda f, s: f(size=tuple(s)),
    "size=list": lambda f, s: f(size=list(s)),
    "numpy ints": lambda f, s: f(*(np.int64(n) for n in s)),
    "size=int": lambda f, s: f(size=s[0] if s else 2),       # TypeError in torch
    "both": lambda f, s: f(*s, size=tuple(s)),              # TypeError in torch
}


@pytest.mark.parametrize("name", SIZED)
@pytest.mark.parametrize("form", list(SIZE_FORMS))
@given(shape=shapes(max_dims=3, min_side=0))
def test_size_forms(name, form, shape):
    """zeros/ones/empty/rand/randn(2, 3), ((2, 3)), ([2, 3]), (size=(2, 3)): one shape;
    size=() is a 0-d tensor, f() and f(size=2) are TypeErrors as in torch."""
    call = SIZE_FORMS[form]
    same_meta(lambda L: call(getattr(L, name), shape), f"{name} {form} {shape}")
    if name in ("zeros", "ones"):
        both(lambda L: call(getattr(L, name), shape), f"{name} {form} {shape}")


@pytest.mark.parametrize("name", SIZED)
def test_no_size_is_an_error(name):
    same_meta(lambda L: getattr(L, name)(), f"{name}()")
    same_meta(lambda L: getattr(L, name)(size=()), f"{name}(size=())")


@pytest.mark.parametrize("name", SIZED)
@pytest.mark.parametrize("kwargs", [
    {"dtype": "float64"}, {"dtype": "float16"}, {"dtype": "int64"}, {"requires_grad": True},
    {"dtype": "int32", "requires_grad": True}, {"device": "cpu"},
    {"dtype": "float64", "requires_grad": True}])
def test_dtype_device_requires_grad(name, kwargs):
    """dtype=, device=, requires_grad= as in torch: rand/randn refuse integer dtypes
    (NotImplementedError), requires_grad=True needs a floating dtype (RuntimeError)."""
    def call(L):
        kw = dict(kwargs)
        if "dtype" in kw:
            kw["dtype"] = getattr(L, kw["dtype"])
        return getattr(L, name)(2, 3, **kw)

    same_meta(call, f"{name} {kwargs}")


# ---- randint -------------------------------------------------------------------------------------
RANDINT_FORMS = {
    "high, size": lambda L: L.randint(5, (3,)),
    "low, high, size": lambda L: L.randint(2, 5, (3, 2)),
    "high, size=": lambda L: L.randint(5, size=(3,)),
    "high=, size=": lambda L: L.randint(high=5, size=(3,)),
    "low=, high=, size=": lambda L: L.randint(low=1, high=5, size=(3,)),
    "size=[]": lambda L: L.randint(5, size=[2, 2]),
    "numpy bounds": lambda L: L.randint(np.int32(1), np.int64(5), (3,)),
    "dtype": lambda L: L.randint(5, (3,), dtype=L.int8),
    "float dtype": lambda L: L.randint(5, (3,), dtype=L.float32),
    "float dtype grad": lambda L: L.randint(5, (3,), dtype=L.float32, requires_grad=True),
    "int grad": lambda L: L.randint(5, (3,), requires_grad=True),        # RuntimeError
    "low >= high": lambda L: L.randint(3, 1, (2,)),                        # RuntimeError
    "float high": lambda L: L.randint(2.5, (2,)),                          # TypeError
    "bool high": lambda L: L.randint(True, (2,)),                          # TypeError
    "no size": lambda L: L.randint(0, 5),                                  # TypeError
    "size int": lambda L: L.randint(5, size=3),                            # TypeError
}


@pytest.mark.parametrize("form", list(RANDINT_FORMS))
def test_randint_forms(form):
    same_meta(RANDINT_FORMS[form], f"randint {form}")


@given(low=st.integers(-5, 5), width=st.integers(1, 4), seed=st.integers(0, 2**31))
def test_randint_range_and_generator(low, width, seed):
    """Values in [low, high); the same generator seed gives the same draw."""
    def draw():
        g = minitorch.Generator().manual_seed(seed)
        return minitorch.randint(low, low + width, (50,), generator=g)

    first, second = draw(), draw()
    assert first.dtype is minitorch.int64
    assert np.array_equal(first.numpy(), second.numpy())
    assert first.numpy().min() >= low and first.numpy().max() < low + width


# ---- normal --------------------------------------------------------------------------------------
NORMAL_FORMS = {
    "(Tensor, Tensor)": lambda L: L.normal(L.zeros(3), L.ones(3)),
    "(Tensor, Tensor) broadcast": lambda L: L.normal(L.zeros(3, 1), L.ones(2)),
    "(Tensor, Tensor) mismatch": lambda L: L.normal(L.zeros(3), L.ones(2)),  # RuntimeError
    "(Tensor)": lambda L: L.normal(L.zeros(2, 3)),
    "(mean=Tensor)": lambda L: L.normal(mean=L.zeros(2, 3)),
    "(Tensor, float)": lambda L: L.normal(L.zeros(4), 2.0),
    "(Tensor float64, float)": lambda L: L.normal(L.zeros(4, dtype=L.float64), 2.0),
    "(float, Tensor)": lambda L: L.normal(1.0, L.ones(2, 2)),
    "(float, Tensor float64)": lambda L: L.normal(1.0, L.ones(2, dtype=L.float64)),
    "(float, float, size)": lambda L: L.normal(0.0, 1.0, (2, 3)),
    "(int, int, size)": lambda L: L.normal(0, 1, (2,)),
    "size=": lambda L: L.normal(mean=0.0, std=1.0, size=(2,)),
    "size= list": lambda L: L.normal(0.0, 1.0, size=[2, 1]),
    "dtype=": lambda L: L.normal(0.0, 1.0, (2,), dtype=L.float64),
    "requires_grad=": lambda L: L.normal(0.0, 1.0, (2,), requires_grad=True),
    "mean requires grad": lambda L: L.normal(L.zeros(2, requires_grad=True)),
    "numpy scalars": lambda L: L.normal(np.float64(0.0), np.float32(2.0), (3,)),
    "(float, float)": lambda L: L.normal(0.0, 1.0),                          # TypeError
    "(Tensor, float, size)": lambda L: L.normal(L.zeros(2), 1.0, (2,)),       # TypeError
    "std < 0": lambda L: L.normal(L.zeros(2), -1.0),                          # RuntimeError
    "float std < 0": lambda L: L.normal(0.0, -1.0, (2,)),                     # RuntimeError
    "int mean": lambda L: L.normal(L.zeros(2, dtype=L.int64)),                # NotImpl.
}


@pytest.mark.parametrize("form", list(NORMAL_FORMS))
def test_normal_overloads(form):
    """torch.normal's four forms: (Tensor mean, Tensor std), (Tensor mean, float std=1),
    (float mean, Tensor std), (float mean, float std, size); shapes, dtypes, errors."""
    same_meta(NORMAL_FORMS[form], f"normal {form}")


def test_normal_statistics_and_gradients():
    """The samples have the asked mean and std (elementwise for tensor arguments), and the
    result is differentiable in mean (d/dmean = 1) and std (d/dstd = the noise)."""
    mean = minitorch.tensor([-3.0, 0.0, 5.0]).reshape(3, 1)
    std = minitorch.tensor([0.5, 2.0])
    sample = minitorch.normal(mean.expand(3, 2).repeat(1, 20000),
                              std.repeat(20000).reshape(1, 40000).expand(3, 40000))
    values = sample.numpy().reshape(3, 20000, 2)
    np.testing.assert_allclose(values.mean(axis=1), [[-3, -3], [0, 0], [5, 5]], atol=0.05)
    np.testing.assert_allclose(values.std(axis=1), [[0.5, 2]] * 3, rtol=0.03)
    m = minitorch.zeros(4, requires_grad=True)
    s = minitorch.ones(4, requires_grad=True)
    out = minitorch.normal(m, s)
    out.sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), np.ones(4))
    np.testing.assert_allclose(s.grad.numpy(), out.detach().numpy())  # noise, as mean = 0


# ---- generator= ----------------------------------------------------------------------------------
GENERATOR_CALLS = {
    "rand": lambda g: minitorch.rand(3, generator=g),
    "randn": lambda g: minitorch.randn(size=(3,), generator=g),
    "randint": lambda g: minitorch.randint(0, 100, (3,), generator=g),
    "randperm": lambda g: minitorch.randperm(10, generator=g),
    "normal floats": lambda g: minitorch.normal(0.0, 1.0, (3,), generator=g),
    "normal tensor": lambda g: minitorch.normal(minitorch.zeros(3), generator=g),
}


@pytest.mark.parametrize("name", list(GENERATOR_CALLS))
def test_generator_makes_draws_reproducible(name):
    """A Generator seeded alike gives the same numbers, independent of the global seed."""
    call = GENERATOR_CALLS[name]
    first = call(minitorch.Generator().manual_seed(7))
    minitorch.manual_seed(123)
    second = call(minitorch.Generator().manual_seed(7))
    other = call(minitorch.Generator().manual_seed(8))
    assert np.array_equal(first.numpy(), second.numpy())
    assert not np.array_equal(first.numpy(), other.numpy())


# ---- out= ----------------------------------------------------------------------------------------
OUT_CALLS = {
    "zeros": lambda L, out, **k: L.zeros(2, 3, out=out, **k),
    "ones": lambda L, out, **k: L.ones(size=(2, 3), out=out, **k),
    "empty": lambda L, out, **k: L.empty(2, 3, out=out, **k),
    "full": lambda L, out, **k: L.full((2, 3), 7, out=out, **k),
    "arange": lambda L, out, **k: L.arange(6, out=out, **k),
    "linspace": lambda L, out, **k: L.linspace(0, 1, 5, out=out, **k),
    "eye": lambda L, out, **k: L.eye(3, out=out, **k),
    "rand": lambda L, out, **k: L.rand(2, 3, out=out, **k),
    "randn": lambda L, out, **k: L.randn(2, 3, out=out, **k),
    "randint": lambda L, out, **k: L.randint(5, (4,), out=out, **k),
    "randperm": lambda L, out, **k: L.randperm(4, out=out, **k),
    "normal": lambda L, out, **k: L.normal(0.0, 1.0, (4,), out=out, **k),
}
DETERMINISTIC = {"zeros", "ones", "full", "arange", "linspace", "eye"}


@pytest.mark.parametrize("name", list(OUT_CALLS))
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("out_shape", [(0,), (2, 3), (7,)])
def test_out(name, out_dtype, out_shape):
    """out= fills (and resizes) the given tensor and returns it; without dtype= the
    result takes out's dtype; a dtype= that differs from out's raises RuntimeError."""
    call = OUT_CALLS[name]

    def run(L):
        out = L.zeros(out_shape, dtype=getattr(L, out_dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the resize warning is test_out_resize_warns'
            result = call(L, out)
        assert result is out
        return result

    same_meta(run, f"{name} out {out_dtype}{out_shape}")
    if name in DETERMINISTIC:
        both(run, f"{name} out {out_dtype}{out_shape}")
    other = "float64" if out_dtype != "float64" else "float32"
    same_meta(lambda L: call(L, L.zeros(2, dtype=getattr(L, out_dtype)),
                             dtype=getattr(L, other)), f"{name} dtype mismatch")


@pytest.mark.parametrize("name", ["zeros", "randn", "arange", "linspace", "full"])
def test_out_requiring_grad_and_silent_resize(name):
    """An out that requires grad is refused (RuntimeError; torch's words for zeros); a
    factory resizes out without a warning (torch's ops warn, its factories don't)."""
    call = OUT_CALLS[name]
    for lib in LIBS:
        with pytest.raises(RuntimeError):
            call(lib, lib.zeros(2, 3, requires_grad=True))
        if name == "arange":  # arange alone warns, when out had another size
            with pytest.warns(UserWarning, match="The number of elements in the out tensor"):
                call(lib, lib.zeros(1))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert call(lib, lib.zeros(1)).numel() > 1
    with pytest.raises(RuntimeError, match="aten::zeros\\(\\): functions with out=... "
                                           "arguments don't support automatic differentiation"):
        minitorch.zeros(2, out=minitorch.zeros(2, requires_grad=True))
