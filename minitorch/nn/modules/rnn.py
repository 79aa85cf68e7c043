"""Multi-layer recurrent layers: RNN (tanh or relu), LSTM (with optional projection), GRU.

Notation: L sequence length, N batch, H_in input_size, H hidden_size, D = 2 if
bidirectional else 1, H_out = proj_size or H.

How a forward runs (the same code for padded tensors and PackedSequence):
  1. the input becomes `data`, time-major rows (sum(batch_sizes), H_in), and `batch_sizes`,
     how many sequences are still running at each time step (all N for a padded tensor);
  2. for each layer and direction, one matmul gives every step's input term x W_ih^T + b_ih
     (+ b_hh, except for the GRU); the loop over time runs only the h-dependent part: for
     the LSTM (without projection) and the GRU on a padded batch, inside one op over all
     steps (ops/recurrent_sequence.py); otherwise, and in reference mode, one step function
     from rnn_cell.py per step;
  3. the reverse direction walks the steps backwards; the directions' outputs are joined
     along the feature dim and become the next layer's input (after dropout when training).
"""
from __future__ import annotations

import numbers
import warnings

from ... import ops
from ...backends import reference
from ...creation import empty, zeros
from ...ops.recurrent_sequence import GRUSequence, LSTMSequence
from .. import functional as F
from ..module import Module
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .rnn_cell import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step, uniform_by_hidden_size

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_STEPS = {"RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step, "LSTM": lstm_step,
          "GRU": gru_step}


def _check_init_args(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                     proj_size):
    """torch's constructor errors, in torch's order."""
    if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
            or not 0 <= dropout <= 1):
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                      "non-zero dropout expects num_layers greater than 1, but got "
                      f"dropout={dropout} and num_layers={num_layers}", stacklevel=4)
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                              ("input_size", input_size, int)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type {kind.__name__}, got: "
                            f"{type(value).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable "
                         "projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


def _reject_proj_size(kwargs):
    """RNN and GRU take no proj_size; torch says so with a ValueError."""
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if kwargs:
        raise TypeError(f"__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _resize_state(state, rows, h0):
    """The state of the first `rows` sequences: drop finished rows, or append the initial
    state of sequences that start now (the reverse direction of a packed batch)."""
    if rows < state[0].size(0):
        return tuple(s[:rows] for s in state)
    if rows > state[0].size(0):
        return tuple(ops.cat([s, s0[s.size(0):rows]]) for s, s0 in zip(state, h0))
    return state


def _run_direction(step, gates_x, h0, batch_sizes, weights, reverse):
    """Runs one layer in one direction.  gates_x: (sum(batch_sizes), G), every step's
    x W_ih^T + b_ih;  h0: the initial state tuple (each (N, .)).
    Returns the outputs (sum(batch_sizes), H_out) and the final state (each (N, .))."""
    steps = gates_x.split(batch_sizes)
    outputs = [None] * len(steps)
    if reverse:  # sequences join as we walk back: the longest ones start at the end
        state = _resize_state(h0, batch_sizes[-1], h0)
        for t in reversed(range(len(steps))):
            state = _resize_state(state, batch_sizes[t], h0)
            state = step(steps[t], state, *weights)
            outputs[t] = state[0]
        return ops.cat(outputs), state
    state, finished = h0, []  # finished: final states of sequences that ended earlier
    for t in range(len(steps)):
        if batch_sizes[t] < state[0].size(0):
            finished.append(tuple(s[batch_sizes[t]:] for s in state))
            state = _resize_state(state, batch_sizes[t], h0)
        state = step(steps[t], state, *weights)
        outputs[t] = state[0]
    if finished:  # the longest sequences come first in the batch
        parts = [state] + finished[::-1]
        state = tuple(ops.cat(pieces) for pieces in zip(*parts))
    return ops.cat(outputs), state


def _run_sequence(mode, gates_x, h0, w_hh, b_hh, steps, reverse):
    """`_run_direction` for the LSTM or GRU as one op over all `steps` (b_hh is None for
    the LSTM: it is in gates_x already)."""
    gates_x = gates_x.reshape(steps, -1, gates_x.shape[-1])
    if mode == "LSTM":
        out, *state = LSTMSequence.apply(gates_x, h0[0], h0[1], w_hh, reverse=reverse)
    else:
        out, *state = GRUSequence.apply(gates_x, h0[0], w_hh, b_hh, reverse=reverse)
    return out.reshape(-1, out.shape[-1]), tuple(state)


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, their checks, and the layer loop.

    Parameters, per layer k and direction (suffix '' or '_reverse'), as in torch:
        weight_ih_l{k} (G*H, H_in for k = 0 else D*H_out), weight_hh_l{k} (G*H, H_out),
        bias_ih_l{k}, bias_hh_l{k} (G*H,), weight_hr_l{k} (H_out, H) when proj_size > 0;
    G = 1 (RNN), 4 (LSTM), 3 (GRU); all from U(-1/sqrt(H), 1/sqrt(H)).
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        _check_init_args(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         proj_size)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        kw = {"device": device, "dtype": dtype}
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
            for direction in range(num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = {"weight_ih": (gate_size, layer_input_size),
                          "weight_hh": (gate_size, real_hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for kind, shape in shapes.items():
                    setattr(self, kind + suffix, Parameter(empty(shape, **kw)))
                    names.append(kind + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters grouped per layer and direction, in torch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op, as in torch on the CPU (it packs weights for cuDNN)."""

    def reset_parameters(self):
        uniform_by_hidden_size(self)

    def extra_repr(self):
        # torch lists the arguments that differ from their defaults, in this order
        defaults = (("proj_size", 0), ("num_layers", 1), ("bias", True),
                    ("batch_first", False), ("dropout", 0), ("bidirectional", False))
        return f"{self.input_size}, {self.hidden_size}" + "".join(
            f", {name}={getattr(self, name)}" for name, default in defaults
            if getattr(self, name) != default)

    # ---- forward ----
    def _state_sizes(self):
        """The feature size of each state tensor: h, and c for the LSTM."""
        h_out = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (h_out, self.hidden_size) if self.mode == "LSTM" else (h_out,)

    def _check_input(self, input, packed):
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight.dtype}). Convert input: input.to({weight.dtype}), or "
                             f"convert model: model.to({input.dtype})")
        expected_dim = 2 if packed else 3
        if input.dim() != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.dim()}")
        if input.size(-1) != self.input_size:
            raise RuntimeError("input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def _check_hidden(self, hidden, batch):
        layers = self.num_layers * (2 if self.bidirectional else 1)
        for i, (h, size) in enumerate(zip(hidden, self._state_sizes())):
            expected = (layers, batch, size)
            if tuple(h.shape) != expected:
                what = f"hidden[{i}]" if self.mode == "LSTM" else "hidden"
                raise RuntimeError(f"Expected {what} size {expected}, got {list(h.shape)}")

    def _run_layers(self, data, batch_sizes, hidden):
        """data (sum(batch_sizes), H_in), hidden: state tuple, each (num_layers*D, N, .)
        -> output (sum(batch_sizes), D*H_out), final states (each (num_layers*D, N, .))."""
        if len(batch_sizes) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        num_directions = 2 if self.bidirectional else 1
        step = _STEPS[self.mode]
        initial = list(zip(*(h.unbind(0) for h in hidden)))  # one state tuple per layer+dir
        finals = []
        layer_input = data
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
                if b_hh is not None and self.mode != "GRU":
                    # b_hh joins the input term once for all steps, not once per step (the
                    # GRU's b_hn sits inside r * (h W_hn^T + b_hn), so it stays in the step)
                    b_ih, b_hh = b_ih + b_hh, None
                gates_x = F.linear(layer_input, w_ih, b_ih)  # all time steps in one matmul
                if self._whole_sequence(batch_sizes, w_hr):
                    out, state = _run_sequence(self.mode, gates_x, initial[index], w_hh, b_hh,
                                               len(batch_sizes), direction == 1)
                else:
                    out, state = _run_direction(step, gates_x, initial[index], batch_sizes,
                                                (w_hh, b_hh, w_hr), reverse=direction == 1)
                outputs.append(out)
                finals.append(state)
            layer_input = outputs[0] if num_directions == 1 else ops.cat(outputs, 1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, tuple(ops.stack(states) for states in zip(*finals))

    def _whole_sequence(self, batch_sizes, w_hr):
        """Whether a layer runs as one op over all steps (recurrent_sequence.py): an LSTM
        without projection or a GRU, on a padded batch (every step the same rows), outside
        reference mode, which keeps the textbook per-step cells (read at every call)."""
        return (self.mode in ("LSTM", "GRU") and w_hr is None and not reference.enabled
                and batch_sizes[0] == batch_sizes[-1])

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(getattr(self, kind + suffix, None) for kind in
                     ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def _forward(self, input, hidden):
        """The forward for RNN, GRU (hidden = (h_0,) or ()) and LSTM (hidden = (h_0, c_0)).
        Returns the output and the final state tuple."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        layers = self.num_layers * (2 if self.bidirectional else 1)
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch_sizes = [int(b) for b in batch_sizes.tolist()]
            batch = batch_sizes[0] if batch_sizes else 0
            if hidden and sorted_indices is not None:  # hx follows the user's batch order
                hidden = tuple(h.index_select(1, sorted_indices) for h in hidden)
            self._check_input(data, packed=True)
        else:
            if input.dim() not in (2, 3):
                tensor = " tensor" if name == "RNN" else ""
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D"
                                 f"{tensor} instead")
            batched = input.dim() == 3
            _check_hidden_dims(self.mode, hidden, batched)
            if not batched:
                input = input.unsqueeze(1 if not self.batch_first else 0)
                hidden = tuple(h.unsqueeze(1) for h in hidden)
            if self.batch_first:
                input = input.transpose(0, 1)
            self._check_input(input, packed=False)
            length, batch = input.shape[0], input.shape[1]
            data = input.reshape(length * batch, input.shape[2])
            batch_sizes = [batch] * length
        if not hidden:
            hidden = tuple(zeros(layers, batch, size, dtype=data.dtype, device=data.device)
                           for size in self._state_sizes())
        self._check_hidden(hidden, batch)
        output, final = self._run_layers(data, batch_sizes, hidden)
        if isinstance(input, PackedSequence):
            if unsorted_indices is not None:
                final = tuple(h.index_select(1, unsorted_indices) for h in final)
            return PackedSequence(output, input.batch_sizes, sorted_indices,
                                  unsorted_indices), final
        output = output.reshape(length, batch, output.shape[-1])
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(0 if self.batch_first else 1)
            final = tuple(h.squeeze(1) for h in final)
        return output, final


def _check_hidden_dims(mode, hidden, batched):
    """torch's errors for a 2-D hx with batched input, or a 3-D one with unbatched input."""
    want = 3 if batched else 2
    if all(h.dim() == want for h in hidden):
        return
    kind = "batched 3-D" if batched else "unbatched 2-D"
    if mode == "LSTM":
        raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                           f"({hidden[0].dim()}-D, {hidden[1].dim()}-D) tensors")
    raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                       f"{hidden[0].dim()}-D tensor")


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)  (or relu).

    Args:
        input_size (int): features of x.  hidden_size (int): features of h.
        num_layers (int): stacked layers, each reading the previous one's output.
            Default: 1.
        nonlinearity (str): 'tanh' (default) or 'relu'.
        bias (bool): use b_ih and b_hh. Default: True.
        batch_first (bool): input and output are (N, L, .) instead of (L, N, .).
            Default: False.
        dropout (float): dropout on the outputs of every layer but the last, in training.
        bidirectional (bool): also run each layer from the last step to the first.

    Shape:
        input (L, N, H_in), (N, L, H_in) if batch_first, (L, H_in) unbatched, or a
        PackedSequence;  h_0 (D*num_layers, N, H) or (D*num_layers, H), zeros if not given.
        output (L, N, D*H) (or batch_first/unbatched alike);  h_n (D*num_layers, N, H).

    >>> output, h_n = RNN(10, 20, 2)(minitorch.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    (minitorch.Size([5, 3, 20]), minitorch.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None,
                 **kwargs):
        _reject_proj_size(kwargs)
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, () if hx is None else (hx,))
        return output, h_n


class LSTM(RNNBase):
    """LSTM: gates i, f, g, o = split(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, 4);
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g),  h_t = sigmoid(o) * tanh(c_t),
    and h_t = h_t W_hr^T when proj_size > 0.

    Args: as RNN (no nonlinearity), plus proj_size (int): size of the projected h.
        Default: 0 (no projection).

    Shape:
        input as RNN;  hx = (h_0, c_0): h_0 (D*num_layers, N, H_out),
        c_0 (D*num_layers, N, H), zeros if not given.
        output (L, N, D*H_out);  (h_n, c_n) shaped like (h_0, c_0).

    >>> output, (h_n, c_n) = LSTM(28, 64, batch_first=True)(minitorch.randn(8, 28, 28))
    >>> output.shape, c_n.shape
    (minitorch.Size([8, 28, 64]), minitorch.Size([1, 8, 64]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self._forward(input, () if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """GRU: gates r, z, n;  r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),  z likewise,
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}.

    Args and shapes: as RNN (no nonlinearity).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        _reject_proj_size(kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, () if hx is None else (hx,))
        return output, h_n
