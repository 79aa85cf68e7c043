"""1-D convolutions and pools, fold/unfold, pixel/channel shuffle and the padding layers,
checked against torch: forward values, every gradient (random upstream gradient), reprs,
default init and error messages; float64 (rtol 1e-10) and float32."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given
from hypothesis import strategies as st
from nn_helpers import check_fn, check_module, to_mt

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F

DTYPES = ["float64", "float32"]
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-4)}
seeds = st.integers(0, 2**31 - 1)


def _rand(shape, seed, dtype="float64", ties=False):
    """Normal values, or small integers (many exact ties) when `ties`."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)
    return x.astype(dtype)


def _both(fn, *args, **kwargs):
    """fn(minitorch-or-torch module) for both libraries: (ours, theirs)."""
    return fn(minitorch, *args, **kwargs), fn(torch, *args, **kwargs)


# ---- conv1d / conv_transpose1d ----------------------------------------------------------------
@st.composite
def conv1d_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    n = draw(st.integers(1, 3))
    c, oc = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    length, kernel = draw(st.integers(1, 12)), draw(st.integers(1, 5))
    stride, padding, dilation = (draw(st.integers(1, 3)), draw(st.integers(0, 4)),
                                 draw(st.integers(1, 3)))
    assume(length + 2 * padding >= dilation * (kernel - 1) + 1)
    return n, c, oc, length, kernel, stride, padding, dilation, groups


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv1d_cases(), bias=st.booleans(), batched=st.booleans(), seed=seeds)
def test_conv1d_matches_torch(dtype, case, bias, batched, seed, device):
    n, c, oc, length, kernel, stride, padding, dilation, groups = case
    x = _rand((n, c, length) if batched else (c, length), seed, dtype)
    arrays = [x, _rand((oc, c // groups, kernel), seed + 1, dtype)]
    if bias:
        arrays.append(_rand((oc,), seed + 2, dtype))
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out = check_fn(lambda *a: F.conv1d(*a, **kw), lambda *a: TF.conv1d(*a, **kw), arrays,
                   grad_idx=tuple(range(len(arrays))), device=device, **TOL[dtype])
    assert out.dtype == getattr(minitorch, dtype)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@given(seed=seeds, kernel=st.integers(1, 5), dilation=st.integers(1, 3),
       padding=st.sampled_from(["same", "valid", (1,), [2]]))
def test_conv1d_string_and_tuple_padding(seed, kernel, dilation, padding, device):
    arrays = [_rand((2, 3, 11), seed), _rand((4, 3, kernel), seed + 1)]
    kw = dict(padding=padding, dilation=dilation)
    out = check_fn(lambda *a: F.conv1d(*a, **kw), lambda *a: TF.conv1d(*a, **kw), arrays,
                   grad_idx=(0, 1), device=device)
    if padding == "same":
        assert out.shape[2:] == (11,)


@st.composite
def conv_transpose1d_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    n = draw(st.integers(1, 3))
    c, oc = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    length, kernel = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    stride, padding, dilation = (draw(st.integers(1, 3)), draw(st.integers(0, 3)),
                                 draw(st.integers(1, 3)))
    output_padding = draw(st.integers(0, max(stride, dilation) - 1))
    assume((length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding >= 0)
    return n, c, oc, length, kernel, stride, padding, output_padding, dilation, groups


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=conv_transpose1d_cases(), bias=st.booleans(), batched=st.booleans(), seed=seeds)
def test_conv_transpose1d_matches_torch(dtype, case, bias, batched, seed, device):
    n, c, oc, length, kernel, stride, padding, output_padding, dilation, groups = case
    x = _rand((n, c, length) if batched else (c, length), seed, dtype)
    arrays = [x, _rand((c, oc // groups, kernel), seed + 1, dtype)]
    if bias:
        arrays.append(_rand((oc,), seed + 2, dtype))
    kw = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
              dilation=dilation)
    out = check_fn(lambda *a: F.conv_transpose1d(*a, **kw),
                   lambda *a: TF.conv_transpose1d(*a, **kw), arrays,
                   grad_idx=tuple(range(len(arrays))), device=device, **TOL[dtype])
    assert out.dtype == getattr(minitorch, dtype)


def test_conv1d_int64_and_empty_batch():
    x = (np.arange(2 * 3 * 7).reshape(2, 3, 7) % 5 - 2).astype("int64")
    w = (np.arange(4 * 3 * 2).reshape(4, 3, 2) % 3 - 1).astype("int64")
    check_fn(F.conv1d, TF.conv1d, [x, w], grad_idx=())
    check_fn(lambda a, b: F.conv_transpose1d(a, b, stride=2),
             lambda a, b: TF.conv_transpose1d(a, b, stride=2), [x, w[:3]], grad_idx=())
    assert F.conv1d(to_mt(np.zeros((0, 3, 7))), to_mt(w.astype("float64"))).shape == (0, 4, 6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", [
    dict(), dict(stride=2, padding=1, bias=False), dict(padding="same", dilation=2),
    dict(padding=2, padding_mode="reflect"), dict(padding=1, padding_mode="replicate"),
    dict(padding=3, padding_mode="circular", groups=2), dict(padding="valid", stride=3),
    dict(padding="same", padding_mode="circular"),
])
def test_conv1d_module_matches_torch(dtype, kwargs, device):
    torch.manual_seed(0)
    t_layer = torch.nn.Conv1d(4, 6, 3, **kwargs).to(getattr(torch, dtype))
    layer = nn.Conv1d(4, 6, 3, dtype=getattr(minitorch, dtype), **kwargs)
    assert repr(layer) == repr(t_layer)
    assert layer.weight.shape == tuple(t_layer.weight.shape)
    check_module(layer, t_layer, [_rand((2, 4, 9), 0, dtype)], device=device, **TOL[dtype])
    check_module(layer, t_layer, [_rand((4, 9), 1, dtype)], device=device, **TOL[dtype])


@pytest.mark.parametrize("kwargs", [
    dict(), dict(stride=2, output_padding=1), dict(stride=3, padding=2, dilation=2, groups=2),
    dict(bias=False, padding=(1,), output_padding=[1], dilation=2),
])
def test_conv_transpose1d_module_matches_torch(kwargs, device):
    torch.manual_seed(0)
    t_layer = torch.nn.ConvTranspose1d(4, 6, 3, **kwargs).double()
    layer = nn.ConvTranspose1d(4, 6, 3, **kwargs).double()
    assert repr(layer) == repr(t_layer)
    check_module(layer, t_layer, [_rand((2, 4, 7), 0)], device=device)
    check_module(layer, t_layer, [_rand((4, 7), 1)], device=device)


def test_conv_transpose1d_output_size(device):
    t_layer = torch.nn.ConvTranspose1d(4, 6, 3, stride=3).double()
    layer = nn.ConvTranspose1d(4, 6, 3, stride=3).double()
    layer.load_state_dict({k: to_mt(v.numpy()) for k, v in t_layer.state_dict().items()})
    layer.to(device)
    x = _rand((2, 4, 5), 0)
    for size in ([15], [17], (2, 6, 16)):
        out, want = layer(to_mt(x, device), output_size=size), t_layer(torch.tensor(x),
                                                                       output_size=size)
        np.testing.assert_allclose(out.detach().cpu().numpy(), want.detach().numpy(), rtol=1e-10)
    out = layer(to_mt(x[0], device), output_size=[6, 16])
    assert out.shape == tuple(t_layer(torch.tensor(x[0]), output_size=[6, 16]).shape)


def test_conv1d_default_init_matches_torch_bounds():
    for layer in (nn.Conv1d(4, 6, 5, groups=2), nn.ConvTranspose1d(4, 6, 5, groups=2)):
        fan_in = layer.weight.shape[1] * 5
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(layer.weight.detach().numpy()).max() <= bound
        assert np.abs(layer.bias.detach().numpy()).max() <= bound
        assert np.abs(layer.weight.detach().numpy()).max() > 0.5 * bound


# ---- 1-D pools --------------------------------------------------------------------------------
@st.composite
def pool1d_cases(draw, dilated=True):
    kernel = draw(st.integers(1, 5))
    stride = draw(st.sampled_from([None, 1, 2, 3]))
    dilation = draw(st.integers(1, 3)) if dilated else 1
    padding = draw(st.integers(0, kernel // 2))
    length = draw(st.integers(1, 12))
    ceil_mode = draw(st.booleans())
    assume(length + 2 * padding >= dilation * (kernel - 1) + 1)
    shape = draw(st.sampled_from([(2, 3, length), (3, length), (1, 1, length)]))
    return shape, kernel, stride, padding, dilation, ceil_mode


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool1d_cases(), ties=st.booleans(), seed=seeds)
def test_max_pool1d_matches_torch(dtype, case, ties, seed, device):
    shape, kernel, stride, padding, dilation, ceil_mode = case
    kw = dict(stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    x = _rand(shape, seed, dtype, ties)
    check_fn(lambda a: F.max_pool1d(a, kernel, **kw), lambda a: TF.max_pool1d(a, kernel, **kw),
             [x], device=device)
    idx = check_fn(lambda a: F.max_pool1d(a, kernel, return_indices=True, **kw)[1],
                   lambda a: TF.max_pool1d(a, kernel, return_indices=True, **kw)[1], [x],
                   grad_idx=(), device=device)
    assert idx.dtype == minitorch.int64


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=pool1d_cases(dilated=False), count_include_pad=st.booleans(), seed=seeds)
def test_avg_pool1d_matches_torch(dtype, case, count_include_pad, seed, device):
    shape, kernel, stride, padding, _, ceil_mode = case
    kw = dict(stride=stride, padding=padding, ceil_mode=ceil_mode,
              count_include_pad=count_include_pad)
    check_fn(lambda a: F.avg_pool1d(a, kernel, **kw), lambda a: TF.avg_pool1d(a, kernel, **kw),
             [_rand(shape, seed, dtype)], device=device, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@given(length=st.integers(1, 13), size=st.integers(1, 15), batched=st.booleans(),
       ties=st.booleans(), seed=seeds)
def test_adaptive_pools1d_match_torch(dtype, length, size, batched, ties, seed, device):
    x = _rand((2, 3, length) if batched else (3, length), seed, dtype, ties)
    check_fn(lambda a: F.adaptive_avg_pool1d(a, size), lambda a: TF.adaptive_avg_pool1d(a, size),
             [x], device=device, **TOL[dtype])
    check_fn(lambda a: F.adaptive_max_pool1d(a, (size,)),
             lambda a: TF.adaptive_max_pool1d(a, (size,)), [x], device=device)
    check_fn(lambda a: F.adaptive_max_pool1d(a, size, return_indices=True)[1],
             lambda a: TF.adaptive_max_pool1d(a, size, return_indices=True)[1], [x],
             grad_idx=(), device=device)


def test_pools1d_empty_batch_and_integers():
    for fn in ("max_pool1d", "avg_pool1d"):
        assert getattr(F, fn)(to_mt(np.zeros((0, 3, 5))), 2).shape == (0, 3, 2)
    x = (np.arange(2 * 3 * 7).reshape(2, 3, 7) * 5 % 11 - 5).astype("int64")
    check_fn(lambda a: F.avg_pool1d(a, 3, 2, 1), lambda a: TF.avg_pool1d(a, 3, 2, 1), [x],
             grad_idx=())  # int64 truncates toward zero, as in torch
    check_fn(lambda a: F.max_pool1d(a, 2, return_indices=True)[0],
             lambda a: TF.max_pool1d(a, 2, return_indices=True)[0], [x], grad_idx=())
    assert F.adaptive_avg_pool1d(to_mt(np.zeros((2, 0, 5))), 2).shape == (2, 0, 2)
    for fn in ("adaptive_avg_pool1d", "adaptive_max_pool1d"):  # torch's backward refuses 0
        check_fn(lambda a, fn=fn: getattr(F, fn)(a, 0), lambda a, fn=fn: getattr(TF, fn)(a, 0),
                 [_rand((2, 3, 5), 0)], grad_idx=())


@pytest.mark.parametrize("make", [
    lambda m: m.MaxPool1d(3, 2, 1), lambda m: m.MaxPool1d((3,), 1, 1, 2, ceil_mode=True),
    lambda m: m.MaxPool1d(2, return_indices=True), lambda m: m.AvgPool1d(3, 2, 1, True, False),
    lambda m: m.AvgPool1d(2), lambda m: m.AdaptiveAvgPool1d(4), lambda m: m.AdaptiveMaxPool1d(3),
    lambda m: m.AdaptiveMaxPool1d((3,), return_indices=True),
])
def test_pool1d_modules_match_torch(make, device):
    layer, t_layer = make(nn), make(torch.nn)
    assert repr(layer) == repr(t_layer)
    x = _rand((2, 3, 9), 0)
    if getattr(t_layer, "return_indices", False):
        out, idx = layer(to_mt(x, device))
        t_out, t_idx = t_layer(torch.tensor(x))
        np.testing.assert_array_equal(idx.cpu().numpy(), t_idx.numpy())
        return
    check_module(layer, t_layer, [x], device=device)
    check_module(layer, t_layer, [x[0]], device=device)


# ---- unfold / fold -----------------------------------------------------------------------------
@st.composite
def fold_cases(draw):
    pair = st.tuples
    kernel = draw(pair(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(pair(st.integers(1, 2), st.integers(1, 3)))
    padding = draw(pair(st.integers(0, 2), st.integers(0, 2)))
    stride = draw(pair(st.integers(1, 3), st.integers(1, 2)))
    size = draw(pair(st.integers(1, 7), st.integers(1, 7)))
    for i in range(2):
        assume(size[i] + 2 * padding[i] >= dilation[i] * (kernel[i] - 1) + 1)
    # ints where torch takes an int for both axes
    def maybe_int(v):
        return v[0] if v[0] == v[1] and draw(st.booleans()) else v
    return [maybe_int(v) for v in (kernel, dilation, padding, stride)], size


def _blocks(size, kernel, dilation, padding, stride):
    pairs = [v if isinstance(v, tuple) else (v, v) for v in (kernel, dilation, padding, stride)]
    (k, d, p, s) = pairs
    return [(size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=fold_cases(), channels=st.integers(1, 3), batch=st.sampled_from([None, 1, 2]),
       seed=seeds)
def test_unfold_and_fold_match_torch(dtype, case, channels, batch, seed, device):
    (kernel, dilation, padding, stride), size = case
    kw = dict(dilation=dilation, padding=padding, stride=stride)
    lead = () if batch is None else (batch,)
    image = _rand((*lead, channels, *size), seed, dtype)
    check_fn(lambda a: F.unfold(a, kernel, **kw), lambda a: TF.unfold(a, kernel, **kw), [image],
             device=device, **TOL[dtype])
    k = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    blocks = _blocks(size, kernel, dilation, padding, stride)
    cols = _rand((*lead, channels * k[0] * k[1], blocks[0] * blocks[1]), seed + 1, dtype)
    out = check_fn(lambda a: F.fold(a, size, kernel, **kw),
                   lambda a: TF.fold(a, size, kernel, **kw), [cols], device=device,
                   **TOL[dtype])
    assert out.dtype == getattr(minitorch, dtype)


def test_fold_of_unfold_counts_windows_and_bool(device):
    """fold(unfold(ones)) = how many windows hold each pixel; bool folds with logical or."""
    ones = to_mt(np.ones((1, 2, 5, 6)), device)
    counts = F.fold(F.unfold(ones, 3, padding=1, stride=2), (5, 6), 3, padding=1, stride=2)
    want = TF.fold(TF.unfold(torch.ones(1, 2, 5, 6, dtype=torch.float64), 3, padding=1,
                             stride=2), (5, 6), 3, padding=1, stride=2)
    np.testing.assert_array_equal(counts.cpu().numpy(), want.numpy())
    bits = _rand((1, 4, 4), 0, "int64", ties=True) > 0
    got = F.fold(to_mt(bits, device), (3, 3), 2)
    assert got.dtype == minitorch.bool
    np.testing.assert_array_equal(got.cpu().numpy(), TF.fold(torch.tensor(bits), (3, 3),
                                                             2).numpy())
    np.testing.assert_array_equal(F.unfold(to_mt(bits.reshape(1, 4, 4), device), 2)
                                  .cpu().numpy(),
                                  TF.unfold(torch.tensor(bits.reshape(1, 4, 4)), 2).numpy())
    assert F.unfold(to_mt(np.zeros((0, 3, 4, 4)), device), 2).shape == (0, 12, 9)


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.Unfold(3), (2, 3, 6, 7)),
    (lambda m: m.Unfold((2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), (3, 6, 7)),
    (lambda m: m.Fold((4, 5), 2), (2, 12, 12)),
    (lambda m: m.Fold(output_size=4, kernel_size=(2, 3), dilation=2, padding=1, stride=2),
     (6, 2)),
])
def test_fold_modules_match_torch(make, shape, device):
    layer, t_layer = make(nn), make(torch.nn)
    assert repr(layer) == repr(t_layer)
    check_module(layer, t_layer, [_rand(shape, 0)], device=device)


# ---- pixel / channel shuffle -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@given(factor=st.integers(1, 3), channels=st.integers(1, 3), h=st.integers(1, 4),
       w=st.integers(1, 4), lead=st.sampled_from([(), (2,), (2, 1)]), seed=seeds)
def test_pixel_shuffle_and_unshuffle_match_torch(dtype, factor, channels, h, w, lead, seed,
                                                 device):
    small = _rand((*lead, channels * factor * factor, h, w), seed, dtype)
    out = check_fn(lambda a: F.pixel_shuffle(a, factor), lambda a: TF.pixel_shuffle(a, factor),
                   [small], device=device)
    big = _rand((*lead, channels, h * factor, w * factor), seed + 1, dtype)
    check_fn(lambda a: F.pixel_unshuffle(a, factor), lambda a: TF.pixel_unshuffle(a, factor),
             [big], device=device)
    back = F.pixel_unshuffle(out, factor)
    np.testing.assert_array_equal(back.detach().cpu().numpy(), small)


@given(groups=st.integers(1, 4), per_group=st.integers(1, 3),
       rest=st.sampled_from([(3,), (2, 3), (1, 2, 2)]), seed=seeds)
def test_channel_shuffle_matches_torch(groups, per_group, rest, seed, device):
    x = _rand((2, groups * per_group, *rest), seed)
    check_fn(lambda a: F.channel_shuffle(a, groups), lambda a: TF.channel_shuffle(a, groups),
             [x], device=device)
    check_fn(lambda a: nn.ChannelShuffle(groups)(a),
             lambda a: torch.nn.ChannelShuffle(groups)(a), [x], device=device)


@pytest.mark.parametrize("make", [lambda m: m.PixelShuffle(2), lambda m: m.PixelUnshuffle(2),
                                  lambda m: m.ChannelShuffle(2)])
def test_shuffle_modules_match_torch(make, device):
    layer, t_layer = make(nn), make(torch.nn)
    assert repr(layer) == repr(t_layer)
    check_module(layer, t_layer, [_rand((2, 8, 4, 6), 0)], device=device)
    check_module(layer, t_layer, [_rand((2, 8, 4, 6), 1).astype("float32")], device=device)


# ---- padding layers and F.pad's modes -----------------------------------------------------------
PAD_LAYERS = {  # layer name -> (F.pad mode, spatial dims)
    "ZeroPad1d": ("constant", 1), "ZeroPad2d": ("constant", 2),
    "ConstantPad1d": ("constant", 1), "ConstantPad2d": ("constant", 2),
    "ReflectionPad1d": ("reflect", 1), "ReflectionPad2d": ("reflect", 2),
    "ReplicationPad1d": ("replicate", 1), "ReplicationPad2d": ("replicate", 2),
    "CircularPad1d": ("circular", 1), "CircularPad2d": ("circular", 2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(PAD_LAYERS))
@given(data=st.data(), batched=st.booleans(), as_int=st.booleans(), seed=seeds)
def test_padding_layers_match_torch(dtype, name, data, batched, as_int, seed, device):
    mode, dims = PAD_LAYERS[name]
    shape = data.draw(st.lists(st.integers(1, 5), min_size=dims, max_size=dims))
    shape = ([2] if batched else []) + [3] + shape
    # the pads torch accepts for this mode: reflect < size, circular <= size; negative
    # pads crop (not below one element)
    sizes = shape[::-1][:dims]
    pads = []
    for size in sizes:
        hi = {"reflect": size - 1, "circular": size}.get(mode, 4)
        b = data.draw(st.integers(-((size - 1) // 2), hi))  # two crops leave >= 1 element
        a = data.draw(st.integers(-((size - 1) // 2), hi))
        if mode == "circular":  # torch's circular pad misbehaves wrapping past the crop
            assume(max(b, a) <= size - max(-b, 0) - max(-a, 0))
        pads += [b, a]
    padding = pads[0] if as_int and len(set(pads)) == 1 and pads[0] >= 0 else tuple(pads)
    args = (padding, 1.5) if name.startswith("Constant") else (padding,)
    layer, t_layer = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(layer) == repr(t_layer)
    assert layer.padding == t_layer.padding
    check_module(layer, t_layer, [_rand(shape, seed, dtype)], device=device)


def test_pad_modes_on_integers_and_bools():
    x = (np.arange(2 * 3 * 4).reshape(2, 3, 4) % 7 - 3).astype("int64")
    for mode in ("reflect", "replicate", "circular", "constant"):
        check_fn(lambda a, m=mode: F.pad(a, (2, 1), m), lambda a, m=mode: TF.pad(a, (2, 1), m),
                 [x], grad_idx=())
    bits = x > 0
    for mode in ("circular", "constant"):
        got = F.pad(to_mt(bits), (1, 2), mode)
        assert got.dtype == minitorch.bool
        np.testing.assert_array_equal(got.numpy(), TF.pad(torch.tensor(bits), (1, 2),
                                                          mode).numpy())


# ---- errors -----------------------------------------------------------------------------------
ERRORS = [
    # (call with lib = torch or minitorch, exception, fragment both messages contain)
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 4, 5), L.randn(4, 3, 3)), RuntimeError,
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
     "[2, 3, 4, 5]"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3)), RuntimeError,
     "weight should have at least three dimensions"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3, 3)), RuntimeError,
     "Expected 4-dimensional input for 4-dimensional weight [4, 3, 3, 3], but got "
     "3-dimensional input of size [2, 3, 10] instead"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 5, 10), L.randn(4, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [4, 3, 3], expected input[2, 5, 10] to have 3 channels, "
     "but got 5 channels instead"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(0, 3, 3)), RuntimeError,
     "expected weight to be at least 1 at dimension 0, but got weight of size [0, 3, 3]"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), stride=(1, 2)),
     RuntimeError, "expected stride to be a single integer value or a list of 1 values to "
                   "match the convolution dimensions, but got stride=[1, 2]"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), padding=[1, 1]),
     RuntimeError, "expected padding to be a single integer value or a list of 1 values"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), stride=0),
     RuntimeError, "non-positive stride is not supported"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), padding=-1),
     RuntimeError, "negative padding is not supported"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), dilation=0),
     RuntimeError, "non-positive dilation is not supported"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), groups=0),
     RuntimeError, "non-positive groups is not supported"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 1, 3), groups=3),
     RuntimeError, "Given groups=3, expected weight to be divisible by 3 at dimension 0, but "
                   "got weight of size [[4, 1, 3]] instead"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), padding="same",
                                      stride=2),
     RuntimeError, "padding='same' is not supported for strided convolutions"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), padding="foo"),
     RuntimeError, "Invalid padding string: 'foo'"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3), L.randn(3)),
     RuntimeError, "Given weight of size [4, 3, 3], expected bias to be 1-dimensional with 4 "
                   "elements, but got bias of size [3] instead"),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 10), L.randn(4, 3, 3).double()),
     RuntimeError, "FloatTensor) and weight type ("),
    (lambda L: L.nn.functional.conv1d(L.randn(2, 3, 2), L.randn(4, 3, 3), dilation=2),
     RuntimeError, "Calculated padded input size per channel: (2). Kernel size: (5). Kernel "
                   "size can't be greater than actual input size"),
    (lambda L: L.nn.functional.conv1d(L.ones(2, 3, 5, dtype=L.bool), L.ones(4, 3, 3,
                                                                             dtype=L.bool)),
     NotImplementedError, "\"slow_conv2d_cpu\" not implemented for 'Bool'"),
    (lambda L: L.nn.Conv1d(3, 4, 0)(L.randn(1, 3, 5)), RuntimeError,
     "kernel size should be greater than zero, but got kernel_height: 1 kernel_width: 0"),
    (lambda L: L.nn.Conv1d(4, 6, 3, groups=4), ValueError,
     "out_channels must be divisible by groups"),
    (lambda L: L.nn.Conv1d(4, 6, 3, padding="same", stride=2), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda L: L.nn.Conv1d(4, 6, 3, padding_mode="foo"), ValueError,
     "padding_mode must be one of"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 4, 5), L.randn(3, 4, 3)),
     RuntimeError, "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but "
                   "got input of size: [2, 3, 4, 5]"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 5, 10), L.randn(3, 4, 3)),
     RuntimeError, "Given transposed=1, weight of size [3, 4, 3], expected input[2, 5, 10] to "
                   "have 3 channels, but got 5 channels instead"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller than either stride or dilation, but got "
                   "output_padding_height: 0 output_padding_width: 2 stride_height: 1 "
                   "stride_width: 2 dilation_height: 1 dilation_width: 1"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                output_padding=-1),
     RuntimeError, "negative output_padding is not supported"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                groups=2),
     RuntimeError, "Given groups=2, expected weight to be divisible by 2 at dimension 0"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                L.randn(3)),
     RuntimeError, "Given transposed=1, weight of size [3, 4, 3], expected bias to be "
                   "1-dimensional with 4 elements, but got bias of size [3] instead"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                stride=(1, 2)),
     RuntimeError, "expected stride to be a single integer value or a list of 1 values"),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 10), L.randn(3, 4, 3),
                                                padding="same"),
     TypeError, ""),
    (lambda L: L.nn.functional.conv_transpose1d(L.randn(2, 3, 2), L.randn(3, 4, 3),
                                                padding=10),
     RuntimeError, ""),
    (lambda L: L.nn.ConvTranspose1d(4, 6, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose1d'),
    (lambda L: L.nn.ConvTranspose1d(3, 4, 3, stride=2)(L.randn(1, 3, 5), output_size=[5]),
     ValueError, "requested an output size of [5], but valid sizes range from [11] to [12]"),
    (lambda L: L.nn.ConvTranspose1d(3, 4, 3, stride=2)(L.randn(1, 3, 5), output_size=[1, 2]),
     ValueError, "ConvTranspose1D: for 3D input, output_size must have 1 or 3 elements "
                 "(got 2)"),
    # 1-D pools: torch's own 1-D checks, then those of the 2-D kernel on the height-1 view
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 4, 5), 2), RuntimeError,
     "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
     "input, but got:[2, 3, 4, 5]"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 0, 5), 2), RuntimeError,
     "max_pool1d: Expected 2D or 3D (batch mode) tensor"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 0), RuntimeError,
     "max_pool1d() kernel_size must be greater than zero, but got 0"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, 0), RuntimeError,
     "max_pool1d() stride must be greater than zero, but got 0"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, padding=2), RuntimeError,
     "max_pool1d() padding should be at most half of kernel size, but got padding=2 and "
     "kernel_size=2"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, padding=-1), RuntimeError,
     "max_pool1d() padding must be non-negative, but got -1"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 20), RuntimeError,
     "max_pool1d() Invalid computed output size: 0"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), (2, 2)), RuntimeError,
     "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but "
     "got size 2"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, (1, 2)), RuntimeError,
     "max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
     "got size 2"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, dilation=0), RuntimeError,
     "max_pool1d() dilation must be greater than zero, but got 0"),
    (lambda L: L.nn.functional.max_pool1d(L.ones(2, 3, 10, dtype=L.int64), 2),
     NotImplementedError, "\"max_pool1d_impl\" not implemented for 'Long'"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, padding=2,
                                          return_indices=True),
     RuntimeError, "pad should be at most half of effective kernel size, but got pad=2, "
                   "kernel_size=2 and dilation=1"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 20, return_indices=True),
     RuntimeError, "Given input size: (3x1x10). Calculated output size: (3x1x0). Output size "
                   "is too small"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 10), 2, dilation=(1, 2),
                                          return_indices=True),
     RuntimeError, "max_pool1d() argument 'dilation' should contain one int (got 2)"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 4, 5), 2, return_indices=True),
     RuntimeError, "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 "
                   "'self' (while checking arguments for max_pool1d)"),
    (lambda L: L.nn.functional.max_pool1d(L.randn(2, 3, 5), 2.0), TypeError, "kernel_size"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 4, 5), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while "
     "checking arguments for avg_pool1d)"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 0, 5), 2), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
     "got:[2, 0, 1, 5]"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 10), 0), RuntimeError,
     "stride should not be zero"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 10), 2, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
     "dilation=1"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 10), 2, padding=-1), RuntimeError,
     "pad must be non-negative, but got pad: -1"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 10), 20), RuntimeError,
     "Given input size: (3x1x10). Calculated output size: (3x1x0). Output size is too small"),
    (lambda L: L.nn.functional.avg_pool1d(L.randn(2, 3, 10), (2, 2)), RuntimeError,
     "avg_pool1d() argument 'kernel_size' should contain one int (got 2)"),
    (lambda L: L.nn.functional.avg_pool1d(L.ones(2, 3, 10, dtype=L.bool), 2),
     NotImplementedError, "\"avg_pool2d\" not implemented for 'Bool'"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.randn(2, 3, 4, 5), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while "
     "checking arguments for adaptive_avg_pool1d)"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.randn(2, 3, 0), 2), RuntimeError,
     "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
     "but input has sizes [2, 3, 1, 0] with dimension 3 being empty"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.randn(2, 3, 5), -1), RuntimeError,
     "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
     "received {1, -1}"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.randn(2, 3, 5), (2, 2)), RuntimeError,
     "adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.randn(2, 3, 5), None), TypeError,
     "adaptive_avg_pool1d(): argument 'output_size'"),
    (lambda L: L.nn.functional.adaptive_avg_pool1d(L.ones(2, 3, 5, dtype=L.int64), 2),
     NotImplementedError, "\"adaptive_avg_pool2d\" not implemented for 'Long'"),
    (lambda L: L.nn.functional.adaptive_max_pool1d(L.randn(2, 0, 5), 2), RuntimeError,
     "adaptive_max_pool1d(): Expected input to have non-zero size for non-batch dimensions, "
     "but input has sizes [2, 0, 5] with dimension 1 being empty"),
    (lambda L: L.nn.functional.adaptive_max_pool1d(L.randn(2, 3, 5), -1), RuntimeError,
     "Trying to create tensor with negative dimension -1: [2, 3, 1, -1]"),
    (lambda L: L.nn.functional.adaptive_max_pool1d(L.randn(2, 3, 5), 2.5), TypeError,
     "adaptive_max_pool1d(): argument 'output_size'"),
    (lambda L: L.nn.functional.adaptive_max_pool1d(L.randn(3), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while "
     "checking arguments for adaptive_max_pool1d)"),
    (lambda L: L.nn.functional.adaptive_avg_pool2d(L.randn(2, 3, 0, 5), 2), RuntimeError,
     "with dimension 2 being empty"),
    # unfold / fold: torch's order of checks (hyper-parameters first, then shapes)
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), 0), RuntimeError,
     "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), 1, stride=0, dilation=0,
                                      padding=-1),
     RuntimeError, "dilation should be greater than zero, but got dilation_height: 0 "
                   "dilation_width: 0"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), 1, stride=0, padding=-1),
     RuntimeError, "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), 3, stride=0), RuntimeError,
     "stride should be greater than zero, but got stride_height: 0 stride_width: 0"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), (2, 3, 4)), RuntimeError,
     "It is expected kernel_size equals to 2, but got size 3"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), [2]), RuntimeError,
     "It is expected kernel_size equals to 2, but got size 1"),
    (lambda L: L.nn.functional.unfold(L.randn(1, 2, 3, 4, 5), 3), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
     "dimensions for input, but got: [1, 2, 3, 4, 5]"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 0, 6, 7), 3), RuntimeError,
     "but got: [2, 0, 6, 7]"),
    (lambda L: L.nn.functional.unfold(L.randn(3, 4), 3), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda L: L.nn.functional.unfold(L.randn(2, 3, 6, 7), 9, stride=2), RuntimeError,
     "Given input with spatial size (6, 7), kernel_size=(9, 9), dilation=(1, 1), "
     "padding=(0, 0), calculated shape of the array of sliding blocks as (-1, 0), but its "
     "components must be at least one."),
    (lambda L: L.nn.functional.unfold(L.ones(2, 3, 6, 7, dtype=L.int64), 3),
     NotImplementedError, "\"im2col_out_cpu\" not implemented for 'Long'"),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 5), 2, stride=0, dilation=0,
                                    padding=-1),
     RuntimeError, "stride should be greater than zero, but got stride_height: 0 "
                   "stride_width: 0"),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 5), 2, dilation=0, padding=-1),
     RuntimeError, "dilation should be greater than zero"),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 5), 2, padding=-1),
     RuntimeError, "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 5, 6), 2), RuntimeError,
     "It is expected output_size equals to 2, but got size 3"),
    (lambda L: L.nn.functional.fold(L.randn(12), (4, 5), 2), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
     "dimensions for input, but got: [12]"),
    (lambda L: L.nn.functional.fold(L.randn(2, 0, 12), (4, 5), 2), RuntimeError,
     "but got: [2, 0, 12]"),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 5), 3), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
     "got input.size(1)=12 and kernel_size=(3, 3)."),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 12), (4, 6), 2), RuntimeError,
     "Given output_size=(4, 6), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), "
     "stride=(1, 1), expected size of input's dimension 2 to match the calculated number of "
     "sliding blocks 3 * 5 = 15, but got input.size(2)=12."),
    (lambda L: L.nn.functional.fold(L.randn(2, 12, 1), (1, 1), 2, dilation=2), RuntimeError,
     "calculated shape of the array of sliding blocks as (-1, -1), which is too small "
     "(non-positive)"),
    (lambda L: L.nn.functional.fold(L.ones(2, 12, 12, dtype=L.int64), (4, 5), 2),
     NotImplementedError, "\"col2im_out_cpu\" not implemented for 'Long'"),
    # pixel / channel shuffle
    (lambda L: L.nn.functional.pixel_shuffle(L.randn(8, 4), 2), RuntimeError,
     "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
     "dimension(s)"),
    (lambda L: L.nn.functional.pixel_shuffle(L.randn(2, 8, 3, 4), 3), RuntimeError,
     "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
     "upscale_factor, but input.size(-3)=8 is not divisible by 9"),
    (lambda L: L.nn.functional.pixel_shuffle(L.randn(2, 8, 3, 4), 0), RuntimeError,
     "pixel_shuffle expects a positive upscale_factor, but got 0"),
    (lambda L: L.nn.functional.pixel_shuffle(L.randn(2, 8, 3, 4), 1.5), TypeError,
     "pixel_shuffle(): argument 'upscale_factor' (position 2) must be int, not float"),
    (lambda L: L.nn.functional.pixel_unshuffle(L.randn(2, 8, 3, 4), 2), RuntimeError,
     "pixel_unshuffle expects height to be divisible by downscale_factor, but "
     "input.size(-2)=3 is not divisible by 2"),
    (lambda L: L.nn.functional.pixel_unshuffle(L.randn(2, 8, 4, 3), 2), RuntimeError,
     "pixel_unshuffle expects width to be divisible by downscale_factor, but "
     "input.size(-1)=3 is not divisible by 2"),
    (lambda L: L.nn.functional.pixel_unshuffle(L.randn(2, 8, 4, 4), -1), RuntimeError,
     "pixel_unshuffle expects a positive downscale_factor, but got -1"),
    (lambda L: L.nn.functional.channel_shuffle(L.randn(2, 8), 2), RuntimeError,
     "channel_shuffle expects input with > 2 dims, but got input with sizes [2, 8]"),
    (lambda L: L.nn.functional.channel_shuffle(L.randn(2, 8, 3), 0), RuntimeError,
     "Number of groups to divide channels in must be positive. Value of groups:0"),
    (lambda L: L.nn.functional.channel_shuffle(L.randn(2, 8, 3), 3), RuntimeError,
     "Number of channels must be divisible by groups. Got 8 channels and 3 groups."),
    (lambda L: L.nn.functional.channel_shuffle(L.randn(2, 8, 3), 2.0), TypeError,
     "channel_shuffle(): argument 'groups' (position 2) must be int, not float"),
    # padding: F.pad's checks for reflect / replicate / circular, and the layers'
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 5), (6, 0), "circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 5), (-3, -3), "circular"), RuntimeError,
     "Negative padding value is resulting in an empty dimension"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 5), (-3, -3), "replicate"), RuntimeError,
     "input (W: 5) is too small. Calculated output W: -1"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 3, 4, 5), (-3, -3, -2, -2), "replicate"),
     RuntimeError, "input (H: 4, W: 5 ) is too small. Calculated output H: 0 W: -1"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 5), (-1, -4), "reflect"), RuntimeError,
     "input (W: 5) is too small. Calculated output W: 0"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 3, 4, 5), (0, 0, 4, 1), "reflect"), RuntimeError,
     "Argument #6: Padding size should be less than the corresponding input dimension, but "
     "got: padding (4, 1) at dimension 2 of input [1, 3, 4, 5]"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 3, 4, 5), (5, 0, 4, 0), "reflect"), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but "
     "got: padding (5, 0) at dimension 3 of input [1, 3, 4, 5]"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 0, 3), (1, 1), "reflect"), RuntimeError,
     "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero "
     "dimensions for input, but got: [1, 0, 3]"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 1, 0, 3), (1, 1, 1, 1), "replicate"),
     RuntimeError, "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 3, dtype=L.bool), (1, 1), "reflect"),
     NotImplementedError, "\"reflection_pad1d\" not implemented for 'Bool'"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 3, 3, dtype=L.bool), (1, 1, 1, 1),
                                   "replicate"),
     NotImplementedError, "\"replication_pad2d\" not implemented for 'Bool'"),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 3), (1, 1), "reflect", value=1.0),
     RuntimeError, 'Padding mode "reflect" doesn\'t take in value argument'),
    (lambda L: L.nn.functional.pad(L.zeros(1, 2, 3), (1.5, 1)), TypeError,
     "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
     "float at pos 0"),
    (lambda L: L.nn.ReflectionPad1d(1)(L.zeros(1, 2, 3, 4)), NotImplementedError,
     "Padding size 2 is not supported for 4D input tensor."),
    (lambda L: L.nn.ReflectionPad1d(3)(L.zeros(1, 2, 3)), RuntimeError,
     "Padding size should be less than the corresponding input dimension"),
    (lambda L: L.nn.ReplicationPad2d(1)(L.zeros(3, 4)), NotImplementedError,
     "Padding size 4 is not supported for 2D input tensor."),
    (lambda L: L.nn.CircularPad1d(1)(L.zeros(1, 2, 3, 4)), ValueError,
     "expected 2D or 3D input (got 4D input)"),
    (lambda L: L.nn.CircularPad2d(1)(L.zeros(3, 4)), ValueError,
     "expected 3D or 4D input (got 2D input)"),
    (lambda L: L.nn.ZeroPad2d(1)(L.zeros(4)), RuntimeError,
     "Padding length should be less than or equal to two times the input dimension but got "
     "padding length 4 and input of dimension 1"),
]


@pytest.mark.parametrize("call,exc,fragment", ERRORS)
def test_errors_match_torch(call, exc, fragment):
    with pytest.raises(exc) as theirs:
        call(torch)
    with pytest.raises(exc) as ours:
        call(minitorch)
    assert fragment in str(theirs.value), str(theirs.value)
    assert fragment in str(ours.value), str(ours.value)
