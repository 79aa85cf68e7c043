"""Attention against torch: F.scaled_dot_product_attention (forward, the gradients of q, k, v
and of a float mask, bool/float/causal masks, GQA, dropout), the fused op against its
composed reference, and nn.MultiheadAttention (outputs, weights, every gradient, state_dict
names both ways, init, errors), over hypothesis-drawn shapes and options."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from nn_helpers import assert_close, to_mt, to_torch

import minitorch
from minitorch import nn
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.nn import functional as F
from minitorch.ops import attention as attention_ops

# float32: a softmax over S scores and two matmuls round a little past TOL's 2e-6
F32 = {"rtol": 1e-4, "atol": 1e-5}



@pytest.fixture(autouse=True)
def _seed_torch():
    """torch's weight init draws from its global RNG: seed it, so each test is reproducible
    (the hypothesis tests reseed per example)."""
    torch.manual_seed(0)

def _tol(dtype):
    return F32 if dtype == "float32" else {}


def _backprop_and_compare(m_outs, t_outs, m_leaves, t_leaves, dtype, rng, names,
                          device="cpu"):
    """Random upstream gradients on every output, then compare each leaf's gradient."""
    m_loss = t_loss = 0
    for m, t in zip(m_outs, t_outs):
        upstream = rng.standard_normal(tuple(t.shape)).astype(dtype)
        m_loss = m_loss + (m * to_mt(upstream, device)).sum()
        t_loss = t_loss + (t * to_torch(upstream)).sum()
    m_loss.backward()
    t_loss.backward()
    for name, m, t in zip(names, m_leaves, t_leaves):
        assert m.grad is not None, f"no gradient for {name}"
        assert_close(m.grad, t.grad, dtype, what=f"grad of {name}", **_tol(dtype))


@st.composite
def sdpa_cases(draw):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    L, S = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    E, Ev = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    return {"batch": batch, "L": L, "S": S, "E": E, "Ev": Ev,
            "mask": draw(st.sampled_from([None, "bool", "float", "causal"])),
            "scale": draw(st.sampled_from([None, 0.37])),
            "dtype": draw(st.sampled_from(["float64", "float32"])),
            "seed": draw(st.integers(0, 2**16))}


@given(case=sdpa_cases())
def test_sdpa_matches_torch(case, device):
    rng = np.random.default_rng(case["seed"])
    dtype, batch, L, S = case["dtype"], case["batch"], case["L"], case["S"]
    arrays = [rng.standard_normal(batch + shape).astype(dtype)
              for shape in [(L, case["E"]), (S, case["E"]), (S, case["Ev"])]]
    m_in = [to_mt(a, device, requires_grad=True) for a in arrays]
    t_in = [to_torch(a, requires_grad=True) for a in arrays]
    kwargs_m, kwargs_t = {"scale": case["scale"]}, {"scale": case["scale"]}
    if case["mask"] == "causal":
        kwargs_m["is_causal"] = kwargs_t["is_causal"] = True
    elif case["mask"] == "bool":  # may mask whole rows: torch's output there is 0
        mask = rng.random((L, S)) > 0.4
        kwargs_m["attn_mask"], kwargs_t["attn_mask"] = to_mt(mask, device), to_torch(mask)
    elif case["mask"] == "float":  # broadcast over the leading batch dim; gets a gradient
        mask = rng.standard_normal(batch[1:] + (L, S)).astype(dtype)
        kwargs_m["attn_mask"] = to_mt(mask, device, requires_grad=True)
        kwargs_t["attn_mask"] = to_torch(mask, requires_grad=True)
        m_in.append(kwargs_m["attn_mask"])
        t_in.append(kwargs_t["attn_mask"])
    out_m = F.scaled_dot_product_attention(*m_in[:3], **kwargs_m)
    out_t = TF.scaled_dot_product_attention(*t_in[:3], **kwargs_t)
    assert_close(out_m, out_t, dtype, what="forward", **_tol(dtype))
    _backprop_and_compare([out_m], [out_t], m_in, t_in, dtype, rng,
                          ["query", "key", "value", "attn_mask"], device)


@given(batch=st.lists(st.integers(1, 3), max_size=2), L=st.integers(1, 5),
       S=st.integers(1, 5), E=st.integers(1, 4), masked=st.booleans(), drop=st.booleans(),
       seed=st.integers(0, 2**16))
def test_fused_op_matches_composed_reference(batch, L, S, E, masked, drop, seed, device):
    """The one-op forward/backward against matmul + softmax + mul + matmul, each through
    autograd: same output and the same gradients of q, k, v and the additive bias."""
    rng = np.random.default_rng(seed)
    batch = tuple(batch)
    arrays = [rng.standard_normal(batch + shape) for shape in [(L, E), (S, E), (S, E + 1)]]
    bias = rng.standard_normal((L, S))
    if masked:  # -inf entries, whole rows included
        bias[rng.random((L, S)) > 0.5] = -np.inf
    keep = (rng.random(batch + (L, S)) > 0.3) / 0.7 if drop else None
    leaves = [[to_mt(a, device, requires_grad=True) for a in arrays + [bias]]
              for _ in range(2)]
    keep_t = to_mt(keep, device) if drop else None
    fused = attention_ops.scaled_dot_product_attention(*leaves[0], keep_t, 0.6)
    composed = attention_ops.attention_reference(*leaves[1], keep_t, 0.6)
    assert_close(fused, composed, what="forward")
    upstream = to_mt(rng.standard_normal(tuple(fused.shape)), device)
    fused.backward(upstream)
    composed.backward(upstream)
    for name, a, b in zip(["q", "k", "v", "bias"], leaves[0], leaves[1]):
        assert_close(a.grad, b.grad, what=f"grad of {name}")


def test_fully_masked_rows_give_zero_output_and_gradient():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((2, 3, 4)) for _ in range(3))
    mask = np.ones((3, 3), dtype=bool)
    mask[1] = False
    m_in = [to_mt(a, requires_grad=True) for a in (q, k, v)]
    t_in = [to_torch(a, requires_grad=True) for a in (q, k, v)]
    out_m = F.scaled_dot_product_attention(*m_in, attn_mask=to_mt(mask))
    out_t = TF.scaled_dot_product_attention(*t_in, attn_mask=to_torch(mask))
    assert np.all(out_m.detach().numpy()[:, 1] == 0)
    assert_close(out_m, out_t)
    _backprop_and_compare([out_m], [out_t], m_in, t_in, "float64", rng, ["q", "k", "v"])
    assert np.all(m_in[0].grad.numpy()[:, 1] == 0)


@given(groups=st.sampled_from([1, 2, 3]), kv_heads=st.integers(1, 2),
       seed=st.integers(0, 2**16))
def test_grouped_query_attention(groups, kv_heads, seed):
    rng = np.random.default_rng(seed)
    shapes = [(2, kv_heads * groups, 3, 4), (2, kv_heads, 5, 4), (2, kv_heads, 5, 3)]
    arrays = [rng.standard_normal(s) for s in shapes]
    m_in = [to_mt(a, requires_grad=True) for a in arrays]
    t_in = [to_torch(a, requires_grad=True) for a in arrays]
    out_m = F.scaled_dot_product_attention(*m_in, enable_gqa=True)
    out_t = TF.scaled_dot_product_attention(*t_in, enable_gqa=True)
    assert_close(out_m, out_t, what="forward")
    _backprop_and_compare([out_m], [out_t], m_in, t_in, "float64", rng, ["q", "k", "v"])


def test_dropout_scales_kept_weights_and_is_reproducible():
    """Dropout draws one keep-mask per weight (float32 uniforms >= p, scaled by 1/(1-p));
    rebuilding that mask from the same seed and feeding it to the reference must agree."""
    rng = np.random.default_rng(0)
    q, k, v = (to_mt(rng.standard_normal((2, 3, 4, 5)), requires_grad=True)
               for _ in range(3))
    minitorch.manual_seed(7)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    minitorch.manual_seed(7)
    keep = (minitorch.rand((2, 3, 4, 4), dtype=minitorch.float32) >= 0.4)
    keep = keep.to(minitorch.float64) / 0.6
    assert 0 < (keep == 0).sum().item() < keep.numel()
    ref = attention_ops.attention_reference(q, k, v, None, keep, 1 / np.sqrt(5))
    assert_close(out, ref, what="dropout forward")
    assert_close(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0),
                 torch.zeros(2, 3, 4, 5, dtype=torch.float64), what="dropout_p=1")


def test_double_backward():
    rng = np.random.default_rng(0)
    inputs = [to_mt(rng.standard_normal(s), requires_grad=True)
              for s in [(2, 3, 2), (2, 4, 2), (2, 4, 3), (3, 4)]]

    def fn(q, k, v, m):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=m)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("shapes, kwargs, match", [
    ([(4,), (4,), (4,)], {}, "at least 2 dimensional"),
    ([(2, 3, 4), (2, 5, 4), (2, 5, 4)], {"attn_mask": "bool", "is_causal": True},
     "Explicit attn_mask should not be set when is_causal=True"),
    ([(2, 3, 4), (2, 5, 4), (2, 5, 4)], {"attn_mask": "int"}, "Expected attn_mask dtype"),
    ([(1, 4, 3, 4), (1, 3, 5, 4), (1, 3, 5, 4)], {"enable_gqa": True},
     "Number of heads in key and value must divide"),
    ([(2, 3, 4), (2, 5, 4), (2, 5, 4)], {"dropout_p": 1.5}, "dropout probability"),
    ([(2, 3, 4), (2, 5, 3), (2, 5, 4)], {}, "feature size"),
])
def test_sdpa_errors(shapes, kwargs, match):
    for lib, convert in [(TF, torch.from_numpy), (F, minitorch.from_numpy)]:
        q, k, v = (convert(np.ones(s)) for s in shapes)
        kw = dict(kwargs)
        if kw.get("attn_mask") == "bool":
            kw["attn_mask"] = convert(np.ones((3, 5), dtype=bool))
        elif kw.get("attn_mask") == "int":
            kw["attn_mask"] = convert(np.ones((3, 5), dtype=np.int64))
        expected = match if lib is F or match != "feature size" else "batch2"
        with pytest.raises(RuntimeError, match=expected):
            lib.scaled_dot_product_attention(q, k, v, **kw)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(minitorch.ones(2, 3), minitorch.ones(2, 3).double(),
                                       minitorch.ones(2, 3))


# ---- nn.MultiheadAttention -----------------------------------------------------------

def _mha_pair(E, H, kwargs, dtype, device="cpu"):
    theirs = torch.nn.MultiheadAttention(E, H, dtype=getattr(torch, dtype), **kwargs)
    ours = nn.MultiheadAttention(E, H, dtype=getattr(minitorch, dtype), **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    result = ours.load_state_dict({k: to_mt(v.detach().numpy())
                                   for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours.to(device), theirs


@st.composite
def mha_cases(draw):
    H, hd = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kv = draw(st.sampled_from([None, (H * hd, 2), (3, None)]))
    return {"H": H, "E": H * hd, "N": draw(st.integers(1, 3)), "L": draw(st.integers(1, 4)),
            "S": draw(st.integers(1, 4)),
            "kwargs": {"kdim": kv and kv[0], "vdim": kv and kv[1],
                       "bias": draw(st.booleans()), "add_bias_kv": draw(st.booleans()),
                       "add_zero_attn": draw(st.booleans()),
                       "batch_first": draw(st.booleans())},
            "unbatched": draw(st.booleans()),
            "key_padding_mask": draw(st.sampled_from([None, "bool", "float"])),
            "attn_mask": draw(st.sampled_from([None, "bool", "float2d", "float3d"])),
            "need_weights": draw(st.booleans()), "average": draw(st.booleans()),
            "dtype": draw(st.sampled_from(["float64", "float32"])),
            "seed": draw(st.integers(0, 2**16))}


def _mha_masks(case, rng):
    """Masks of the drawn kinds. Key 0 is never masked: a fully masked row is nan in torch's
    need_weights path (plain softmax), a case this test leaves out."""
    N, H, L, S, dtype = case["N"], case["H"], case["L"], case["S"], case["dtype"]
    masks = {}
    kind = case["key_padding_mask"]
    if kind is not None:
        pad = rng.random((S,) if case["unbatched"] else (N, S)) > 0.6
        pad[..., 0] = False
        masks["key_padding_mask"] = pad if kind == "bool" else np.where(
            pad, -np.inf, rng.standard_normal(pad.shape)).astype(dtype)
    kind = case["attn_mask"]
    if kind == "bool":
        block = rng.random((L, S)) > 0.6
        block[:, 0] = False
        masks["attn_mask"] = block
    elif kind is not None:
        shape = (L, S) if kind == "float2d" else ((1 if case["unbatched"] else N) * H, L, S)
        masks["attn_mask"] = rng.standard_normal(shape).astype(dtype)
    return masks


@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")
@given(case=mha_cases())
def test_multihead_attention_matches_torch(case, device):
    rng = np.random.default_rng(case["seed"])
    dtype, E, N, L, S = case["dtype"], case["E"], case["N"], case["L"], case["S"]
    torch.manual_seed(case["seed"])  # torch's init draws the weights both modules share
    ours, theirs = _mha_pair(E, case["H"], case["kwargs"], dtype, device)
    kdim, vdim = case["kwargs"]["kdim"] or E, case["kwargs"]["vdim"] or E

    def shape(length, features):
        if case["unbatched"]:
            return (length, features)
        return (N, length, features) if case["kwargs"]["batch_first"] else (length, N, features)
    arrays = [rng.standard_normal(shape(n, d)).astype(dtype)
              for n, d in [(L, E), (S, kdim), (S, vdim)]]
    m_in = [to_mt(a, device, requires_grad=True) for a in arrays]
    t_in = [to_torch(a, requires_grad=True) for a in arrays]
    masks = _mha_masks(case, rng)
    options = {"need_weights": case["need_weights"],
               "average_attn_weights": case["average"]}
    out_m, w_m = ours(*m_in, **{k: to_mt(v, device) for k, v in masks.items()}, **options)
    out_t, w_t = theirs(*t_in, **{k: to_torch(v) for k, v in masks.items()}, **options)
    assert_close(out_m, out_t, dtype, what="output", **_tol(dtype))
    outs_m, outs_t = [out_m], [out_t]
    if case["need_weights"]:
        assert_close(w_m, w_t, dtype, what="weights", **_tol(dtype))
        outs_m.append(w_m)
        outs_t.append(w_t)
    else:
        assert w_m is None and w_t is None
    t_params = dict(theirs.named_parameters())
    m_params = list(ours.named_parameters())
    _backprop_and_compare(outs_m, outs_t, m_in + [p for _, p in m_params],
                          t_in + [t_params[name] for name, _ in m_params], dtype, rng,
                          ["query", "key", "value"] + [name for name, _ in m_params],
                          device)


@pytest.mark.parametrize("kwargs", [{}, {"kdim": 3, "vdim": 5, "add_bias_kv": True},
                                    {"bias": False}])
def test_multihead_attention_state_dict_loads_into_torch(kwargs):
    """Our parameter names, shapes and order are torch's, so our weights load into torch
    and give torch's module our outputs."""
    ours = nn.MultiheadAttention(6, 2, dtype=minitorch.float64, **kwargs)
    theirs = torch.nn.MultiheadAttention(6, 2, dtype=torch.float64, **kwargs)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((4, 2, d)) for d in
               (6, kwargs.get("kdim", 6), kwargs.get("vdim", 6)))
    out_m, w_m = ours(to_mt(q), to_mt(k), to_mt(v))
    out_t, w_t = theirs(to_torch(q), to_torch(k), to_torch(v))
    assert_close(out_m, out_t)
    assert_close(w_m, w_t)


def test_multihead_attention_init_like_torch():
    mha = nn.MultiheadAttention(8, 2)
    assert mha.in_proj_weight.shape == (24, 8) and mha.q_proj_weight is None
    assert np.all(mha.in_proj_bias.detach().numpy() == 0)
    assert np.all(mha.out_proj.bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (8 + 24))  # xavier_uniform_ over the stacked (3E, E) matrix
    w = mha.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.5 * bound
    assert mha.in_proj_weight.dtype == minitorch.float32
    assert isinstance(mha.out_proj, nn.Linear)
    separate = nn.MultiheadAttention(8, 2, kdim=3, vdim=4, add_bias_kv=True)
    assert separate.in_proj_weight is None
    assert [tuple(p.shape) for p in (separate.q_proj_weight, separate.k_proj_weight,
                                     separate.v_proj_weight, separate.bias_k)] == [
        (8, 8), (8, 3), (8, 4), (1, 1, 8)]


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(7, 2)
    mha = nn.MultiheadAttention(4, 2)
    x = minitorch.randn(3, 2, 4)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask"):
        mha(x, x, x, attn_mask=minitorch.zeros(2, 3))
    with pytest.raises(AssertionError, match="only bool and floating types"):
        mha(x, x, x, key_padding_mask=minitorch.zeros(2, 3, dtype=minitorch.int64))
