"""nn layers and nn.functional (except losses and conv/pool), checked against torch:
forward values, the gradients of inputs and parameters (random upstream gradient), reprs,
constructor signatures and error messages."""
import inspect
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from nn_helpers import assert_close, check_fn, check_module, to_mt, to_np

import minitorch
import minitorch.nn.functional as F
from minitorch import nn

DTYPES = ["float64", "float32"]
shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)
seeds = st.integers(0, 2**31 - 1)


def _data(shape, seed, dtype, scale=3.0, ties=()):
    """Random values, with a few entries set exactly to the tie points of the function."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * scale
    flat = x.reshape(-1)
    for i, v in enumerate(ties):
        if i < flat.size:
            flat[rng.integers(flat.size)] = v
    return x.astype(dtype)


# ---- activations ----
ACTIVATIONS = [
    # name, minitorch fn, torch fn, tie points (where the derivative has a kink)
    ("relu", F.relu, TF.relu, (0.0,)),
    ("relu6", F.relu6, TF.relu6, (0.0, 6.0)),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2), (0.0,)),
    ("elu", lambda x: F.elu(x, 1.5), lambda x: TF.elu(x, 1.5), (0.0,)),
    ("selu", F.selu, TF.selu, (0.0,)),
    ("celu", lambda x: F.celu(x, 0.7), lambda x: TF.celu(x, 0.7), (0.0,)),
    ("gelu", F.gelu, TF.gelu, (0.0,)),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: TF.gelu(x, approximate="tanh"), (0.0,)),
    ("sigmoid", F.sigmoid, TF.sigmoid, ()),
    ("tanh", F.tanh, TF.tanh, ()),
    ("softplus", lambda x: F.softplus(x, beta=2.0, threshold=3.0),
     lambda x: TF.softplus(x, beta=2.0, threshold=3.0), (1.5,)),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: TF.hardtanh(x, -0.5, 2.0),
     (-0.5, 2.0)),
    ("silu", F.silu, TF.silu, ()),
    ("mish", F.mish, TF.mish, ()),
    ("softsign", F.softsign, TF.softsign, (0.0,)),
    ("logsigmoid", F.logsigmoid, TF.logsigmoid, ()),
    ("threshold", lambda x: F.threshold(x, 0.5, -2.0), lambda x: TF.threshold(x, 0.5, -2.0),
     (0.5,)),
    ("softmax", lambda x: F.softmax(x, -1), lambda x: TF.softmax(x, -1), ()),
    ("softmin", lambda x: F.softmin(x, 0), lambda x: TF.softmin(x, 0), ()),
    ("log_softmax", lambda x: F.log_softmax(x, 0), lambda x: TF.log_softmax(x, 0), ()),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,fn,tfn,ties", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@given(shape=shapes, seed=seeds)
def test_activation_matches_torch(name, fn, tfn, ties, dtype, shape, seed, device):
    x = _data(shape, seed, dtype, ties=ties)
    # NOTE: torch's celu backward scales by 1/alpha rounded to float32, even for float64
    rtol = 1e-6 if name == "celu" and dtype == "float64" else None
    # float32: near-cancelling terms (gelu's 1 + tanh for x << 0) leave ~1e-6 absolute noise
    atol = 1e-5 if dtype == "float32" else None
    check_fn(fn, tfn, [x], device=device, rtol=rtol, atol=atol)


@given(seed=seeds)
def test_activations_are_stable_for_large_inputs(seed):
    x = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])
    for fn, tfn in [(F.sigmoid, TF.sigmoid), (F.softplus, TF.softplus),
                    (F.logsigmoid, TF.logsigmoid), (F.silu, TF.silu),
                    (lambda t: F.log_softmax(t, 0), lambda t: TF.log_softmax(t, 0)),
                    (lambda t: F.softmax(t, 0), lambda t: TF.softmax(t, 0))]:
        out = check_fn(fn, tfn, [x])
        assert np.isfinite(to_np(out)).all()


def test_hardsigmoid_matches_torch():
    # NOTE: torch's hardsigmoid backward multiplies by the float32 constant 1.0f/6.0f even
    # for float64 input, so the float64 gradient agrees only to ~1e-7.
    x = _data((4, 5), 0, "float64", ties=(-3.0, 3.0))
    check_fn(F.hardsigmoid, TF.hardsigmoid, [x], rtol=1e-7)


def test_prelu_matches_torch(device):
    for channels in (1, 3):
        tm = torch.nn.PReLU(channels).double()
        with torch.no_grad():
            tm.weight.uniform_(-1, 1)
        check_module(nn.PReLU(channels).double(), tm, [_data((2, 3, 4), 1, "float64",
                                                             ties=(0.0,))], device)


@pytest.mark.parametrize("fn,tfn", [
    (lambda x: F.relu(x, inplace=True), lambda x: TF.relu(x, inplace=True)),
    (lambda x: F.leaky_relu(x, 0.1, True), lambda x: TF.leaky_relu(x, 0.1, True)),
    (lambda x: F.elu(x, 1.0, True), lambda x: TF.elu(x, 1.0, True)),
    (lambda x: F.hardtanh(x, -1.0, 1.0, True), lambda x: TF.hardtanh(x, -1.0, 1.0, True)),
    (lambda x: F.relu6(x, True), lambda x: TF.relu6(x, True)),
])
def test_inplace_activations_differentiate(fn, tfn, device):
    x = _data((3, 4), 3, "float64", ties=(0.0,))

    def graph(f, lib_fn):
        def run(t):
            y = t * 2.0  # in-place on a non-leaf
            out = lib_fn(y)
            assert out is y
            return out * 3.0
        return run

    check_fn(graph(fn, fn), graph(tfn, tfn), [x], device=device)
    t = to_mt(x, device)
    assert fn(t) is t  # without autograd the input array is overwritten
    np.testing.assert_allclose(to_np(t), to_np(tfn(torch.tensor(x))))


def test_activation_modules_match_functional():
    x = _data((3, 4), 5, "float64", ties=(0.0,))
    pairs = [(nn.ReLU(), torch.nn.ReLU()), (nn.ReLU6(), torch.nn.ReLU6()),
             (nn.LeakyReLU(0.3), torch.nn.LeakyReLU(0.3)), (nn.ELU(0.5), torch.nn.ELU(0.5)),
             (nn.GELU("tanh"), torch.nn.GELU("tanh")), (nn.Sigmoid(), torch.nn.Sigmoid()),
             (nn.Tanh(), torch.nn.Tanh()), (nn.Softplus(2, 5), torch.nn.Softplus(2, 5)),
             (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
             (nn.LogSoftmax(dim=0), torch.nn.LogSoftmax(dim=0)),
             (nn.Hardtanh(-2, 2), torch.nn.Hardtanh(-2, 2)), (nn.SiLU(), torch.nn.SiLU()),
             (nn.Mish(), torch.nn.Mish()), (nn.Softsign(), torch.nn.Softsign()),
             (nn.SELU(), torch.nn.SELU()), (nn.CELU(2.0), torch.nn.CELU(2.0)),
             (nn.LogSigmoid(), torch.nn.LogSigmoid()), (nn.Softmin(1), torch.nn.Softmin(1)),
             (nn.Threshold(0.1, 20), torch.nn.Threshold(0.1, 20)),
             (nn.Identity(3, k=4), torch.nn.Identity(3, k=4))]
    for m, t in pairs:
        check_module(m, t, [x])
        assert repr(m) == repr(t)


def test_softmax_implicit_dim_warns_like_torch():
    x = _data((2, 3, 4), 0, "float64")
    for dim_input in (x[0, 0], x[0], x):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            out = F.softmax(to_mt(dim_input))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = TF.softmax(torch.tensor(dim_input))
        assert_close(out, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_dtype_argument(dtype):
    x = _data((3, 4), 0, "float32")
    out = F.log_softmax(to_mt(x), 1, dtype=getattr(minitorch, dtype))
    assert_close(out, TF.log_softmax(torch.tensor(x), 1, dtype=getattr(torch, dtype)), dtype)


# ---- linear layers ----
@pytest.mark.parametrize("dtype", DTYPES)
@given(lead=st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple),
       in_f=st.integers(1, 6), out_f=st.integers(1, 6), bias=st.booleans(), seed=seeds)
def test_linear_matches_torch(dtype, lead, in_f, out_f, bias, seed, device):
    torch.manual_seed(seed)
    t = torch.nn.Linear(in_f, out_f, bias=bias).to(getattr(torch, dtype))
    m = nn.Linear(in_f, out_f, bias=bias).to(getattr(minitorch, dtype))
    check_module(m, t, [_data(lead + (in_f,), seed, dtype)], device)


@given(lead=st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple),
       sizes=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
       bias=st.booleans(), seed=seeds)
def test_bilinear_matches_torch(lead, sizes, bias, seed, device):
    in1, in2, out = sizes
    torch.manual_seed(seed)
    t = torch.nn.Bilinear(in1, in2, out, bias=bias).double()
    check_module(nn.Bilinear(in1, in2, out, bias=bias).double(), t,
                 [_data(lead + (in1,), seed, "float64"),
                  _data(lead + (in2,), seed + 1, "float64")], device)


def test_linear_float32_stays_float32():
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Linear(8, 3))
    x = minitorch.tensor(_data((5, 4), 0, "float32"), requires_grad=True)
    out = m(x)
    F.cross_entropy(out, minitorch.tensor([0, 1, 2, 0, 1])).backward()
    assert out.dtype == minitorch.float32 and x.grad.dtype == minitorch.float32
    assert all(p.grad.dtype == minitorch.float32 for p in m.parameters())
    assert m[2].running_var.dtype == minitorch.float32


# ---- batch / layer norm ----
@pytest.mark.parametrize("cls,rank", [("BatchNorm1d", 2), ("BatchNorm1d", 3),
                                      ("BatchNorm2d", 4)])
@given(batch=st.integers(2, 4), channels=st.integers(1, 4), spatial=st.integers(1, 3),
       momentum=st.sampled_from([0.1, 0.5, None]), affine=st.booleans(),
       track=st.booleans(), seed=seeds)
def test_batchnorm_matches_torch(cls, rank, batch, channels, spatial, momentum, affine, track,
                                 seed, device):
    shape = (batch, channels) + (spatial,) * (rank - 2)
    torch.manual_seed(seed)
    kwargs = {"momentum": momentum, "affine": affine, "track_running_stats": track}
    t = getattr(torch.nn, cls)(channels, **kwargs).double()
    if affine:
        with torch.no_grad():
            t.weight.uniform_(0.5, 1.5)
            t.bias.uniform_(-1, 1)
    m = getattr(nn, cls)(channels, **kwargs).double()
    for step in range(3):  # running statistics evolve over several batches
        check_module(m, t, [_data(shape, seed + step, "float64")], device)
    if track:
        assert int(m.num_batches_tracked.item()) == 3
    t.eval()
    m.eval()
    check_module(m, t, [_data(shape, seed + 7, "float64")], device)


def test_batchnorm_float32_and_running_var_is_unbiased():
    x = _data((8, 3, 2, 2), 0, "float32", scale=2.0)
    m, t = nn.BatchNorm2d(3, momentum=1.0), torch.nn.BatchNorm2d(3, momentum=1.0)
    check_module(m, t, [x])
    np.testing.assert_allclose(to_np(m.running_var), x.var(axis=(0, 2, 3), ddof=1), rtol=1e-5)


def test_batchnorm_functional_and_errors():
    x = _data((4, 3), 0, "float64")
    rm, rv = np.zeros(3), np.ones(3)
    out = F.batch_norm(to_mt(x), to_mt(rm), to_mt(rv))
    assert_close(out, TF.batch_norm(torch.tensor(x), torch.tensor(rm), torch.tensor(rv)))
    _same_error(lambda lib, F_: F_.batch_norm(lib.rand(1, 3), lib.zeros(3), lib.ones(3),
                                              training=True))
    _same_error(lambda lib, F_: F_.batch_norm(lib.rand(2, 3), lib.zeros(4), lib.ones(4),
                                              training=True))
    _same_error(lambda lib, F_: lib.nn.BatchNorm2d(3)(lib.rand(2, 3, 4)))
    _same_error(lambda lib, F_: lib.nn.BatchNorm1d(3)(lib.rand(2, 3, 4, 5)))


@given(lead=st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple),
       norm=st.lists(st.integers(1, 4), min_size=1, max_size=2).map(tuple),
       affine=st.booleans(), seed=seeds)
def test_layernorm_matches_torch(lead, norm, affine, seed, device):
    t = torch.nn.LayerNorm(norm, elementwise_affine=affine).double()
    if affine:
        with torch.no_grad():
            t.weight.uniform_(0.5, 1.5)
            t.bias.uniform_(-1, 1)
    check_module(nn.LayerNorm(norm, elementwise_affine=affine).double(), t,
                 [_data(lead + norm, seed, "float64")], device)


# ---- embedding ----
@given(num=st.integers(1, 8), dim=st.integers(1, 4),
       idx_shape=st.lists(st.integers(1, 4), min_size=1, max_size=2).map(tuple),
       padding=st.booleans(), seed=seeds)
def test_embedding_matches_torch(num, dim, idx_shape, padding, seed, device):
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, num, idx_shape)  # repeated indices accumulate gradient
    padding_idx = int(rng.integers(-num, num)) if padding else None
    t = torch.nn.Embedding(num, dim, padding_idx=padding_idx).double()
    m = nn.Embedding(num, dim, padding_idx=padding_idx).double()
    check_module(m, t, [idx], device)
    assert m.padding_idx == t.padding_idx
    if padding:
        fresh = nn.Embedding(num, dim, padding_idx=padding_idx)
        assert fresh.weight[t.padding_idx].abs().sum().item() == 0.0


def test_embedding_from_pretrained_and_max_norm():
    w = _data((5, 3), 0, "float64")
    m = nn.Embedding.from_pretrained(to_mt(w))
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert not m.weight.requires_grad and repr(m) == repr(t)
    idx = np.array([[0, 4, 4], [1, 2, 0]])
    assert_close(m(to_mt(idx)), t(torch.tensor(idx)))
    m = nn.Embedding.from_pretrained(to_mt(w), freeze=False, max_norm=1.0)
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, max_norm=1.0)
    assert_close(m(to_mt(idx)), t(torch.tensor(idx)), rtol=1e-7)
    assert_close(m.weight, t.weight, rtol=1e-7)  # rows renormalized in place
    _same_error(lambda lib, F_: F_.embedding(lib.tensor([1, 5]), lib.rand(5, 3)))
    _same_error(lambda lib, F_: lib.nn.Embedding(5, 3, padding_idx=7))


# ---- dropout ----
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_dropout_statistics(p, device):
    x = minitorch.ones(200, 100, device=device, requires_grad=True)
    out = F.dropout(x, p)
    kept = to_np(out) != 0
    n = kept.size
    # the kept fraction is Binomial(n, 1-p): allow 5 standard deviations
    assert abs(kept.mean() - (1 - p)) <= 5 * np.sqrt(p * (1 - p) / n) + 1e-12
    if p < 1:
        np.testing.assert_allclose(to_np(out)[kept], 1 / (1 - p), rtol=1e-6)
    out.backward(minitorch.ones_like(out))
    np.testing.assert_array_equal(to_np(x.grad), to_np(out.detach()))  # same mask
    assert out.dtype == minitorch.float32


def test_dropout_modes_and_channels():
    x = minitorch.ones(8, 16, 5, 5)
    m = nn.Dropout2d(0.5)
    out = to_np(m(x))
    per_channel = out.reshape(8, 16, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1)).all()
    assert 0 < (per_channel == 0).all(-1).mean() < 1
    m.eval()
    assert m(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    d = nn.Dropout(0.3, inplace=True)
    y = minitorch.ones(50, 50)
    assert d(y) is y and 0 < (to_np(y) == 0).mean() < 0.6
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input"):
        assert F.dropout2d(minitorch.ones(2, 3, 4), training=False).shape == (2, 3, 4)
    minitorch.manual_seed(3)
    a = to_np(F.dropout(minitorch.ones(10, 10)))
    minitorch.manual_seed(3)
    np.testing.assert_array_equal(a, to_np(F.dropout(minitorch.ones(10, 10))))
    for bad in (-0.1, 1.5):
        _same_error(lambda lib, F_, bad=bad: lib.nn.Dropout(bad))
        _same_error(lambda lib, F_, bad=bad: F_.dropout(lib.ones(2), bad))


def test_dropout_keeps_float64():
    out = F.dropout(minitorch.ones(4, 4, dtype=minitorch.float64), 0.5)
    assert out.dtype == minitorch.float64


# ---- shape layers, interpolation, padding, misc ----
def test_flatten_unflatten_identity():
    x = _data((2, 3, 4, 5), 0, "float64")
    for m, t in [(nn.Flatten(), torch.nn.Flatten()), (nn.Flatten(0, 2), torch.nn.Flatten(0, 2)),
                 (nn.Unflatten(1, (3, 1)), torch.nn.Unflatten(1, (3, 1))),
                 (nn.Identity(), torch.nn.Identity())]:
        check_module(m, t, [x])
    _same_error(lambda lib, F_: lib.nn.Unflatten(1, 4))
    _same_error(lambda lib, F_: lib.nn.Unflatten(1, (2, 2.0)))


@given(n=st.integers(1, 2), c=st.integers(1, 2), h=st.integers(1, 5), w=st.integers(1, 5),
       mode=st.sampled_from(["nearest", "bilinear-ac", "bilinear"]),
       how=st.sampled_from(["size", "scale", "scale_tuple"]), seed=seeds)
def test_interpolate_2d_matches_torch(n, c, h, w, mode, how, seed, device):
    rng = np.random.default_rng(seed)
    kwargs = {"mode": mode.split("-")[0]}
    if mode != "nearest":
        kwargs["align_corners"] = mode.endswith("-ac")
    if how == "size":
        kwargs["size"] = (int(rng.integers(1, 8)), int(rng.integers(1, 8)))
    elif how == "scale":
        kwargs["scale_factor"] = float(rng.choice([0.5, 1.5, 2.0, 2.7, 3.0]))
    else:
        kwargs["scale_factor"] = (float(rng.choice([1.5, 2.0])), float(rng.choice([0.6, 3.0])))
    x = _data((n, c, h, w), seed, "float64")
    if any(int(np.floor(s * f)) == 0 for s, f in zip((h, w), np.broadcast_to(
            kwargs.get("scale_factor", 1.0), (2,)))):
        return  # an empty output is an error in torch
    check_fn(lambda t: F.interpolate(t, **kwargs), lambda t: TF.interpolate(t, **kwargs), [x],
             device=device)


@pytest.mark.parametrize("mode,ac", [("nearest", None), ("linear", False), ("linear", True)])
def test_interpolate_1d_and_upsample_modules(mode, ac, device):
    x = _data((2, 3, 5), 0, "float64")
    for kw in ({"scale_factor": 2.5}, {"size": 3}, {"size": 9}):
        check_fn(lambda t, kw=kw: F.interpolate(t, mode=mode, align_corners=ac, **kw),
                 lambda t, kw=kw: TF.interpolate(t, mode=mode, align_corners=ac, **kw), [x],
                 device=device)
    x4 = _data((1, 2, 3, 4), 1, "float32")
    for m, t in [(nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
                 (nn.Upsample(size=(5, 6), mode="bilinear"),
                  torch.nn.Upsample(size=(5, 6), mode="bilinear")),
                 (nn.UpsamplingNearest2d(scale_factor=3),
                  torch.nn.UpsamplingNearest2d(scale_factor=3)),
                 (nn.UpsamplingBilinear2d(size=7), torch.nn.UpsamplingBilinear2d(size=7))]:
        check_module(m, t, [x4], device)
        assert repr(m) == repr(t)


@given(pad_dims=st.integers(1, 2), batched=st.booleans(), data=st.data(),
       mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]), seed=seeds)
def test_pad_matches_torch(pad_dims, batched, data, mode, seed, device):
    pads = data.draw(st.lists(st.integers(0, 2), min_size=2 * pad_dims,
                              max_size=2 * pad_dims))
    x = _data((2, 3, 3, 4)[3 - pad_dims - batched:], seed, "float64")
    kw = {"value": 1.5} if mode == "constant" else {}
    check_fn(lambda t: F.pad(t, tuple(pads), mode=mode, **kw),
             lambda t: TF.pad(t, tuple(pads), mode=mode, **kw), [x], device=device)


def test_pad_constant_any_rank_and_negative():
    x = _data((2, 3, 4), 0, "float64")
    for pads in [(1, -1), (0, 0, 2, 1, 1, 0), (-1, -2, 1, 1)]:
        check_fn(lambda t, p=pads: F.pad(t, p), lambda t, p=pads: TF.pad(t, p), [x])
    _same_error(lambda lib, F_: F_.pad(lib.rand(2, 3), (1, 2, 3)))
    _same_error(lambda lib, F_: F_.pad(lib.rand(2, 3, 4, 4), (1, 1), mode="foo"))
    _same_error(lambda lib, F_: F_.pad(lib.rand(2, 3, 4, 4), (5, 5), mode="reflect"))


def test_one_hot_and_normalize():
    idx = np.array([[0, 3], [2, 2]])
    out = F.one_hot(to_mt(idx))
    assert out.dtype == minitorch.int64
    np.testing.assert_array_equal(to_np(out), TF.one_hot(torch.tensor(idx)).numpy())
    np.testing.assert_array_equal(to_np(F.one_hot(to_mt(idx), 6)),
                                  TF.one_hot(torch.tensor(idx), 6).numpy())
    for bad in (lambda lib, F_: F_.one_hot(lib.tensor([1, 5]), 3),
                lambda lib, F_: F_.one_hot(lib.tensor([1.0, 5.0])),
                lambda lib, F_: F_.one_hot(lib.tensor([1, -1]))):
        _same_error(bad)
    x = _data((3, 4), 0, "float64")
    for kw in ({}, {"p": 1.0, "dim": 0}, {"dim": -1, "eps": 1e-3}):
        check_fn(lambda t, kw=kw: F.normalize(t, **kw), lambda t, kw=kw: TF.normalize(t, **kw),
                 [x])


def test_linear_errors_match_torch():
    _same_error(lambda lib, F_: F_.linear(lib.randn(4, 3), lib.randn(2, 5)))
    _same_error(lambda lib, F_: F_.linear(lib.randn(3), lib.randn(2, 5)))
    _same_error(lambda lib, F_: F_.linear(lib.randn(4, 3), lib.randn(2, 3).double()))
    _same_error(lambda lib, F_: lib.nn.Linear(3, 4)(lib.rand(2, 5)))
    _same_error(lambda lib, F_: F_.gelu(lib.rand(3), approximate="x"))
    _same_error(lambda lib, F_: lib.nn.Hardtanh(2, 1))
    _same_error(lambda lib, F_: F_.hardtanh(lib.rand(3), 2, 1))
    _same_error(lambda lib, F_: F_.interpolate(lib.rand(2, 3, 4, 4), scale_factor=2,
                                               mode="nearest", align_corners=True))
    _same_error(lambda lib, F_: F_.interpolate(lib.rand(2, 3, 4, 4), size=3, scale_factor=2))
    _same_error(lambda lib, F_: F_.interpolate(lib.rand(2, 3, 4, 4)))
    _same_error(lambda lib, F_: F_.interpolate(lib.rand(2, 3, 4), scale_factor=2,
                                               mode="bilinear"))


def _same_error(fn):
    """fn(lib, functional) raises the same exception type and message in both libraries."""
    with pytest.raises(Exception) as ours:
        fn(minitorch, F)
    with pytest.raises(Exception) as theirs:
        fn(torch, TF)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value).replace("torch.", "minitorch."), (
        str(ours.value), str(theirs.value))


# ---- reprs, signatures, default parameters ----
MODULE_CASES = [
    ("Linear", (3, 4), {}), ("Linear", (3, 4), {"bias": False}), ("Bilinear", (2, 3, 4), {}),
    ("Identity", (), {}), ("Flatten", (), {}), ("Flatten", (0, 2), {}),
    ("Unflatten", (1, (2, 2)), {}), ("Dropout", (), {}), ("Dropout", (0.2, True), {}),
    ("Dropout2d", (0.3,), {}), ("Dropout1d", (), {}),
    ("BatchNorm1d", (3,), {}), ("BatchNorm2d", (16,), {"momentum": None, "eps": 1e-3}),
    ("BatchNorm2d", (4,), {"affine": False, "track_running_stats": False}),
    ("BatchNorm2d", (4,), {"bias": False}), ("BatchNorm3d", (2,), {}),
    ("LayerNorm", (5,), {}), ("LayerNorm", ((2, 3),), {"elementwise_affine": False}),
    ("Embedding", (10, 3), {}), ("Embedding", (10, 3), {"padding_idx": -2, "max_norm": 1.0}),
    ("Upsample", (), {"scale_factor": 2}), ("Upsample", (), {"size": 4, "mode": "bilinear"}),
    ("ReLU", (True,), {}), ("ReLU6", (), {}), ("LeakyReLU", (0.2, True), {}), ("ELU", (), {}),
    ("GELU", (), {}), ("GELU", ("tanh",), {}), ("Sigmoid", (), {}), ("Tanh", (), {}),
    ("Softplus", (), {}), ("Softmax", (1,), {}), ("LogSoftmax", (), {}), ("Hardtanh", (), {}),
    ("SiLU", (), {}), ("Mish", (True,), {}), ("Softsign", (), {}), ("PReLU", (3,), {}),
    ("SELU", (), {}), ("CELU", (), {}), ("Threshold", (0.1, 2.0), {}),
    ("MSELoss", (), {}), ("L1Loss", (), {"reduction": "sum"}), ("CrossEntropyLoss", (), {}),
    ("NLLLoss", (), {}), ("BCELoss", (), {}), ("BCEWithLogitsLoss", (), {}),
    ("SmoothL1Loss", (), {}), ("HuberLoss", (), {}), ("KLDivLoss", (), {}),
    ("Sequential", (), {}), ("ModuleList", (), {}), ("ModuleDict", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(MODULE_CASES)])
def test_module_repr_params_and_buffers_match_torch(name, args, kwargs):
    m, t = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    for (key, a), b in zip(m.state_dict().items(), t.state_dict().values()):
        assert tuple(a.shape) == tuple(b.shape) and a.dtype.name == str(b.dtype)[6:], key
    for attr in ("in_features", "out_features", "p", "inplace", "eps", "momentum",
                 "padding_idx", "reduction", "num_features", "dim", "normalized_shape"):
        if hasattr(t, attr):
            assert getattr(m, attr) == getattr(t, attr), attr


@pytest.mark.parametrize("name", sorted({c[0] for c in MODULE_CASES} | {
    "Softmin", "LogSigmoid", "Hardsigmoid", "Dropout3d", "UpsamplingNearest2d",
    "UpsamplingBilinear2d", "ParameterList", "ParameterDict"}))
def test_constructor_signature_matches_torch(name):
    ours = inspect.signature(getattr(nn, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
    assert list(ours) == list(theirs)
    for key, p in theirs.items():
        assert ours[key].default == p.default, key
        assert ours[key].kind == p.kind, key


FUNCTIONALS = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "sigmoid", "tanh",
               "softplus", "softmax", "softmin", "log_softmax", "hardtanh", "silu", "mish",
               "softsign", "logsigmoid", "threshold", "prelu", "hardsigmoid", "linear",
               "bilinear", "dropout", "dropout1d", "dropout2d", "dropout3d", "batch_norm",
               "layer_norm", "embedding", "one_hot", "pad", "interpolate", "normalize",
               "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy",
               "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
               "kl_div"]


@pytest.mark.parametrize("name", FUNCTIONALS)
def test_functional_signature_matches_torch(name):
    try:
        theirs = inspect.signature(getattr(TF, name)).parameters
    except ValueError:
        pytest.skip(f"torch's {name} is a builtin without a signature")
    ours = inspect.signature(getattr(F, name)).parameters
    assert list(ours) == list(theirs)
    for key, p in theirs.items():
        assert ours[key].default == p.default, key


@pytest.mark.parametrize("lib_name", ["Linear", "Bilinear"])
def test_default_parameter_dtype_and_device(lib_name, device):
    args = (3, 4) if lib_name == "Linear" else (2, 3, 4)
    m = getattr(nn, lib_name)(*args, dtype=minitorch.float64, device=device)
    assert all(p.dtype == minitorch.float64 and p.device.type == device
               for p in m.parameters())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())


# ---- non-Tensor inputs: a NumPy array handed to a layer ---------------------------------------
NON_TENSOR_CASES = {
    # (call, same_message): torch words conv/pool errors as "invalid combination of arguments"
    "linear_ndarray": (lambda L: L.nn.Linear(3, 2)(np.ones((2, 3), np.float32)), True),
    "linear_list": (lambda L: L.nn.functional.linear([[1.0, 2.0]], L.ones(2, 2)), True),
    "relu_ndarray": (lambda L: L.nn.functional.relu(np.ones(3)), True),
    "sigmoid_module_ndarray": (lambda L: L.nn.Sigmoid()(np.ones(3)), False),
    "cross_entropy_ndarray_target": (
        lambda L: L.nn.CrossEntropyLoss()(L.ones(2, 3), np.array([0, 1])), True),
    "mse_ndarray_input": (lambda L: L.nn.MSELoss()(np.ones(2), L.ones(2)), False),
    "conv2d_ndarray": (lambda L: L.nn.Conv2d(3, 2, 3)(np.ones((1, 3, 5, 5), np.float32)), False),
    "conv_transpose2d_ndarray": (
        lambda L: L.nn.ConvTranspose2d(3, 2, 3)(np.ones((1, 3, 5, 5), np.float32)), False),
    "max_pool2d_ndarray": (lambda L: L.nn.MaxPool2d(2)(np.ones((1, 3, 4, 4))), False),
}


@pytest.mark.parametrize("case", sorted(NON_TENSOR_CASES))
def test_non_tensor_inputs_raise_torchs_type_error(case):
    """Not an AttributeError from inside minitorch: torch's TypeError naming the type."""
    call, same_message = NON_TENSOR_CASES[case]
    with pytest.raises(TypeError) as theirs:
        call(torch)
    with pytest.raises(TypeError) as ours:
        call(minitorch)
    if same_message:
        assert str(ours.value) == str(theirs.value)
    assert "must be Tensor, not numpy.ndarray" in str(ours.value) or "not list" in str(ours.value)


@pytest.mark.parametrize("cls", ["Conv2d", "ConvTranspose2d"])
def test_zero_kernel_raises_at_forward_like_torch(cls):
    for lib in (torch, minitorch):
        layer = getattr(lib.nn, cls)(3, 4, 0)           # constructing is allowed
        with pytest.raises(RuntimeError, match="kernel size should be greater than zero, but "
                                               "got kernel_height: 0 kernel_width: 0"):
            layer(lib.ones(1, 3, 8, 8))
