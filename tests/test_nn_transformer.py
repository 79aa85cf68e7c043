"""Transformer layers against torch with the same weights (copied via state_dict) and
dropout off: TransformerEncoderLayer / DecoderLayer (norm_first, activations, batch_first,
bias, masks), the stacks with a final norm, the full nn.Transformer, the causal mask
helper, constructor/forward errors. Outputs and every gradient (inputs and parameters)."""
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from nn_helpers import assert_close, to_mt, to_torch

import minitorch
from minitorch import nn
from minitorch.nn import functional as F

# float32: two attention blocks and LayerNorms round a little past TOL's 2e-6
F32 = {"rtol": 1e-4, "atol": 1e-5}

ACTIVATIONS = {  # name -> (minitorch's argument, torch's argument)
    "relu": ("relu", "relu"), "gelu": ("gelu", "gelu"),
    "callable": (F.silu, torch.nn.functional.silu),
}



@pytest.fixture(autouse=True)
def _seed_torch():
    """torch's weight init draws from its global RNG: seed it, so each test is reproducible
    (the hypothesis tests reseed per example)."""
    torch.manual_seed(0)

def _tol(dtype):
    return F32 if dtype == "float32" else {}


def _copy_weights(ours, theirs):
    assert list(ours.state_dict()) == list(theirs.state_dict())
    result = ours.load_state_dict({k: to_mt(v.detach().numpy())
                                   for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []


def _compare(ours, theirs, arrays, masks, dtype, seed, device="cpu"):
    """Run both on the same inputs (all requiring grad) and masks; compare the output, then
    backprop one random upstream gradient and compare the inputs' and parameters' grads."""
    rng = np.random.default_rng(seed)
    ours.to(device)
    m_in = [to_mt(a, device, requires_grad=True) for a in arrays]
    t_in = [to_torch(a, requires_grad=True) for a in arrays]
    out_m = ours(*m_in, **{k: to_mt(v, device) for k, v in masks.items()})
    out_t = theirs(*t_in, **{k: to_torch(v) for k, v in masks.items()})
    assert_close(out_m, out_t, dtype, what="output", **_tol(dtype))
    upstream = rng.standard_normal(tuple(out_t.shape)).astype(dtype)
    out_m.backward(to_mt(upstream, device))
    out_t.backward(to_torch(upstream))
    for i, (m, t) in enumerate(zip(m_in, t_in)):
        assert_close(m.grad, t.grad, dtype, what=f"grad of input {i}", **_tol(dtype))
    t_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, t_params[name].grad, dtype, what=f"grad of {name}",
                     **_tol(dtype))


@st.composite
def layer_cases(draw):
    nhead = draw(st.integers(1, 2))
    # d_model >= 4: for tiny d_model LayerNorm's output is (nearly) fixed, (+-1) or 0, and
    # the input gradient is all cancellation, which float32 rounding dominates
    return {"d_model": nhead * draw(st.integers(4 // nhead, 4)), "nhead": nhead,
            "dim_feedforward": draw(st.integers(1, 6)),
            "activation": draw(st.sampled_from(sorted(ACTIVATIONS))),
            "batch_first": draw(st.booleans()), "norm_first": draw(st.booleans()),
            "bias": draw(st.booleans()), "layer_norm_eps": draw(st.sampled_from([1e-5, 0.1])),
            "N": draw(st.integers(1, 2)), "S": draw(st.integers(1, 4)),
            "T": draw(st.integers(1, 4)),
            "masks": draw(st.sampled_from(["none", "causal", "bool", "padding"])),
            "dtype": draw(st.sampled_from(["float64", "float32"])),
            "seed": draw(st.integers(0, 2**16))}


def _layer_kwargs(case, which):
    """Constructor arguments for torch (which=1) or minitorch (which=0); dropout is on in
    the constructor and off via eval(), so the dropout modules exist but do nothing."""
    keys = ["dim_feedforward", "batch_first", "norm_first", "bias", "layer_norm_eps"]
    kwargs = {k: case[k] for k in keys}
    kwargs["activation"] = ACTIVATIONS[case["activation"]][which]
    kwargs["dropout"] = 0.3
    return kwargs


def _seq(case, length, rng):
    shape = (case["N"], length, case["d_model"]) if case["batch_first"] else (
        length, case["N"], case["d_model"])
    return rng.standard_normal(shape).astype(case["dtype"])


def _masks(case, rng, prefix, length, key_length=None):
    """Masks of the drawn kind for one attention: 'causal' (float, from the helper),
    'bool' (True = blocked; the diagonal stays open so no row is fully masked) or
    'padding' (a key_padding_mask, True = padding; the first key stays)."""
    key_length = key_length or length
    if case["masks"] == "causal" and key_length == length:
        mask = torch.nn.Transformer.generate_square_subsequent_mask(length).numpy()
        return {f"{prefix}mask": mask.astype(case["dtype"])}
    if case["masks"] == "bool":
        blocked = rng.random((length, key_length)) > 0.5
        blocked[:, 0] = False
        return {f"{prefix}mask": blocked}
    if case["masks"] == "padding":
        pad = rng.random((case["N"], key_length)) > 0.5
        pad[:, 0] = False
        return {f"{prefix}key_padding_mask": pad}
    return {}


@given(case=layer_cases())
def test_encoder_layer_matches_torch(case, device):
    rng = np.random.default_rng(case["seed"])
    torch.manual_seed(case["seed"])  # torch's init draws the weights both layers share
    dtype = case["dtype"]
    theirs = torch.nn.TransformerEncoderLayer(case["d_model"], case["nhead"],
                                              **_layer_kwargs(case, 1),
                                              dtype=getattr(torch, dtype)).eval()
    ours = nn.TransformerEncoderLayer(case["d_model"], case["nhead"], **_layer_kwargs(case, 0),
                                      dtype=getattr(minitorch, dtype)).eval()
    _copy_weights(ours, theirs)
    masks = _masks(case, rng, "src_", case["S"])
    _compare(ours, theirs, [_seq(case, case["S"], rng)], masks, dtype, case["seed"], device)


@given(case=layer_cases())
def test_decoder_layer_matches_torch(case):
    rng = np.random.default_rng(case["seed"])
    torch.manual_seed(case["seed"])  # torch's init draws the weights both layers share
    dtype = case["dtype"]
    theirs = torch.nn.TransformerDecoderLayer(case["d_model"], case["nhead"],
                                              **_layer_kwargs(case, 1),
                                              dtype=getattr(torch, dtype)).eval()
    ours = nn.TransformerDecoderLayer(case["d_model"], case["nhead"], **_layer_kwargs(case, 0),
                                      dtype=getattr(minitorch, dtype)).eval()
    _copy_weights(ours, theirs)
    masks = {**_masks(case, rng, "tgt_", case["T"]),
             **_masks(case, rng, "memory_", case["T"], case["S"])}
    arrays = [_seq(case, case["T"], rng), _seq(case, case["S"], rng)]
    _compare(ours, theirs, arrays, masks, dtype, case["seed"])


@pytest.mark.parametrize("norm_first", [False, True])
def test_stacks_match_torch(norm_first):
    """TransformerEncoder/Decoder: two layers in turn, then the final norm; in training mode
    with dropout=0.0 (the other way to turn dropout off)."""
    rng = np.random.default_rng(0)
    kwargs = {"dim_feedforward": 8, "dropout": 0.0, "norm_first": norm_first}
    t_enc = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(4, 2, **kwargs, dtype=torch.float64), 2,
        torch.nn.LayerNorm(4, dtype=torch.float64), enable_nested_tensor=False)
    m_enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, **kwargs,
                                                             dtype=minitorch.float64), 2,
                                  nn.LayerNorm(4, dtype=minitorch.float64))
    _copy_weights(m_enc, t_enc)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    _compare(m_enc, t_enc, [rng.standard_normal((5, 3, 4))], {"mask": causal.numpy()},
             "float64", 0)
    t_dec = torch.nn.TransformerDecoder(
        torch.nn.TransformerDecoderLayer(4, 2, **kwargs, dtype=torch.float64), 2,
        torch.nn.LayerNorm(4, dtype=torch.float64))
    m_dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, **kwargs,
                                                             dtype=minitorch.float64), 2,
                                  nn.LayerNorm(4, dtype=minitorch.float64))
    _copy_weights(m_dec, t_dec)
    arrays = [rng.standard_normal((5, 3, 4)), rng.standard_normal((6, 3, 4))]
    _compare(m_dec, t_dec, arrays, {"tgt_mask": causal.numpy()}, "float64", 1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_transformer_matches_torch(dtype, device):
    rng = np.random.default_rng(2)
    kwargs = {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 1,
              "dim_feedforward": 16, "dropout": 0.1, "batch_first": True}
    theirs = torch.nn.Transformer(**kwargs, dtype=getattr(torch, dtype)).eval()
    ours = nn.Transformer(**kwargs, dtype=getattr(minitorch, dtype)).eval()
    _copy_weights(ours, theirs)
    tgt_mask = torch.nn.Transformer.generate_square_subsequent_mask(
        4, dtype=getattr(torch, dtype)).numpy()
    padding = np.zeros((2, 5), dtype=bool)
    padding[1, 3:] = True
    arrays = [rng.standard_normal((2, 5, 8)).astype(dtype),
              rng.standard_normal((2, 4, 8)).astype(dtype)]
    masks = {"tgt_mask": tgt_mask, "src_key_padding_mask": padding,
             "memory_key_padding_mask": padding}
    _compare(ours, theirs, arrays, masks, dtype, 3, device)


def test_transformer_init_and_clones():
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                           dim_feedforward=16)
    theirs = torch.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2,
                                  num_decoder_layers=2, dim_feedforward=16)
    assert [(k, tuple(v.shape)) for k, v in model.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    # every matrix xavier_uniform_ (the model re-initialises all of them, out_proj included)
    w = model.encoder.layers[0].self_attn.out_proj.weight.detach().numpy()
    assert 1 / np.sqrt(8) < np.abs(w).max() <= np.sqrt(6 / 16)  # not Linear's kaiming
    layers = model.encoder.layers
    assert layers[0].linear1.weight is not layers[1].linear1.weight
    with minitorch.no_grad():
        layers[0].linear1.weight.fill_(0.0)
    assert np.abs(layers[1].linear1.weight.detach().numpy()).max() > 0


@pytest.mark.parametrize("dtype", [None, "float64"])
def test_generate_square_subsequent_mask(dtype):
    ours = nn.Transformer.generate_square_subsequent_mask(
        4, dtype=dtype and getattr(minitorch, dtype))
    theirs = torch.nn.Transformer.generate_square_subsequent_mask(
        4, dtype=dtype and getattr(torch, dtype))
    assert_close(ours, theirs, str(theirs.dtype)[6:])


def test_transformer_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    for lib in (nn, torch.nn):
        model = lib.Transformer(d_model=4, nhead=2, num_encoder_layers=1,
                                num_decoder_layers=1, dim_feedforward=8)
        module = minitorch if lib is nn else torch
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be"):
            model(module.zeros(3, 2, 4), module.zeros(3, 1, 4))
        with pytest.raises(RuntimeError, match="the feature number of src and tgt must"):
            model(module.zeros(3, 2, 4), module.zeros(3, 2, 5))
