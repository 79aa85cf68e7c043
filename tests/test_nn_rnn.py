"""Recurrent layers (RNN, LSTM, GRU and their cells) and nn.utils.rnn against torch: the same
weights, random inputs, outputs and every gradient (input, h0/c0, all parameters, with a
random upstream gradient on each output), over hypothesis-drawn configurations; state_dict
keys, reprs, constructor and forward errors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from nn_helpers import assert_close, to_mt, to_torch

import minitorch
from minitorch import nn
from minitorch.nn.utils import rnn as rnn_utils
from minitorch.ops import recurrent

DTYPES = ["float64", "float32"]
# float32: a few steps of recurrence accumulate rounding beyond TOL's 2e-6 absolute
F32 = {"rtol": 1e-4, "atol": 1e-5}


def _tol(dtype):
    return F32 if dtype == "float32" else {}


def _pair(name, args, kwargs, dtype, device="cpu"):
    """The torch layer and a minitorch twin holding the same weights (via load_state_dict),
    on `device`."""
    theirs = getattr(torch.nn, name)(*args, **kwargs, dtype=getattr(torch, dtype))
    ours = getattr(nn, name)(*args, **kwargs, dtype=getattr(minitorch, dtype))
    result = ours.load_state_dict({k: to_mt(v.detach().numpy())
                                   for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours.to(device), theirs


def _states(out):
    """(output, h_n) or (output, (h_n, c_n)) -> a flat list of tensors."""
    output, hidden = out
    return [output] + (list(hidden) if isinstance(hidden, tuple) else [hidden])


def _compare(ours, theirs, m_inputs, t_inputs, dtype, rng, call=None, device="cpu"):
    """Runs both, compares the outputs, then backpropagates the same random upstream
    gradients and compares the gradients of the inputs and of every parameter."""
    call = call or (lambda module, inputs: module(*inputs))
    m_outs, t_outs = _states(call(ours, m_inputs)), _states(call(theirs, t_inputs))
    assert len(m_outs) == len(t_outs)
    m_loss = t_loss = 0
    for i, (m, t) in enumerate(zip(m_outs, t_outs)):
        assert_close(m, t, dtype, what=f"output {i}", **_tol(dtype))
        upstream = rng.standard_normal(tuple(t.shape)).astype(dtype)
        m_loss = m_loss + (m * to_mt(upstream, device)).sum()
        t_loss = t_loss + (t * to_torch(upstream)).sum()
    m_loss.backward()
    t_loss.backward()
    for i, (m, t) in enumerate(zip(_leaves(m_inputs), _leaves(t_inputs))):
        assert_close(m.grad, t.grad, dtype, what=f"grad of input {i}", **_tol(dtype))
    t_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, t_params[name].grad, dtype, what=f"grad of {name}", **_tol(dtype))


def _leaves(inputs):
    flat = []
    for x in inputs:
        flat.extend(x if isinstance(x, tuple) else [] if x is None else [x])
    return [x for x in flat if x.requires_grad]


def _inputs(arrays, device="cpu"):
    """The same arrays as (minitorch, torch) leaves that require grad; tuples stay tuples."""
    def convert(a, fn):
        if a is None:
            return None
        if isinstance(a, tuple):
            return tuple(fn(x, requires_grad=True) for x in a)
        return fn(a, requires_grad=True)
    def mt_leaf(a, requires_grad):
        return to_mt(a, device, requires_grad)
    return [convert(a, mt_leaf) for a in arrays], [convert(a, to_torch) for a in arrays]


# ---- multi-layer RNN / LSTM / GRU ----
@st.composite
def rnn_configs(draw):
    kind = draw(st.sampled_from(["RNN", "RNN_relu", "LSTM", "GRU"]))
    hidden_size = draw(st.integers(1, 4))
    kwargs = {"num_layers": draw(st.integers(1, 3)), "bias": draw(st.booleans()),
              "batch_first": draw(st.booleans()), "bidirectional": draw(st.booleans()),
              "dropout": draw(st.sampled_from([0.0, 0.5]))}
    if kind == "RNN_relu":
        kind, kwargs["nonlinearity"] = "RNN", "relu"
    if kind == "LSTM" and hidden_size > 1:
        kwargs["proj_size"] = draw(st.integers(0, hidden_size - 1))
    return {"kind": kind, "input_size": draw(st.integers(1, 4)), "hidden_size": hidden_size,
            "kwargs": kwargs, "length": draw(st.integers(1, 4)), "batch": draw(st.integers(1, 3)),
            "unbatched": draw(st.booleans()), "with_h0": draw(st.booleans()),
            "seed": draw(st.integers(0, 2**31 - 1))}


def _hidden_arrays(cfg, rng, dtype):
    """h0 (and c0 for the LSTM), shaped for the config, or None."""
    if not cfg["with_h0"]:
        return None
    kw = cfg["kwargs"]
    layers = kw["num_layers"] * (2 if kw["bidirectional"] else 1)
    batch = () if cfg["unbatched"] else (cfg["batch"],)
    h_out = kw.get("proj_size") or cfg["hidden_size"]
    h0 = rng.standard_normal((layers,) + batch + (h_out,)).astype(dtype)
    if cfg["kind"] != "LSTM":
        return h0
    return h0, rng.standard_normal((layers,) + batch + (cfg["hidden_size"],)).astype(dtype)


@pytest.mark.parametrize("cells", ["fused", "reference"])
@pytest.mark.parametrize("dtype", DTYPES)
@given(cfg=rnn_configs())
def test_rnn_layers_match_torch(cfg, dtype, device, cells):
    """Dropout > 0 is drawn too: in eval mode it is off, as in torch. `cells`: the fused
    LSTM/GRU cell ops, or their composed reference (minitorch.backends.reference)."""
    with minitorch.backends.reference.flags(enabled=cells == "reference"):
        _rnn_layers_match_torch(cfg, dtype, device)


def _rnn_layers_match_torch(cfg, dtype, device):
    rng = np.random.default_rng(cfg["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout with num_layers=1 warns
        ours, theirs = _pair(cfg["kind"], (cfg["input_size"], cfg["hidden_size"]),
                             cfg["kwargs"], dtype, device)
    ours.eval()
    theirs.eval()
    shape = (cfg["length"], cfg["batch"])
    if cfg["kwargs"]["batch_first"]:
        shape = shape[::-1]
    if cfg["unbatched"]:
        shape = (cfg["length"],)
    x = rng.standard_normal(shape + (cfg["input_size"],)).astype(dtype)
    m_in, t_in = _inputs([x, _hidden_arrays(cfg, rng, dtype)], device)
    _compare(ours, theirs, m_in, t_in, dtype, rng, device=device)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers_only_in_training(name):
    ours = getattr(nn, name)(3, 4, num_layers=2, dropout=0.5)
    x = minitorch.randn(5, 2, 3)
    ours.eval()
    first = _states(ours(x))[0]
    assert minitorch.equal(first, _states(ours(x))[0])  # eval: deterministic, no dropout
    ours.train()
    outs = [_states(ours(x))[0] for _ in range(3)]
    assert not minitorch.equal(outs[0], outs[1]) or not minitorch.equal(outs[1], outs[2])


@pytest.mark.parametrize("name, kwargs", [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("LSTM", {"num_layers": 3, "bias": False}), ("LSTM", {"proj_size": 2, "bidirectional": True}),
    ("GRU", {"num_layers": 2, "bidirectional": True, "batch_first": True}),
])
def test_state_dict_keys_shapes_and_repr_match_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(3, 5, **kwargs), getattr(torch.nn, name)(3, 5, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (key, p), t in zip(ours.named_parameters(), theirs.parameters()):
        assert tuple(p.shape) == tuple(t.shape), key
        assert p.dtype == minitorch.float32
    assert repr(ours) == repr(theirs)
    # torch's init: every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))
    values = np.concatenate([p.detach().numpy().ravel() for p in ours.parameters()])
    assert np.abs(values).max() <= 1 / np.sqrt(5) and values.std() > 0.2
    # a minitorch checkpoint loads into torch
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


def test_lstm_for_morvan_mnist_shapes():
    out, (h_n, c_n) = nn.LSTM(28, 64, batch_first=True)(minitorch.randn(8, 28, 28))
    assert out.shape == (8, 28, 64) and h_n.shape == (1, 8, 64) and c_n.shape == (1, 8, 64)


# ---- cells ----
@pytest.mark.parametrize("cells", ["fused", "reference"])
@pytest.mark.parametrize("dtype", DTYPES)
@given(kind=st.sampled_from(["RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell"]),
       input_size=st.integers(1, 4), hidden_size=st.integers(1, 4), batch=st.integers(0, 3),
       bias=st.booleans(), with_hx=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_cells_match_torch(kind, input_size, hidden_size, batch, bias, with_hx, seed, dtype,
                           device, cells):
    """batch 0 means an unbatched input (input_size,)."""
    with minitorch.backends.reference.flags(enabled=cells == "reference"):
        _cells_match_torch(kind, input_size, hidden_size, batch, bias, with_hx, seed, dtype,
                           device)


def _cells_match_torch(kind, input_size, hidden_size, batch, bias, with_hx, seed, dtype,
                       device):
    rng = np.random.default_rng(seed)
    kwargs = {"bias": bias}
    if kind == "RNNCell_relu":
        kind, kwargs["nonlinearity"] = "RNNCell", "relu"
    ours, theirs = _pair(kind, (input_size, hidden_size), kwargs, dtype, device)
    lead = (batch,) if batch else ()
    x = rng.standard_normal(lead + (input_size,)).astype(dtype)
    hx = None
    if with_hx:
        hx = rng.standard_normal(lead + (hidden_size,)).astype(dtype)
        if kind == "LSTMCell":
            hx = (hx, rng.standard_normal(lead + (hidden_size,)).astype(dtype))
    m_in, t_in = _inputs([x, hx], device)

    def call(module, inputs):  # cells return h' or (h', c'); _states wants (output, hidden)
        out = module(*inputs)
        return (out[0], out[1:]) if isinstance(out, tuple) else (out, ())
    _compare(ours, theirs, m_in, t_in, dtype, rng, call, device)


@given(kind=st.sampled_from(["lstm", "gru"]), batch=st.integers(1, 3),
       hidden_size=st.integers(1, 4), drop=st.sampled_from([None, 0, 1]),
       seed=st.integers(0, 2**31 - 1))
def test_fused_cell_ops_match_their_reference(kind, batch, hidden_size, drop, seed):
    """ops/recurrent.py: the fused LSTMCell/GRUCell ops against the composed reference
    cells, outputs and gradients of every input; `drop` leaves that LSTM output unused
    (its gradient None, which the fused backward handles itself)."""
    rng = np.random.default_rng(seed)
    drop = drop if kind == "lstm" else None  # the GRU cell has one output
    gates = 4 if kind == "lstm" else 3
    shapes = [(batch, gates * hidden_size)] * 2 + [(batch, hidden_size)]
    arrays = [rng.standard_normal(shape) for shape in shapes]
    results = []
    for fn in ((recurrent.LSTMCell.apply, recurrent.lstm_cell_reference) if kind == "lstm"
               else (recurrent.GRUCell.apply, recurrent.gru_cell_reference)):
        inputs = [to_mt(a, requires_grad=True) for a in arrays]
        outs = fn(*inputs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        upstream = np.random.default_rng(seed + 1)
        loss = sum((o * to_mt(upstream.standard_normal(tuple(o.shape)))).sum()
                   for n, o in enumerate(outs) if n != drop)
        loss.backward()
        results.append([o.detach() for o in outs] + [x.grad for x in inputs])
    for n, (fused, ref) in enumerate(zip(*results)):
        np.testing.assert_allclose(fused.numpy(), ref.numpy(), rtol=1e-12, atol=1e-14,
                                   err_msg=f"result {n}")


@pytest.mark.parametrize("cells", ["fused", "reference"])
@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
def test_cells_second_derivatives_match_torch(kind, cells):
    """create_graph=True through the cells (the fused ops' backward_graph, or the composed
    reference): g = d sum(v * out) / d(x, h, c, params), then d sum(w * g) / d(the same)."""
    rng = np.random.default_rng(0)
    batch, hidden = 3, 4
    arrays = [rng.standard_normal((batch, 2))] + [
        rng.standard_normal((batch, hidden)) for _ in range(2 if kind == "LSTMCell" else 1)]
    v = [rng.standard_normal((batch, hidden)) for _ in range(2)]
    ours, theirs = _pair(kind, (2, hidden), {}, "float64")
    results = []
    for lib, cell in ((minitorch, ours), (torch, theirs)):
        with minitorch.backends.reference.flags(enabled=cells == "reference"):
            x, *state = [lib.tensor(a, requires_grad=True) for a in arrays]
            outs = cell(x, tuple(state) if kind == "LSTMCell" else state[0])
            outs = outs if isinstance(outs, tuple) else (outs,)
            leaves = [x, *state, *cell.parameters()]
            upstream = [lib.tensor(a) for a in v[:len(outs)]]
            grads = lib.autograd.grad(outs, leaves, upstream, create_graph=True)
            w = [lib.tensor(rng_w) for rng_w in _weights_like(grads)]
            total = sum((g * wi).sum() for g, wi in zip(grads, w))
            second = lib.autograd.grad(total, leaves)
        results.append([g.detach() for g in grads] + [d.detach() for d in second])
    for n, (m, t) in enumerate(zip(*results)):
        assert_close(m, t, "float64", what=f"result {n} (first order, then second)")


@pytest.mark.parametrize("cells", ["fused", "reference"])
@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2, "bidirectional": True},
                                    {"batch_first": True, "bias": False}])
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_layer_second_derivatives_match_torch(name, kwargs, cells):
    """create_graph=True through nn.LSTM and nn.GRU: the whole-sequence ops'
    backward_graph (fused), or the per-step reference cells; first and second
    derivatives against torch."""
    rng = np.random.default_rng(0)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    shape = (2, 3, 2) if kwargs.get("batch_first") else (3, 2, 2)  # L = 3, N = 2
    arrays = [rng.standard_normal(shape), rng.standard_normal((layers, 2, 4)),
              rng.standard_normal((layers, 2, 4))][:3 if name == "LSTM" else 2]
    ours, theirs = _pair(name, (2, 4), kwargs, "float64")
    results = []
    for lib, layer in ((minitorch, ours), (torch, theirs)):
        with minitorch.backends.reference.flags(enabled=cells == "reference"):
            x, *state = [lib.tensor(a, requires_grad=True) for a in arrays]
            out, final = layer(x, tuple(state) if name == "LSTM" else state[0])
            outs = [out, *final] if name == "LSTM" else [out, final]
            leaves = [x, *state, *layer.parameters()]
            upstream = [lib.tensor(a) for a in _weights_like(outs)]
            grads = lib.autograd.grad(outs, leaves, upstream, create_graph=True)
            w = [lib.tensor(a) for a in _weights_like(grads)]
            second = lib.autograd.grad(sum((g * wi).sum() for g, wi in zip(grads, w)), leaves)
        results.append([g.detach() for g in grads] + [d.detach() for d in second])
    for n, (m, t) in enumerate(zip(*results)):
        assert_close(m, t, "float64", what=f"result {n} (first order, then second)")


def _graph_ops(tensor):
    """The names of the graph nodes behind `tensor`."""
    seen, stack = {}, [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and id(node) not in seen:
            seen[id(node)] = node.name()
            stack.extend(n for n, _ in node.next_functions)
    return set(seen.values())


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("name,kwargs", [("LSTM", {}), ("GRU", {}), ("RNN", {}),
                                         ("LSTM", {"proj_size": 2})])
def test_layers_run_one_sequence_op_unless_reference_or_packed(name, kwargs, packed):
    """nn.LSTM (without projection) and nn.GRU on a padded batch run each layer as one
    node (ops/recurrent_sequence.py); reference mode, a packed batch of unequal lengths,
    the projected LSTM and the plain RNN keep the per-step cells."""
    layer = getattr(nn, name)(3, 4, **kwargs)
    x = minitorch.randn(5, 2, 3)
    if packed:
        x = rnn_utils.pack_padded_sequence(x, [5, 3])
    whole = name in ("LSTM", "GRU") and not kwargs
    for reference in (False, True):
        with minitorch.backends.reference.flags(enabled=reference):
            out = layer(x)[0]
        nodes = _graph_ops(out.data if packed else out)
        expected = whole and not reference and not packed
        assert (f"{name}SequenceBackward0" in nodes) == expected, nodes


# (the GRU raises too, but torch words it as an in-place change of an unbind view)
@pytest.mark.parametrize("name,which", [("LSTM", "h0"), ("LSTM", "c0")])
def test_initial_state_modified_in_place_raises_like_torch(name, which):
    """The whole-sequence op saves the initial state: changing it in place before
    backward raises torch's error."""
    messages = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        layer = getattr(lib.nn, name)(3, 4)
        h0, c0 = lib.randn(1, 2, 4, requires_grad=True), lib.randn(1, 2, 4, requires_grad=True)
        h0, c0 = h0 * 1, c0 * 1
        out, _ = layer(lib.randn(5, 2, 3), (h0, c0) if name == "LSTM" else h0)
        (h0 if which == "h0" else c0).mul_(2)
        with pytest.raises(RuntimeError) as info:
            out.sum().backward()
        messages.append(str(info.value).split(": [")[0])
    assert messages[0].endswith("has been modified by an inplace operation")
    assert messages[0] == messages[1]


def _weights_like(tensors):
    rng = np.random.default_rng(1)
    return [rng.standard_normal(tuple(t.shape)) for t in tensors]


@pytest.mark.parametrize("kind,which", [("LSTMCell", "h"), ("LSTMCell", "c"), ("GRUCell", "h")])
def test_cell_state_modified_in_place_raises_like_torch(kind, which):
    """The fused steps (ops/recurrent.py) save the caller's state (LSTM's c, GRU's h):
    changing it in place before backward must raise torch's error."""
    messages = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        cell = getattr(lib.nn, kind)(3, 4)
        x, h = lib.randn(2, 3), lib.randn(2, 4, requires_grad=True)
        c = lib.randn(2, 4, requires_grad=True)
        h2, c2 = h * 1, c * 1
        out = cell(x, (h2, c2)) if kind == "LSTMCell" else (cell(x, h2),)
        (h2 if which == "h" else c2).mul_(2)
        with pytest.raises(RuntimeError) as info:
            sum(o.sum() for o in out).backward()
        messages.append(str(info.value).split(": [")[0])  # the tails word the tensor
    assert messages[0].endswith("has been modified by an inplace operation")  # differently
    assert messages[0] == messages[1]


def test_cell_reprs_and_keys_match_torch():
    for name, kwargs in [("RNNCell", {"nonlinearity": "relu", "bias": False}),
                         ("LSTMCell", {}), ("GRUCell", {"bias": False})]:
        ours, theirs = getattr(nn, name)(3, 5, **kwargs), getattr(torch.nn, name)(3, 5, **kwargs)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())


# ---- errors ----
def _same_error(fn):
    """fn(lib) raises the same exception type and message with minitorch and with torch."""
    with pytest.raises(Exception) as ours:
        fn(minitorch)
    with pytest.raises(Exception) as theirs:
        fn(torch)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value).replace("torch.", "minitorch."), (
        str(ours.value), str(theirs.value))


def _lstm_hx(lib, h_shape, c_shape):
    return (lib.zeros(*h_shape), lib.zeros(*c_shape))


FORWARD_ERRORS = [
    lambda lib: lib.nn.RNN(3, 5)(lib.zeros(4, 2, 4)),
    lambda lib: lib.nn.LSTM(3, 5, batch_first=True)(lib.zeros(2, 4, 4)),
    lambda lib: lib.nn.GRU(3, 5)(lib.zeros(4, 4)),
    lambda lib: lib.nn.RNN(3, 5)(lib.zeros(4, 2, 3, 1)),
    lambda lib: lib.nn.LSTM(3, 5)(lib.zeros(4)),
    lambda lib: lib.nn.GRU(3, 5)(lib.zeros(4, 2, 3, 1)),
    lambda lib: lib.nn.RNN(3, 5, 2)(lib.zeros(4, 2, 3), lib.zeros(2, 3, 5)),
    lambda lib: lib.nn.GRU(3, 5, 2)(lib.zeros(4, 2, 3), lib.zeros(2, 5)),
    lambda lib: lib.nn.RNN(3, 5, 2)(lib.zeros(4, 3), lib.zeros(2, 2, 5)),
    lambda lib: lib.nn.GRU(3, 5, 2)(lib.zeros(4, 3), lib.zeros(2, 6)),
    lambda lib: lib.nn.LSTM(3, 5, 2)(lib.zeros(4, 2, 3), _lstm_hx(lib, (2, 3, 5), (2, 2, 5))),
    lambda lib: lib.nn.LSTM(3, 5, 2)(lib.zeros(4, 2, 3), _lstm_hx(lib, (2, 2, 5), (2, 2, 6))),
    lambda lib: lib.nn.LSTM(3, 5, 2)(lib.zeros(4, 2, 3), _lstm_hx(lib, (2, 5), (2, 2, 6))),
    lambda lib: lib.nn.LSTM(3, 5, 2)(lib.zeros(4, 3), _lstm_hx(lib, (2, 2, 5), (2, 2, 6))),
    lambda lib: lib.nn.LSTM(3, 5, proj_size=2)(lib.zeros(4, 2, 3),
                                               _lstm_hx(lib, (1, 2, 5), (1, 2, 5))),
    lambda lib: lib.nn.LSTM(3, 5)(lib.zeros(4, 2, 3, dtype=lib.float64)),
    lambda lib: lib.nn.GRU(3, 5)(lib.zeros(0, 2, 3)),
    lambda lib: lib.nn.RNNCell(3, 5)(lib.zeros(2, 4)),
    lambda lib: lib.nn.GRUCell(3, 5)(lib.zeros(2, 3), lib.zeros(3, 5)),
    lambda lib: lib.nn.RNNCell(3, 5)(lib.zeros(2, 3), lib.zeros(2, 6)),
    lambda lib: lib.nn.LSTMCell(3, 5)(lib.zeros(2, 3), _lstm_hx(lib, (2, 5), (2, 6))),
    lambda lib: lib.nn.LSTMCell(3, 5)(lib.zeros(2, 3), lib.zeros(2, 5)),
    lambda lib: lib.nn.GRUCell(3, 5)(lib.zeros(2, 3, 1)),
    lambda lib: lib.nn.RNNCell(3, 5)(lib.zeros(2, 3), lib.zeros(1, 2, 5)),
    lambda lib: lib.nn.LSTMCell(3, 5)(lib.zeros(3), (lib.zeros(5), lib.zeros(1, 1, 5))),
    lambda lib: lib.nn.GRUCell(3, 5)(lib.zeros(2, 3, dtype=lib.float64)),
    lambda lib: lib.nn.RNNCell(3, 5, nonlinearity="sigmoid")(lib.zeros(2, 3)),
]

CONSTRUCTOR_ERRORS = [
    lambda lib: lib.nn.RNN(3, 5, dropout=1.5),
    lambda lib: lib.nn.LSTM(3, 5, dropout=True),
    lambda lib: lib.nn.RNN(3, 5, nonlinearity="sigmoid"),
    lambda lib: lib.nn.RNN(3, 5, proj_size=2),
    lambda lib: lib.nn.GRU(3, 5, proj_size=2),
    lambda lib: lib.nn.LSTM(3, 5, proj_size=5),
    lambda lib: lib.nn.LSTM(3, 5, proj_size=-1),
    lambda lib: lib.nn.LSTM(3, 5, num_layers=0),
    lambda lib: lib.nn.GRU(3.0, 5),
    lambda lib: lib.nn.GRU(0, 5),
    lambda lib: lib.nn.RNN(3, 5.0),
    lambda lib: lib.nn.RNN(3, 0),
    lambda lib: lib.nn.LSTM(3, 5, bias=1),
    lambda lib: lib.nn.LSTM(3, 5, batch_first=None),
]


@pytest.mark.parametrize("fn", FORWARD_ERRORS + CONSTRUCTOR_ERRORS,
                         ids=range(len(FORWARD_ERRORS + CONSTRUCTOR_ERRORS)))
def test_errors_match_torch(fn):
    _same_error(fn)


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning) as ours:
        nn.LSTM(3, 5, dropout=0.2)
    with pytest.warns(UserWarning) as theirs:
        torch.nn.LSTM(3, 5, dropout=0.2)
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # points at the caller, not at minitorch


def test_empty_batch_gives_empty_output():
    out, h_n = nn.GRU(3, 5, 2)(minitorch.zeros(4, 0, 3))
    assert out.shape == (4, 0, 5) and h_n.shape == (2, 0, 5)


# ---- nn.utils.rnn: padding and packing ----
@st.composite
def sequence_batches(draw):
    """Lengths of a batch of sequences, their trailing shape, and a seed."""
    lengths = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    trailing = draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    return lengths, trailing, draw(st.integers(0, 2**31 - 1))


def _sequences(lengths, trailing, seed, dtype="float64"):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n,) + trailing).astype(dtype) for n in lengths]
    return ([to_mt(a, requires_grad=True) for a in arrays],
            [to_torch(a, requires_grad=True) for a in arrays])


def _backward_same(m_out, t_out, seed=0):
    upstream = np.random.default_rng(seed).standard_normal(tuple(t_out.shape))
    upstream = upstream.astype(str(t_out.dtype).replace("torch.", ""))
    m_out.backward(to_mt(upstream))
    t_out.backward(to_torch(upstream))


@given(batch=sequence_batches(), batch_first=st.booleans(),
       padding_value=st.sampled_from([0.0, -1.5]), padding_side=st.sampled_from(["right", "left"]))
def test_pad_sequence_matches_torch(batch, batch_first, padding_value, padding_side):
    m_seqs, t_seqs = _sequences(*batch)
    m_out = rnn_utils.pad_sequence(m_seqs, batch_first, padding_value, padding_side)
    t_out = torch.nn.utils.rnn.pad_sequence(t_seqs, batch_first, padding_value, padding_side)
    assert_close(m_out, t_out, what="padded")
    _backward_same(m_out, t_out)
    for m, t in zip(m_seqs, t_seqs):
        assert_close(m.grad, t.grad, what="grad")


@given(batch=sequence_batches(), batch_first=st.booleans(), enforce_sorted=st.booleans(),
       total_extra=st.sampled_from([None, 0, 2]))
def test_pack_and_pad_packed_match_torch(batch, batch_first, enforce_sorted, total_extra):
    lengths, trailing, seed = batch
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    m_seqs, t_seqs = _sequences(lengths, trailing, seed)
    m_padded = rnn_utils.pad_sequence(m_seqs, batch_first)
    t_padded = torch.nn.utils.rnn.pad_sequence(t_seqs, batch_first)
    m_packed = rnn_utils.pack_padded_sequence(m_padded, lengths, batch_first, enforce_sorted)
    t_packed = torch.nn.utils.rnn.pack_padded_sequence(t_padded, lengths, batch_first,
                                                       enforce_sorted)
    assert m_packed.batch_sizes.tolist() == t_packed.batch_sizes.tolist()
    assert m_packed.batch_sizes.dtype == minitorch.int64
    if len(set(lengths)) == len(lengths):  # with ties torch's (unstable) sort may differ
        assert_close(m_packed.data, t_packed.data, what="packed data")
        for name in ("sorted_indices", "unsorted_indices"):
            ours, theirs = getattr(m_packed, name), getattr(t_packed, name)
            assert (ours is None) == (theirs is None), name
            if ours is not None:
                assert ours.tolist() == theirs.tolist(), name
    total = None if total_extra is None else max(lengths) + total_extra
    m_out, m_lengths = rnn_utils.pad_packed_sequence(m_packed, batch_first, -2.0, total)
    t_out, t_lengths = torch.nn.utils.rnn.pad_packed_sequence(t_packed, batch_first, -2.0, total)
    assert_close(m_out, t_out, what="unpacked")
    assert m_lengths.tolist() == t_lengths.tolist() and m_lengths.dtype == minitorch.int64
    _backward_same(m_out, t_out)
    for m, t in zip(m_seqs, t_seqs):
        assert_close(m.grad, t.grad, what="grad")
    unpacked = rnn_utils.unpack_sequence(rnn_utils.pack_sequence(m_seqs, enforce_sorted))
    for m, original in zip(unpacked, m_seqs):
        assert minitorch.equal(m, original.detach())


@pytest.mark.parametrize("dtype", DTYPES)
@given(cfg=rnn_configs(), batch=sequence_batches(), enforce_sorted=st.booleans())
def test_rnn_layers_on_packed_sequences_match_torch(cfg, batch, enforce_sorted, dtype, device):
    """Packed input: each sequence stops at its own length, its h_n is the state at its last
    step, the reverse direction starts at that step; hx and h_n follow the caller's order."""
    lengths, _, seed = batch
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    cfg = dict(cfg, batch=len(lengths), unbatched=False)
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _pair(cfg["kind"], (cfg["input_size"], cfg["hidden_size"]),
                             cfg["kwargs"], dtype, device)
    ours.eval()
    theirs.eval()
    batch_first = cfg["kwargs"]["batch_first"]
    shape = (len(lengths), max(lengths)) if batch_first else (max(lengths), len(lengths))
    x = rng.standard_normal(shape + (cfg["input_size"],)).astype(dtype)
    m_in, t_in = _inputs([x, _hidden_arrays(cfg, rng, dtype)], device)

    def call(module, inputs):  # compare the packed output's data (and the final states)
        lib = rnn_utils if module is ours else torch.nn.utils.rnn
        packed = lib.pack_padded_sequence(inputs[0], lengths, batch_first, enforce_sorted)
        output, hidden = module(packed, inputs[1])
        assert isinstance(output, lib.PackedSequence)
        padded, _ = lib.pad_packed_sequence(output, batch_first)
        return padded, hidden
    _compare(ours, theirs, m_in, t_in, dtype, rng, call, device)


PACKING_ERRORS = [
    lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [2, 3, 1]),
    lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 2, 0]),
    lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 2]),
    lambda lib: lib.nn.utils.rnn.pack_sequence([lib.zeros(2), lib.zeros(3)]),
    lambda lib: lib.nn.utils.rnn.pad_packed_sequence(
        lib.nn.utils.rnn.pack_sequence([lib.zeros(3), lib.zeros(2)]), total_length=2),
    lambda lib: lib.nn.utils.rnn.pad_sequence([]),
    lambda lib: lib.nn.utils.rnn.pad_sequence(5),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.zeros(2), lib.zeros(3)], padding_side="up"),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.zeros(2, 3), lib.zeros(3, 4)]),
    lambda lib: lib.nn.GRU(3, 5)(lib.nn.utils.rnn.pack_sequence([lib.zeros(2, 3)]),
                                 lib.zeros(1, 2, 5)),
]


@pytest.mark.parametrize("fn", PACKING_ERRORS, ids=range(len(PACKING_ERRORS)))
def test_packing_errors_match_torch(fn):
    _same_error(fn)


def test_bad_packed_input_raises_where_torch_computes_garbage():
    """torch reads past the end of its input for a length longer than the padded input, and
    runs an LSTM on packed rows of the wrong width; minitorch raises instead."""
    with pytest.raises(RuntimeError, match="longest length"):
        rnn_utils.pack_padded_sequence(minitorch.zeros(4, 3, 2), [5, 2, 1])
    with pytest.raises(RuntimeError, match="input.size.-1. must be equal to input_size. "
                                           "Expected 3, got 4"):
        nn.LSTM(3, 5)(rnn_utils.pack_sequence([minitorch.zeros(2, 4)]))
