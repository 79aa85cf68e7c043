"""Tensors against torch: creation, dtype inference and promotion, properties, repr,
devices, random sampling and error messages."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import minitorch

# public names whose behaviour is tested here (read by tests/test_op_registry.py)
COVERED = {
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "empty_like", "full_like", "arange", "linspace", "eye", "FloatTensor",
    "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "ByteTensor",
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "normal", "bernoulli",
    "multinomial", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "get_default_dtype", "set_default_dtype", "is_tensor", "is_floating_point", "numel",
    "Tensor.shape", "Tensor.dtype", "Tensor.device", "Tensor.dim", "Tensor.ndim",
    "Tensor.numel", "Tensor.nelement", "Tensor.element_size", "Tensor.is_contiguous",
    "Tensor.is_cuda", "Tensor.is_floating_point", "Tensor.item", "Tensor.tolist",
    "Tensor.numpy", "Tensor.size", "Tensor.new_zeros", "Tensor.new_ones", "Tensor.new_full",
    "Tensor.new_tensor", "Tensor.cpu", "Tensor.cuda", "Tensor.pin_memory",
    "Tensor.share_memory_", "Tensor.uniform_", "Tensor.normal_", "Tensor.bernoulli_",
    "Tensor.random_",
}


def name(dtype):
    return str(dtype).split(".")[-1]


# ---- creation and dtype inference --------------------------------------------------------------
@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.0, 2], [True, False], 3, 2.5, True, [[1, 2], [3, 4]], [], [[]],
    np.arange(3, dtype=np.int32), np.ones(2, dtype=np.float64), np.array(5, dtype=np.uint8),
])
def test_tensor_infers_dtype_and_shape_like_torch(data, device):
    mine, ref = minitorch.tensor(data, device=device), torch.tensor(data)
    assert name(mine.dtype) == name(ref.dtype)
    assert tuple(mine.shape) == tuple(ref.shape)
    np.testing.assert_array_equal(mine.cpu().numpy(), ref.numpy())
    assert mine.device.type == device


@pytest.mark.parametrize("fn,args,kwargs", [
    ("zeros", (2, 3), {}), ("ones", ((2, 3),), {}), ("full", ((2,), 7), {}),
    ("full", ((2,), 1.5), {}), ("full", ((2,), True), {}), ("empty", (0, 3), {}),
    ("zeros", (2,), {"dtype": "int32"}), ("arange", (5,), {}), ("arange", (1, 4, 0.5), {}),
    ("arange", (0.0, 1.0, 0.1), {}), ("arange", (10, 0, -3), {}),
    ("arange", (3,), {"dtype": "float64"}), ("linspace", (-1, 1, 7), {}),
    ("linspace", (0, 1, 1), {}), ("linspace", (2, 5, 0), {}), ("eye", (3,), {}),
    ("eye", (2, 4), {"dtype": "int64"}),
])
def test_creation_functions_match_torch(fn, args, kwargs, device):
    mt_kw = {k: getattr(minitorch, v) for k, v in kwargs.items()}
    th_kw = {k: getattr(torch, v) for k, v in kwargs.items()}
    mine = getattr(minitorch, fn)(*args, device=device, **mt_kw)
    ref = getattr(torch, fn)(*args, **th_kw)
    assert name(mine.dtype) == name(ref.dtype) and tuple(mine.shape) == tuple(ref.shape)
    if fn != "empty":
        np.testing.assert_allclose(mine.cpu().numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)


def test_like_functions_keep_dtype_and_device(device):
    x = minitorch.tensor([[1, 2]], dtype=minitorch.int32, device=device)
    for fn in ("zeros_like", "ones_like", "empty_like"):
        y = getattr(minitorch, fn)(x)
        assert y.dtype is minitorch.int32 and y.shape == (1, 2) and y.device.type == device
    assert minitorch.full_like(x, 3).tolist() == [[3, 3]]
    assert minitorch.zeros_like(x, dtype=minitorch.float64).dtype is minitorch.float64


def test_from_numpy_shares_memory_and_as_tensor():
    a = np.zeros(3)
    t = minitorch.from_numpy(a)
    a[0] = 5
    assert t.tolist() == [5.0, 0.0, 0.0] and t.dtype is minitorch.float64
    assert minitorch.as_tensor(a).tolist() == t.tolist()
    assert minitorch.as_tensor(t) is t
    assert minitorch.as_tensor([1, 2], dtype=minitorch.float32).dtype is minitorch.float32
    with pytest.raises(TypeError):
        minitorch.from_numpy([1, 2])
    with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
        minitorch.from_numpy(np.array(["a"]))


def test_legacy_constructors():
    for mt_name, dt in [("FloatTensor", "float32"), ("DoubleTensor", "float64"),
                        ("LongTensor", "int64"), ("IntTensor", "int32"),
                        ("BoolTensor", "bool"), ("ByteTensor", "uint8")]:
        mine, ref = getattr(minitorch, mt_name)([1, 0, 2]), getattr(torch, mt_name)([1, 0, 2])
        assert mine.dtype.name == dt == name(ref.dtype)
        np.testing.assert_array_equal(mine.numpy(), ref.numpy())
        assert getattr(minitorch, mt_name)(2, 3).shape == (2, 3)
    assert minitorch.Tensor([1, 2]).dtype is minitorch.float32


# ---- dtypes and type promotion -------------------------------------------------------------------
DTYPES = ["int64", "int32", "float32", "float64", "bool"]


def operands(lib):
    """Tensors with dims, 0-dim tensors and Python scalars of every kind."""
    out = []
    for dt in DTYPES:
        out.append(lib.tensor([1, 0], dtype=getattr(lib, dt)))
        out.append(lib.tensor(1, dtype=getattr(lib, dt)))
    return out + [2, 2.5, True]


@pytest.mark.parametrize("op", ["add", "mul", "sub", "div", "maximum", "eq", "lt", "where",
                                "pow", "floor_divide", "remainder", "cat"])
def test_type_promotion_matches_torch(op):
    calls = {  # comparisons via operators, so a Python scalar may come first
        "eq": lambda L, a, b: a == b if isinstance(a, L.Tensor) else b == a,
        "lt": lambda L, a, b: a < b if isinstance(a, L.Tensor) else b > a,
        "where": lambda L, a, b: L.where(L.tensor([True, False]), a, b),
        "cat": lambda L, a, b: L.cat([a.reshape(-1), b.reshape(-1)]),
    }
    call = calls.get(op, lambda L, a, b: getattr(L, op)(a, b))
    mismatches = []
    for (i, a), (j, b) in itertools.product(enumerate(operands(minitorch)), repeat=2):
        ta, tb = operands(torch)[i], operands(torch)[j]
        if not any(isinstance(x, torch.Tensor) for x in (ta, tb)):
            continue
        if op in ("maximum", "cat", "floor_divide", "remainder") and not (
                isinstance(ta, torch.Tensor) and isinstance(tb, torch.Tensor)):
            continue
        try:
            ref = call(torch, ta, tb)
        except (RuntimeError, TypeError, NotImplementedError) as exc:
            with pytest.raises(type(exc)):
                call(minitorch, a, b)
            continue
        mine = call(minitorch, a, b)
        if mine.dtype.name != name(ref.dtype):
            mismatches.append((ta, tb, mine.dtype.name, name(ref.dtype)))
        elif mine.dtype.name != "bool":
            np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-6)
    assert not mismatches, mismatches


def test_result_type_and_default_dtype():
    assert minitorch.get_default_dtype() is minitorch.float32
    minitorch.set_default_dtype(minitorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert minitorch.tensor([1.5]).dtype is minitorch.float64
        assert (minitorch.tensor([1, 2]) * 1.5).dtype is minitorch.float64
        assert minitorch.arange(0.0, 1.0, 0.5).dtype is minitorch.float64
    finally:
        minitorch.set_default_dtype(minitorch.float32)
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError, match="only floating-point types"):
        minitorch.set_default_dtype(minitorch.int64)


def test_python_floats_stay_weak():
    """float32 stays float32 next to Python floats and 0-dim float64 tensors."""
    x = minitorch.ones(3)
    assert (x * 0.1).dtype is minitorch.float32
    assert (x + minitorch.tensor(2.0, dtype=minitorch.float64)).dtype is minitorch.float32
    assert (minitorch.tensor([1, 2]) / 3).dtype is minitorch.float32
    assert minitorch.tensor([1, 2]).float().mean().dtype is minitorch.float32


# ---- properties, conversions, repr ---------------------------------------------------------------
def test_properties_match_torch(device):
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    mine, ref = minitorch.tensor(a, device=device), torch.tensor(a)
    assert mine.shape == ref.shape and mine.size() == ref.size() and mine.size(-1) == 4
    assert repr(mine.shape) == "minitorch.Size([2, 3, 4])"
    assert mine.dim() == mine.ndim == 3 and mine.numel() == mine.nelement() == 24
    assert minitorch.numel(mine) == 24 and mine.element_size() == ref.element_size() == 4
    assert mine.is_contiguous() and not mine.transpose(0, 1).is_contiguous()
    assert mine.is_floating_point() and minitorch.is_floating_point(mine)
    assert not minitorch.tensor([1]).is_floating_point()
    assert minitorch.is_tensor(mine) and not minitorch.is_tensor(a)
    assert mine.is_cuda == (device == "cuda") and mine.device.type == device
    assert mine.cpu().tolist() == ref.tolist()
    assert minitorch.tensor([[2.5]]).item() == 2.5 and isinstance(minitorch.tensor(3).item(), int)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        mine.item()
    assert mine.pin_memory() is mine and mine.share_memory_() is mine


def test_type_accepts_torch_type_names():
    # old tutorials convert with x.type('torch.DoubleTensor'); the string says "torch."
    x = minitorch.arange(3)
    for name in ["torch.DoubleTensor", "torch.FloatTensor", "torch.LongTensor"]:
        ref = torch.arange(3).type(name).type()
        assert x.type(name).type() == ref.replace("torch.", "minitorch.")
        assert x.type(name.replace("torch.", "minitorch.")).type() == x.type(name).type()
    for lib in (minitorch, torch):
        with pytest.raises(ValueError, match="invalid type: 'torch.FooTensor'"):
            lib.arange(3).type("torch.FooTensor")


def test_tensor_of_a_tensor_warns_like_torch():
    for lib in (minitorch, torch):
        with pytest.warns(UserWarning, match="To copy construct from a tensor, it is "
                                             "recommended to use sourceTensor.detach"):
            copy = lib.tensor(lib.ones(2, requires_grad=True))
        assert not copy.requires_grad


def test_numpy_and_new_tensors():
    x = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64)
    assert x.numpy().dtype == np.float64 and np.shares_memory(x.numpy(), x.numpy())
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        x.clone().requires_grad_().numpy()
    for mine, ref in [(x.new_zeros(2, 3), torch.zeros(2, 3, dtype=torch.float64)),
                      (x.new_ones((1,)), torch.ones(1, dtype=torch.float64)),
                      (x.new_full((2,), 4), torch.full((2,), 4.0, dtype=torch.float64)),
                      (x.new_tensor([1, 2]), torch.tensor([1.0, 2.0], dtype=torch.float64))]:
        assert mine.dtype.name == name(ref.dtype) and mine.tolist() == ref.tolist()


@pytest.mark.parametrize("values,dtype", [
    ([1.0, 2.0], "float32"), ([1.5, -2.25, 3.0], "float32"), ([[1, 2], [3, 4]], "int64"),
    ([True, False], "bool"), ([0.1, 2.0], "float64"), ([1e-5, 1.0], "float32"),
    ([1e10, 1.0], "float32"), (3.0, "float32"), ([], "float32"), ([1, 2], "int32"),
])
def test_repr_matches_torch(values, dtype):
    mine = repr(minitorch.tensor(values, dtype=getattr(minitorch, dtype)))
    ref = repr(torch.tensor(values, dtype=getattr(torch, dtype)))
    assert mine == ref.replace("torch.", "minitorch.")


def _repr_layout_cases():
    rng = np.random.RandomState(0)
    return {
        "arange200_float": np.arange(200, dtype=np.float32),     # seed: long 1-D prints
        "arange200_int": np.arange(200),
        "softplus_11": np.log1p(np.exp(np.linspace(-5, 5, 11))).astype(np.float32),
        "randn_4x30": rng.randn(4, 30).astype(np.float32),
        "randn_2000_summarized": rng.randn(2000).astype(np.float32),
        "randn_3x4x100_summarized": rng.randn(3, 4, 100).astype(np.float32),
        "int_2x1000_summarized": np.arange(2000).reshape(2, 1000),
        "sci_signed": np.array([-1e-8, 1.0], np.float32),
        "wide_fixed": rng.rand(40).astype(np.float32) * 1e5,
        "ints_signed": rng.randint(-1000, 1000, 50),
        "bools": rng.rand(33) > 0.5,
        "nonfinite": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
        "int_mode_nonfinite": np.array([np.nan, 2.0, -3.0], np.float32),
        "float64_sci_summarized": np.arange(2000, dtype=np.float64).reshape(40, 50) / 7,
        "image_1x1x28x28": rng.randn(1, 1, 28, 28).astype(np.float32),
        "float64_60_dtype_suffix": np.ones(60),
        "empty_int": np.zeros((0,), np.int64),
        "empty_2x0_int32": np.zeros((2, 0), np.int32),
        "int_4d": np.arange(12).reshape(1, 1, 3, 4),
        "float16": (rng.randn(30) * 100).astype(np.float16),
    }


@pytest.mark.parametrize("case", sorted(_repr_layout_cases()))
def test_repr_layout_matches_torch(case):
    """Line wrapping, summarization and number format follow torch/_tensor_str.py."""
    arr = _repr_layout_cases()[case]
    mine = repr(minitorch.from_numpy(arr.copy()))
    ref = repr(torch.from_numpy(arr.copy()))
    assert mine == ref.replace("torch.", "minitorch.")
    mine = repr(minitorch.from_numpy(arr.astype(np.float64)).requires_grad_())
    ref = repr(torch.from_numpy(arr.astype(np.float64)).requires_grad_())
    assert mine == ref.replace("torch.", "minitorch.")


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_along_dim_print_like_torch_return_types(op):
    # seed 002/003: `torch.max(out, 1)` then `[1]`; printing the pair is common too
    values = [[1.0, 5.0], [3.0, 2.0]]
    mine = getattr(minitorch, op)(minitorch.tensor(values), 1)
    ref = getattr(torch, op)(torch.tensor(values), 1)
    assert repr(mine) == repr(ref).replace("torch.", "minitorch.")
    assert mine[1].tolist() == ref[1].tolist() and mine.indices.tolist() == ref.indices.tolist()
    values_, indices_ = mine
    assert values_.tolist() == ref.values.tolist() and isinstance(mine, tuple)


def test_repr_shows_grad_fn_and_requires_grad():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"


# ---- devices -------------------------------------------------------------------------------------
def test_device_objects():
    assert str(minitorch.device("cuda", 1)) == "cuda:1" == str(torch.device("cuda", 1))
    assert minitorch.device("cpu") == "cpu" and repr(minitorch.device("cuda:0")) == \
        repr(torch.device("cuda:0"))
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        minitorch.device("tpu")
    x = minitorch.ones(2)
    assert x.to("cpu") is x and x.cpu() is x and x.to(minitorch.float32) is x
    assert x.to("cpu", minitorch.float64).dtype is minitorch.float64


def test_cuda_round_trip(device):
    if device != "cuda":
        if not minitorch.cuda.is_available():
            with pytest.raises(RuntimeError, match="CUDA is not available"):
                minitorch.ones(2).cuda()
        return
    x = minitorch.tensor([1.0, 2.0]).cuda()
    assert x.is_cuda and x.device == minitorch.device("cuda", 0)
    assert x.cpu().tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.numpy()


# ---- random numbers ------------------------------------------------------------------------------
def test_manual_seed_reproduces_and_generators_are_independent(device):
    minitorch.manual_seed(3)
    a = minitorch.rand(4, device=device).tolist()
    minitorch.manual_seed(3)
    assert minitorch.rand(4, device=device).tolist() == a
    g = minitorch.Generator().manual_seed(7)
    b = minitorch.randn(3, generator=g).tolist()
    assert minitorch.randn(3, generator=minitorch.Generator().manual_seed(7)).tolist() == b
    assert minitorch.initial_seed() == 3
    state = minitorch.get_rng_state()
    c = minitorch.rand(2).tolist()
    minitorch.set_rng_state(state)
    assert minitorch.rand(2).tolist() == c
    assert isinstance(minitorch.seed(), int)


def test_random_shapes_dtypes_and_ranges(device):
    checks = [
        (minitorch.rand(1000, device=device), "float32", 0.0, 1.0, 0.5),
        (minitorch.randn(2000, dtype=minitorch.float64, device=device), "float64", -6, 6, 0.0),
        (minitorch.randint(3, 7, (1000,), device=device), "int64", 3, 6, 4.5),
        (minitorch.randint(5, (1000,), device=device), "int64", 0, 4, 2.0),
        (minitorch.randperm(50, device=device), "int64", 0, 49, 24.5),
        (minitorch.normal(2.0, 0.5, (2000,)), "float32", -1, 5, 2.0),
        (minitorch.rand_like(minitorch.zeros(1000, dtype=minitorch.float64)), "float64", 0, 1, 0.5),
        (minitorch.randn_like(minitorch.zeros(2000)), "float32", -6, 6, 0.0),
        (minitorch.bernoulli(minitorch.full((1000,), 0.3)), "float32", 0, 1, 0.3),
        (minitorch.empty(1000).uniform_(-2, 2), "float32", -2, 2, 0.0),
        (minitorch.empty(2000).normal_(1.0, 0.1), "float32", 0, 2, 1.0),
        (minitorch.empty(1000).bernoulli_(0.8), "float32", 0, 1, 0.8),
        (minitorch.empty(1000).random_(0, 4), "float32", 0, 3, 1.5),
    ]
    for t, dt, lo, hi, mean in checks:
        v = t.cpu().numpy().astype(np.float64)
        assert t.dtype.name == dt and lo <= v.min() and v.max() <= hi
        assert abs(v.mean() - mean) < 0.15 * max(1.0, abs(mean)), (dt, v.mean(), mean)
    assert sorted(minitorch.randperm(20).tolist()) == list(range(20))
    m = minitorch.multinomial(minitorch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), 2,
                              replacement=True)
    assert m.dtype is minitorch.int64 and m.tolist() == [[1, 1], [0, 0]]


# ---- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("program,exc,match", [
    (lambda L: L.tensor([[1, 2], [3]]), ValueError,
     "expected sequence of length 2 at dim 1 (got 1)"),
    (lambda L: L.tensor([[1, 2], [3, 4, 5]]), ValueError,
     "expected sequence of length 2 at dim 1 (got 3)"),
    (lambda L: L.tensor([[1, 2], 3]), TypeError, "not a sequence"),
    (lambda L: L.FloatTensor([[1, 2], [3]]), ValueError, "expected sequence of length 2 at dim 1"),
    (lambda L: L.FloatTensor("abc"), TypeError, "new(): invalid data type 'str'"),
    (lambda L: L.FloatTensor(2.5), TypeError, "new(): data must be a sequence (got float)"),
    (lambda L: L.ones(2, -3), RuntimeError,
     "Trying to create tensor with negative dimension -3: [2, -3]"),
    (lambda L: L.randn(-1), RuntimeError,
     "Trying to create tensor with negative dimension -1: [-1]"),
    (lambda L: L.FloatTensor(-1), RuntimeError, "negative dimension -1"),
    (lambda L: L.nn.Linear(-1, 2), RuntimeError, "negative dimension -1: [2, -1]"),
    (lambda L: L.zeros(2.5), TypeError, "zeros(): argument 'size'"),
    (lambda L: L.randn((2, 3.0)), TypeError, "randn(): argument 'size'"),
    (lambda L: L.nn.Linear(4.0, 2), TypeError, "argument 'size'"),
    (lambda L: L.randn(3, dtype=L.int64), NotImplementedError, ""),
    # dtype must be a dtype (or float/int/bool), never a string or a NumPy type
    (lambda L: L.zeros(2, dtype="float32"), TypeError,
     "zeros(): argument 'dtype' must be torch.dtype, not str"),
    (lambda L: L.ones(2, dtype="float32"), TypeError,
     "ones(): argument 'dtype' must be torch.dtype, not str"),
    (lambda L: L.empty(2, dtype=np.float32), TypeError,
     "empty(): argument 'dtype' must be torch.dtype, not type"),
    (lambda L: L.full((2,), 1.0, dtype="float32"), TypeError,
     "argument 'dtype' must be torch.dtype"),
    (lambda L: L.tensor([1], dtype="float32"), TypeError,
     "tensor(): argument 'dtype' must be torch.dtype"),
    (lambda L: L.zeros_like(L.ones(2), dtype="float32"), TypeError,
     "argument 'dtype' must be torch.dtype"),
    (lambda L: L.rand(2, dtype="float32"), TypeError, "dtype"),
    (lambda L: L.randn(2, dtype="float32"), TypeError, "dtype"),
    # a bool size: torch rejects it as the first size (but takes zeros(2, True) as (2, 1))
    (lambda L: L.zeros(True), TypeError,
     "zeros(): argument 'size' (position 1) must be tuple of ints, not bool"),
    (lambda L: L.ones((True, 2)), TypeError, "found element of type bool at pos 0"),
    (lambda L: L.empty(False), TypeError, "must be tuple of ints, not bool"),
    (lambda L: L.rand(True), TypeError,
     "rand(): argument 'size' (position 1) must be tuple of ints"),
    (lambda L: L.randn([True]), TypeError, "found element of type bool at pos 0"),
    (lambda L: L.full(True, 1.0), TypeError,
     "full(): argument 'size' (position 1) must be tuple of ints"),
    (lambda L: L.full((True,), 1.0), TypeError, "found element of type bool at pos 0"),
    (lambda L: L.randint(0, 5), TypeError, "randint(): argument 'size'"),
    (lambda L: float(L.ones(2)), ValueError,
     "only one element tensors can be converted to Python scalars"),
    (lambda L: int(L.ones(2)), ValueError, "only one element tensors can be converted"),
    (lambda L: L.ones(2).item(), RuntimeError, "a Tensor with 2 elements cannot be converted"),
    (lambda L: L.ones(2, 3) + L.ones(3, 2), RuntimeError, "must match the size"),
    (lambda L: L.ones(2, 3) @ L.ones(2, 3), RuntimeError, "cannot be multiplied"),
    (lambda L: L.ones(2, 3).view(4), RuntimeError, "shape '[4]' is invalid for input of size 6"),
    (lambda L: L.ones(2, 3).sum(dim=2), IndexError, "Dimension out of range"),
    (lambda L: L.ones(2)[5], IndexError, "index 5 is out of bounds for dimension 0 with size 2"),
    (lambda L: len(L.tensor(1.0)), TypeError, "len() of a 0-d tensor"),
    (lambda L: bool(L.ones(2)), RuntimeError,
     "Boolean value of Tensor with more than one value is ambiguous"),
    (lambda L: L.ones(2)[L.tensor([0.5])], IndexError, "tensors used as indices must be long"),
    (lambda L: L.tensor([True]) - L.tensor([False]), RuntimeError,
     "Subtraction, the `-` operator, with two bool tensors"),
    (lambda L: L.ones(2).mean(dim=(0, 0)), RuntimeError,
     "appears multiple times in the list of dims"),
])
def test_errors_match_torch(program, exc, match):
    with pytest.raises(exc) as ref:
        program(torch)
    assert match in str(ref.value)
    with pytest.raises(exc) as mine:
        program(minitorch)
    assert match in str(mine.value), str(mine.value)


def test_bool_after_the_first_size_is_taken_as_int_like_torch():
    assert minitorch.zeros(2, True).shape == torch.zeros(2, True).shape == (2, 1)
    assert minitorch.zeros(2, dtype=bool).dtype == minitorch.bool


def test_version_module_like_torch_version():
    """Seed 000 prints torch.version.cuda: a version string with a GPU, None without."""
    import re
    import sys
    from pathlib import Path

    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    released = re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1)
    assert minitorch.version.__version__ == minitorch.__version__ == released
    cuda = minitorch.version.cuda
    if minitorch.cuda.is_available():
        assert isinstance(cuda, str) and cuda[0].isdigit()
    else:
        assert cuda is None
        assert "cupy" not in sys.modules or minitorch.backend._cupy is None


@pytest.mark.parametrize("pytype", [float, int, bool])
def test_python_types_as_dtypes_match_torch(pytype):
    """torch reads float as float64 (not the default float32), int as int64, bool as bool."""
    import torch

    cases = [lambda L: L.zeros(2, dtype=pytype), lambda L: L.ones(2, 3, dtype=pytype),
             lambda L: L.tensor([1, 0], dtype=pytype), lambda L: L.full((2,), 1, dtype=pytype),
             lambda L: L.ones(2).to(pytype), lambda L: L.ones(2).to("cpu", pytype),
             lambda L: L.arange(3, dtype=pytype) if pytype is not bool else L.ones(1).bool()]
    for case in cases:
        assert case(minitorch).dtype.name == str(case(torch).dtype).replace("torch.", "")
