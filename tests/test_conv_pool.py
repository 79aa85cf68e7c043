"""Convolution and pooling (functional and modules) checked against torch: forward values,
every gradient (random upstream gradient), max-pool indices and ties, ceil_mode, padding
rules, reprs, default init and error messages; float64 (rtol 1e-10) and float32."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given
from hypothesis import strategies as st
from nn_helpers import assert_close, check_fn, check_module, to_mt, to_np, to_torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F

DTYPES = ["float64", "float32"]
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-4)}
seeds = st.integers(0, 2**31 - 1)
pairs = st.tuples  # (h, w) hyper-parameters are drawn independently per axis


def _rand(shape, seed, dtype, ties=False):
    """Normal values, or small integers (many exact ties) when `ties`."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)
    return x.astype(dtype)


def _non_contiguous(mt_fn):
    """Feed the op a transposed view (same values), to cover non-contiguous layouts."""
    def run(x, *rest):
        return mt_fn(x.transpose(2, 3).contiguous().transpose(2, 3), *rest)
    return run


# ---- conv2d -----------------------------------------------------------------------------------
@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    n = draw(st.integers(1, 3))
    c, oc = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kernel = draw(pairs(st.integers(1, 4), st.integers(1, 4)))
    stride = draw(pairs(st.integers(1, 3), st.integers(1, 3)))
    padding = draw(pairs(st.integers(0, 4), st.integers(0, 4)))   # may exceed kernel // 2
    dilation = draw(pairs(st.integers(1, 3), st.integers(1, 2)))
    for size, k, p, d in zip((h, w), kernel, padding, dilation):
        assume(size + 2 * p >= d * (k - 1) + 1)
    return n, c, oc, h, w, kernel, stride, padding, dilation, groups


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv_cases(), bias=st.booleans(), seed=seeds)
def test_conv2d_matches_torch(dtype, case, bias, seed, device):
    n, c, oc, h, w, kernel, stride, padding, dilation, groups = case
    arrays = [_rand((n, c, h, w), seed, dtype), _rand((oc, c // groups, *kernel), seed + 1,
                                                       dtype)]
    if bias:
        arrays.append(_rand((oc,), seed + 2, dtype))
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out = check_fn(lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), arrays,
                   grad_idx=tuple(range(len(arrays))), device=device, **TOL[dtype])
    assert out.dtype == getattr(minitorch, dtype)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@given(seed=seeds, kernel=pairs(st.integers(1, 4), st.integers(1, 4)),
       dilation=pairs(st.integers(1, 2), st.integers(1, 2)),
       padding=st.sampled_from(["same", "valid"]))
def test_conv2d_string_padding_even_kernels(seed, kernel, dilation, padding, device):
    arrays = [_rand((2, 3, 7, 8), seed, "float64"), _rand((4, 3, *kernel), seed + 1, "float64")]
    kw = dict(padding=padding, dilation=dilation)
    out = check_fn(lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), arrays,
                   grad_idx=(0, 1), device=device)
    if padding == "same":
        assert out.shape[2:] == (7, 8)


def test_conv2d_unbatched_noncontiguous_and_empty_batch(device):
    x, w, b = _rand((3, 8, 7), 0, "float64"), _rand((5, 3, 3, 2), 1, "float64"), _rand((5,), 2,
                                                                                       "float64")
    check_fn(lambda *a: F.conv2d(*a, padding=1), lambda *a: TF.conv2d(*a, padding=1),
             [x, w, b], grad_idx=(0, 1, 2), device=device)
    xb = _rand((2, 3, 8, 7), 3, "float64")
    check_fn(_non_contiguous(lambda x, w: F.conv2d(x, w, stride=2)),
             lambda x, w: TF.conv2d(x, w, stride=2), [xb, w], grad_idx=(0, 1), device=device)
    empty = F.conv2d(to_mt(np.zeros((0, 3, 8, 7)), device), to_mt(w, device))
    assert empty.shape == (0, 5, 6, 6)


# ---- conv_transpose2d -------------------------------------------------------------------------
@st.composite
def conv_transpose_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    n = draw(st.integers(1, 3))
    c, oc = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kernel = draw(pairs(st.integers(1, 4), st.integers(1, 4)))
    stride = draw(pairs(st.integers(1, 3), st.integers(1, 3)))
    padding = draw(pairs(st.integers(0, 3), st.integers(0, 3)))
    dilation = draw(pairs(st.integers(1, 3), st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    for size, k, s, p, d, op in zip((h, w), kernel, stride, padding, dilation, output_padding):
        assume((size - 1) * s - 2 * p + d * (k - 1) + op + 1 > 0)
    return n, c, oc, h, w, kernel, stride, padding, output_padding, dilation, groups


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv_transpose_cases(), bias=st.booleans(), seed=seeds)
def test_conv_transpose2d_matches_torch(dtype, case, bias, seed, device):
    n, c, oc, h, w, kernel, stride, padding, output_padding, dilation, groups = case
    arrays = [_rand((n, c, h, w), seed, dtype), _rand((c, oc // groups, *kernel), seed + 1,
                                                       dtype)]
    if bias:
        arrays.append(_rand((oc,), seed + 2, dtype))
    kw = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
              dilation=dilation)
    out = check_fn(lambda *a: F.conv_transpose2d(*a, **kw),
                   lambda *a: TF.conv_transpose2d(*a, **kw), arrays,
                   grad_idx=tuple(range(len(arrays))), device=device, **TOL[dtype])
    assert out.dtype == getattr(minitorch, dtype)


# ---- pooling ----------------------------------------------------------------------------------
@st.composite
def pool_cases(draw, dilated=True):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    kernel = draw(pairs(st.integers(1, 4), st.integers(1, 4)))
    stride = draw(pairs(st.integers(1, 4), st.integers(1, 4)))
    dilation = draw(pairs(st.integers(1, 3), st.integers(1, 2))) if dilated else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)  # torch's limit
    ceil_mode = draw(st.booleans())
    for size, k, s, p, d in zip((h, w), kernel, stride, padding, dilation):
        assume(size + 2 * p >= d * (k - 1) + 1)
        assume(_every_window_sees_a_pixel(size, k, s, p, d, ceil_mode))
    return n, c, h, w, kernel, stride, padding, dilation, ceil_mode


def _every_window_sees_a_pixel(size, k, s, p, d, ceil_mode):
    """False when some dilated window has only padding taps: torch's CPU max_pool2d then
    writes out of bounds (heap corruption, e.g. size 2, k 2, d 3, p 1), so such cases
    cannot be compared."""
    from minitorch.ops.im2col import out_size

    taps = [[o * s - p + i * d for i in range(k)]
            for o in range(out_size(size, k, s, p, d, ceil_mode))]
    return all(any(0 <= t < size for t in window) for window in taps)


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool_cases(), ties=st.booleans(), seed=seeds)
def test_max_pool2d_matches_torch_including_ties(dtype, case, ties, seed, device):
    n, c, h, w, kernel, stride, padding, dilation, ceil_mode = case
    x = _rand((n, c, h, w), seed, dtype, ties=ties)
    kw = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
              ceil_mode=ceil_mode)
    check_fn(lambda a: F.max_pool2d(a, **kw), lambda a: TF.max_pool2d(a, **kw), [x],
             device=device)
    out, idx = F.max_pool2d(to_mt(x, device), return_indices=True, **kw)
    t_out, t_idx = TF.max_pool2d(to_torch(x), return_indices=True, **kw)
    assert idx.dtype == minitorch.int64
    np.testing.assert_array_equal(to_np(idx), to_np(t_idx))
    np.testing.assert_array_equal(to_np(out), to_np(t_out))


def test_max_pool2d_ties_and_minus_inf_follow_torch(device):
    # all-equal windows: torch picks the first; real -inf beats the -inf padding;
    # NaN is a maximum and torch keeps the last NaN of a window
    x = np.zeros((1, 3, 5, 6))
    x[0, 1] = -np.inf
    x[0, 2, 1:3, 1:4] = np.nan
    for kw in (dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=2, ceil_mode=True),
               dict(kernel_size=(3, 2), stride=2, padding=1, dilation=(2, 1))):
        check_fn(lambda a: F.max_pool2d(a, **kw), lambda a: TF.max_pool2d(a, **kw), [x],
                 device=device)
        _, idx = F.max_pool2d(to_mt(x, device), return_indices=True, **kw)
        _, t_idx = TF.max_pool2d(to_torch(x), return_indices=True, **kw)
        np.testing.assert_array_equal(to_np(idx), to_np(t_idx))


def test_seed_maxpool_kernel10_ceil_mode_on_32x32(device):
    x = _rand((2, 3, 32, 32), 0, "float32")
    layer = nn.MaxPool2d(kernel_size=10, ceil_mode=True)
    out = check_module(layer, torch.nn.MaxPool2d(kernel_size=10, ceil_mode=True), [x],
                       device=device)
    assert out.shape == (2, 3, 4, 4) and out.dtype == minitorch.float32


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool_cases(dilated=False), count_include_pad=st.booleans(),
       divisor_override=st.sampled_from([None, None, 1, 3]), seed=seeds)
def test_avg_pool2d_matches_torch(dtype, case, count_include_pad, divisor_override, seed,
                                  device):
    n, c, h, w, kernel, stride, padding, _, ceil_mode = case
    kw = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
              count_include_pad=count_include_pad, divisor_override=divisor_override)
    check_fn(lambda a: F.avg_pool2d(a, **kw), lambda a: TF.avg_pool2d(a, **kw),
             [_rand((n, c, h, w), seed, dtype)], device=device, **TOL[dtype])


@pytest.mark.parametrize("kind", ["avg", "max"])
@given(h=st.integers(1, 9), w=st.integers(1, 9), oh=st.integers(1, 10), ow=st.integers(1, 10),
       ties=st.booleans(), seed=seeds)
def test_adaptive_pool2d_matches_torch(kind, h, w, oh, ow, ties, seed, device):
    x = _rand((2, 3, h, w), seed, "float64", ties=ties)
    mt_fn = F.adaptive_avg_pool2d if kind == "avg" else F.adaptive_max_pool2d
    t_fn = TF.adaptive_avg_pool2d if kind == "avg" else TF.adaptive_max_pool2d
    check_fn(lambda a: mt_fn(a, (oh, ow)), lambda a: t_fn(a, (oh, ow)), [x], device=device)
    if kind == "max":
        _, idx = F.adaptive_max_pool2d(to_mt(x, device), (oh, ow), return_indices=True)
        _, t_idx = TF.adaptive_max_pool2d(to_torch(x), (oh, ow), return_indices=True)
        np.testing.assert_array_equal(to_np(idx), to_np(t_idx))


@given(case=pool_cases(dilated=False), seed=seeds)
def test_max_unpool2d_matches_torch(case, seed, device):
    n, c, h, w, kernel, stride, padding, _, _ = case
    assume(all(s >= k for s, k in zip(stride, kernel)))  # distinct indices, as after pooling
    x = _rand((n, c, h, w), seed, "float64")
    kw = dict(kernel_size=kernel, stride=stride, padding=padding)
    pooled, t_idx = TF.max_pool2d(to_torch(x), return_indices=True, **kw)
    default = [(pooled.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + kernel[i]
               for i in range(2)]
    assume(all(d - s < size < d + s for d, s, size in zip(default, stride, (h, w))))
    idx = to_mt(to_np(t_idx), device)
    kw["output_size"] = (h, w)
    check_fn(lambda a: F.max_unpool2d(a, idx, **kw), lambda a: TF.max_unpool2d(a, t_idx, **kw),
             [to_np(pooled)], device=device)


def test_unbatched_pooling(device):
    x = _rand((3, 9, 8), 5, "float64")
    check_fn(lambda a: F.max_pool2d(a, 3, 2, 1), lambda a: TF.max_pool2d(a, 3, 2, 1), [x],
             device=device)
    check_fn(lambda a: F.avg_pool2d(a, 2), lambda a: TF.avg_pool2d(a, 2), [x], device=device)
    check_fn(lambda a: F.adaptive_avg_pool2d(a, (2, None)),
             lambda a: TF.adaptive_avg_pool2d(a, (2, None)), [x], device=device)


# ---- modules ----------------------------------------------------------------------------------
REPRS = [
    (lambda m: m.Conv2d(1, 16, 5, 1, 2), None),
    (lambda m: m.Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=2, groups=2,
                        bias=False), None),
    (lambda m: m.Conv2d(4, 6, 3, padding="same"), None),
    (lambda m: m.Conv2d(4, 6, 3, padding_mode="reflect"), None),
    (lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, output_padding=1, groups=2), None),
    (lambda m: m.ConvTranspose2d(4, 6, 3, dilation=2, bias=False), None),
    (lambda m: m.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                               "ceil_mode=False)"),
    (lambda m: m.MaxPool2d((2, 3), stride=(1, 2), padding=1, dilation=2, ceil_mode=True), None),
    (lambda m: m.AvgPool2d(3, 2, 1, True, False, 2), None),
    (lambda m: m.AdaptiveAvgPool2d((5, 7)), None),
    (lambda m: m.AdaptiveMaxPool2d((2, None)), None),
    (lambda m: m.MaxUnpool2d((2, 3), 1, 1), None),
]


@pytest.mark.parametrize("make,expected", REPRS)
def test_module_repr_matches_torch(make, expected):
    assert repr(make(nn)) == repr(make(torch.nn))
    if expected:
        assert repr(make(nn)) == expected


def test_seed_conv_repr_and_parameter_shapes():
    assert repr(nn.Conv2d(1, 16, 5, 1, 2)) == (
        "Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))")
    for make in (lambda m: m.Conv2d(6, 4, (3, 2), groups=2),
                 lambda m: m.ConvTranspose2d(4, 6, (3, 2), groups=2)):
        ours, theirs = make(nn), make(torch.nn)
        assert [(k, tuple(v.shape)) for k, v in ours.named_parameters()] == [
            (k, tuple(v.shape)) for k, v in theirs.named_parameters()]


@pytest.mark.parametrize("cls,args", [(nn.Conv2d, (6, 8, (3, 5))),
                                      (nn.ConvTranspose2d, (6, 8, (3, 5)))])
def test_default_init_bounds(cls, args):
    minitorch.manual_seed(0)
    layer = cls(*args, groups=2)
    fan_in = layer.weight.shape[1] * 15   # also for ConvTranspose2d (torch's rule)
    bound = 1 / math.sqrt(fan_in)
    for p in (layer.weight, layer.bias):
        values = to_np(p)
        assert p.dtype == minitorch.float32 and p.requires_grad
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_module_matches_torch(padding_mode, device):
    t_layer = torch.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), groups=2,
                              padding_mode=padding_mode).double()
    layer = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), groups=2,
                      padding_mode=padding_mode).double()
    check_module(layer, t_layer, [_rand((2, 4, 7, 6), 0, "float64")], device=device)


def test_conv_transpose2d_module_output_size(device):
    t_layer = torch.nn.ConvTranspose2d(4, 6, 3, stride=2).double()
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2).double()
    x = _rand((1, 4, 5, 5), 0, "float64")
    layer.load_state_dict({k: to_mt(to_np(v)) for k, v in t_layer.state_dict().items()})
    layer.to(device)
    for size in ([12, 12], [11, 12], [1, 6, 12, 11]):
        out = layer(to_mt(x, device), output_size=size)
        t_out = t_layer(to_torch(x), output_size=size)
        assert_close(out, t_out)
    with pytest.raises(ValueError, match="valid sizes range from"):
        layer(to_mt(x, device), output_size=[13, 13])


def test_mnist_cnn_float32_end_to_end(device):
    """The seed CNN: outputs and every parameter gradient match torch, all float32."""
    def build(m):
        return m.Sequential(m.Conv2d(1, 16, 5, 1, 2), m.ReLU(), m.MaxPool2d(2),
                            m.Conv2d(16, 32, 5, 1, 2), m.ReLU(), m.MaxPool2d(2), m.Flatten(),
                            m.Linear(32 * 7 * 7, 10))
    net = build(nn)
    out = check_module(net, build(torch.nn), [_rand((5, 1, 28, 28), 0, "float32")],
                       device=device, rtol=1e-4, atol=1e-5)
    assert out.dtype == minitorch.float32
    assert all(p.grad.dtype == minitorch.float32 for p in net.parameters())


# ---- errors -----------------------------------------------------------------------------------
ERRORS = [
    # (call with lib = torch or minitorch, exception, fragment both messages contain)
    (lambda L: L.nn.functional.conv2d(L.randn(8, 1, 28, 28), L.randn(16, 3, 5, 5)),
     RuntimeError, "to have 3 channels, but got 1 channels instead"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 4, 4), L.randn(16, 3, 5, 5)),
     RuntimeError, "Kernel size can't be greater than actual input size"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 10, 10, 2), L.randn(16, 3, 5, 5)),
     RuntimeError, "Expected 3D (unbatched) or 4D (batched) input to conv2d"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 6, 10, 10), L.randn(4, 2, 3, 3), groups=3),
     RuntimeError, "expected weight to be divisible by 3 at dimension 0"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 9, 9), L.randn(4, 3, 3, 3), stride=0),
     RuntimeError, "non-positive stride is not supported"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 9, 9), L.randn(4, 3, 3, 3), padding=-1),
     RuntimeError, "negative padding is not supported"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 9, 9), L.randn(4, 3, 3, 3), padding="same",
                                      stride=2),
     RuntimeError, "padding='same' is not supported for strided convolutions"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 9, 9), L.randn(4, 3, 3, 3),
                                      bias=L.randn(3)),
     RuntimeError, "expected bias to be 1-dimensional with 4 elements"),
    (lambda L: L.nn.functional.conv2d(L.randn(2, 3, 9, 9), L.randn(4, 3, 3, 3).double()),
     RuntimeError, "should be the same"),
    (lambda L: L.nn.functional.conv_transpose2d(L.randn(2, 3, 9, 9), L.randn(4, 2, 3, 3)),
     RuntimeError, "to have 4 channels, but got 3 channels instead"),
    (lambda L: L.nn.functional.conv_transpose2d(L.randn(2, 3, 9, 9), L.randn(3, 2, 3, 3),
                                                stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller than either stride or dilation"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 3, 10, 10), 3, padding=2),
     RuntimeError, "pad should be at most half of effective kernel size, but got pad=2, "
                   "kernel_size=3 and dilation=1"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 3, 2, 2), 3),
     RuntimeError, "Given input size: (3x2x2). Calculated output size: (3x0x0). Output size "
                   "is too small"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 3, 10, 10), 3, padding=2, dilation=2),
     RuntimeError, "pad should be smaller than or equal to half of kernel size, but got "
                   "padW = 2, padH = 2, kW = 3, kH = 3"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 3, 10, 10), 0, 1),
     RuntimeError, "kernel size should be greater than zero"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 3, 10, 10), 2, dilation=0),
     RuntimeError, "dilation should be greater than zero"),
    (lambda L: L.nn.functional.max_pool2d(L.randn(2, 0, 10, 10), 2),
     RuntimeError, "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size"),
    (lambda L: L.nn.functional.avg_pool2d(L.randn(2, 3, 10, 10), (3, 5), padding=(2, 1)),
     RuntimeError, "pad should be at most half of effective kernel size"),
    (lambda L: L.nn.functional.avg_pool2d(L.randn(2, 3, 10, 10), 3, divisor_override=0),
     RuntimeError, "divisor must be not zero"),
    (lambda L: L.nn.functional.adaptive_avg_pool2d(L.randn(3, 10), 3),
     RuntimeError, "Expected 3D or 4D tensor, but got [3, 10]"),
    (lambda L: L.nn.functional.adaptive_avg_pool2d(L.randn(10), 3),
     RuntimeError, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [10]"),
    (lambda L: L.nn.AdaptiveAvgPool2d(3)(L.randn(10)),
     RuntimeError, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [10]"),
    # a zero-size kernel: torch refuses rather than computing an empty sum
    (lambda L: L.nn.functional.conv2d(L.randn(1, 3, 5, 5), L.randn(2, 3, 0, 3)),
     RuntimeError, "kernel size should be greater than zero, but got kernel_height: 0 "
                   "kernel_width: 3"),
    (lambda L: L.nn.functional.conv2d(L.randn(3, 5, 5), L.randn(2, 3, 3, 0), padding="same"),
     RuntimeError, "kernel size should be greater than zero, but got kernel_height: 3 "
                   "kernel_width: 0"),
    (lambda L: L.nn.functional.conv2d(L.randn(1, 3, 5, 5), L.randn(0, 3, 3, 3)),
     RuntimeError, "expected weight to be at least 1 at dimension 0, but got weight of size "
                   "[0, 3, 3, 3]"),
    (lambda L: L.nn.functional.conv_transpose2d(L.randn(1, 2, 5, 5), L.randn(2, 3, 0, 3)),
     RuntimeError, "kernel size should be greater than zero, but got kernel_height: 0"),
    (lambda L: L.nn.functional.max_unpool2d(L.randn(2, 3, 5, 5),
                                            L.zeros(2, 3, 5, 5, dtype=L.int64) + 200, 2),
     RuntimeError, "Found an invalid max index: 200 (output volumes are of size 10x10)"),
    (lambda L: L.nn.functional.max_unpool2d(L.randn(2, 3, 5, 5), L.zeros(2, 3, 5, 5,
                                            dtype=L.int64), 2, output_size=(3, 3)),
     ValueError, 'invalid output_size "(3, 3)" (dim 0 must be between 8 and 12)'),
    (lambda L: L.nn.Conv2d(4, 6, 3, groups=4), ValueError,
     "out_channels must be divisible by groups"),
    (lambda L: L.nn.Conv2d(4, 6, 3, groups=0), ValueError, "groups must be a positive integer"),
    (lambda L: L.nn.Conv2d(4, 6, 3, padding="foo"), ValueError, "Invalid padding string 'foo'"),
    (lambda L: L.nn.Conv2d(4, 6, 3, padding="same", stride=2), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda L: L.nn.Conv2d(4, 6, 3, padding_mode="foo"), ValueError,
     "padding_mode must be one of"),
    (lambda L: L.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    # dtypes torch has no CPU kernel for: an error, not a result in another dtype
    *[(lambda L, f=f, dt=dt: getattr(L.nn.functional, f)(L.ones(1, 2, 4, 4, dtype=getattr(
        L, dt)), 2), NotImplementedError, f'"{f}" not implemented for \'{name}\'')
      for f, dt, name in [("avg_pool2d", "int32", "Int"), ("avg_pool2d", "uint8", "Byte"),
                          ("avg_pool2d", "bool", "Bool"), ("max_pool2d", "bool", "Bool"),
                          ("adaptive_avg_pool2d", "int64", "Long"),
                          ("adaptive_max_pool2d", "int64", "Long")]],
    *[(lambda L, f=f, dt=dt: getattr(L.nn.functional, f)(
        L.ones(1, 2, 4, 4, dtype=getattr(L, dt)), L.ones(2, 2, 2, 2, dtype=getattr(L, dt))),
       NotImplementedError, f'"{kernel}" not implemented for \'{name}\'')
      for f, kernel, dt, name in [("conv2d", "slow_conv2d_cpu", "bool", "Bool"),
                                  ("conv_transpose2d", "slow_conv_transpose2d_out_cpu",
                                   "int32", "Int")]],
]


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_integer_pools_and_convs_match_torch(dtype):
    """torch computes these in the input's integer dtype (avg_pool2d on int64 truncates
    toward zero); the results must be the same numbers in the same dtype."""
    x = (np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) * 7 % 23 - 11).astype(dtype)
    w = (np.arange(3 * 3 * 2 * 2).reshape(3, 3, 2, 2) % 5 - 2).astype(dtype)
    calls = [lambda L, x, w: L.nn.functional.max_pool2d(x, 2, 1, 1),
             lambda L, x, w: L.nn.functional.conv2d(x, w, padding=1),
             lambda L, x, w: L.nn.functional.conv_transpose2d(x, w, stride=2),
             lambda L, x, w: L.nn.functional.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
             lambda L, x, w: L.nn.functional.avg_pool2d(x, 2, divisor_override=3)]
    for call in calls:
        try:
            want = call(torch, torch.from_numpy(x), torch.from_numpy(w))
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                call(minitorch, minitorch.from_numpy(x), minitorch.from_numpy(w))
            continue
        got = call(minitorch, minitorch.from_numpy(x), minitorch.from_numpy(w))
        assert got.dtype.name == str(want.dtype)[6:]
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("call,exc,fragment", ERRORS)
def test_errors_match_torch(call, exc, fragment):
    with pytest.raises(exc) as theirs:
        call(torch)
    with pytest.raises(exc) as ours:
        call(minitorch)
    assert fragment in str(theirs.value), str(theirs.value)
    assert fragment in str(ours.value), str(ours.value)
