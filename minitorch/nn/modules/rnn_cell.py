"""Recurrent cells -- one time step: RNNCell, LSTMCell, GRUCell -- and the step functions
that the multi-layer RNN, LSTM and GRU (rnn.py) call once per time step.

Notation: N batch, H hidden_size, G = gate rows (H for RNN, 4H for LSTM, 3H for GRU).
A step receives `gates_x` = x W_ih^T + b_ih (N, G) already computed: the layers compute it
for every time step in one matmul, so only the h-dependent part h W_hh^T + b_hh runs inside
the loop over time. A state is a tuple: (h,) for RNN and GRU, (h, c) for LSTM.
"""
from __future__ import annotations

import math

from ... import dtypes
from ...creation import empty, zeros
from ...ops.recurrent import gru_cell, lstm_cell
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


# ---- the steps: (gates_x, state, w_hh, b_hh, w_hr) -> new state ----
def rnn_tanh_step(gates_x, state, w_hh, b_hh, w_hr=None):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return (F.tanh(gates_x + F.linear(state[0], w_hh, b_hh)),)


def rnn_relu_step(gates_x, state, w_hh, b_hh, w_hr=None):
    """h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return (F.relu(gates_x + F.linear(state[0], w_hh, b_hh)),)


def lstm_step(gates_x, state, w_hh, b_hh, w_hr=None):
    """Gates in torch's row order i, f, g, o:  c' = f*c + i*g,  h' = o*tanh(c'),
    then h' = h' W_hr^T when the LSTM has a projection (proj_size > 0)."""
    h, c = state
    h, c = lstm_cell(gates_x, F.linear(h, w_hh, b_hh), c)  # ops/recurrent.py
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def gru_step(gates_x, state, w_hh, b_hh, w_hr=None):
    """Gates in torch's row order r, z, n.  The reset gate r multiplies the whole hidden
    term (W_hn h + b_hn), bias included -- torch's (and cuDNN's) GRU, not the paper's
    W_hn (r * h):
        r = sigmoid(x_r + h_r),  z = sigmoid(x_z + h_z),  n = tanh(x_n + r * h_n),
        h' = (1 - z) * n + z * h."""
    h = state[0]
    return (gru_cell(gates_x, F.linear(h, w_hh, b_hh), h),)  # ops/recurrent.py


# ---- the cell modules ----
def uniform_by_hidden_size(module):
    """torch's init for every recurrent layer: all parameters from U(-k, k),
    k = 1/sqrt(hidden_size)."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNCellBase(Module):
    """weight_ih (G, input_size), weight_hh (G, hidden_size), bias_ih and bias_hh (G,),
    all from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) as in torch."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gates = num_chunks * hidden_size
        kw = {"device": device, "dtype": dtype}
        self.weight_ih = Parameter(empty((gates, input_size), **kw))
        self.weight_hh = Parameter(empty((gates, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(empty(gates, **kw))
            self.bias_hh = Parameter(empty(gates, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        uniform_by_hidden_size(self)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _check_dims(self, input, hidden, what="hidden"):
        """torch's ValueErrors for 3-D (or 0-D) input and state."""
        name = self._get_name()
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        for i, h in enumerate(hidden):
            label = f"hx[{i}]" if what == "hx" else what
            if h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {h.dim()}D "
                                 "instead")

    def _check_sizes(self, input, hidden):
        """torch's RuntimeErrors (from its C++ cell) for sizes and dtypes that do not fit."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        for i, h in enumerate(hidden):
            if h.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match "
                                   f"hidden{i} batch size {h.size(0)}")
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got "
                                   f"{h.size(1)}, expected {self.hidden_size}")
        for t in (input,) + tuple(hidden):
            if t.dtype != self.weight_ih.dtype:
                raise RuntimeError(
                    "mat1 and mat2 must have the same dtype, but got "
                    f"{dtypes.scalar_type_name(t.dtype)} and "
                    f"{dtypes.scalar_type_name(self.weight_ih.dtype)}")

    def _step(self, step, input, hidden):
        """Batch an unbatched input (and state), check sizes, run one step, unbatch."""
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            hidden = tuple(h.unsqueeze(0) for h in hidden)
        if not hidden:
            h0 = zeros(input.size(0), self.hidden_size, dtype=input.dtype,
                       device=input.device)
            hidden = (h0,) * self._num_states
        self._check_sizes(input, hidden)
        gates_x = F.linear(input, self.weight_ih, self.bias_ih)
        out = step(gates_x, hidden, self.weight_hh, self.bias_hh)
        return out if batched else tuple(h.squeeze(0) for h in out)


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)  (or relu).

    Args:
        input_size (int), hidden_size (int), bias (bool): Default True.
        nonlinearity (str): 'tanh' (default) or 'relu'.

    Shape:
        input (N, input_size) or (input_size), hx (N, hidden_size) or (hidden_size), zeros
        if not given -> h' of hx's shape.

    >>> RNNCell(10, 20)(minitorch.randn(3, 10)).shape
    minitorch.Size([3, 20])
    """

    _num_states = 1

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        hidden = () if hx is None else (hx,)
        self._check_dims(input, hidden)
        steps = {"tanh": rnn_tanh_step, "relu": rnn_relu_step}
        if self.nonlinearity not in steps:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(steps[self.nonlinearity], input, hidden)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step: gates i, f, g, o (rows of weight_ih/weight_hh in that order);
    c' = sigmoid(f)*c + sigmoid(i)*tanh(g),  h' = sigmoid(o)*tanh(c').

    Shape:
        input (N, input_size) or (input_size); hx = (h_0, c_0), each (N, hidden_size) or
        (hidden_size), zeros if not given -> (h_1, c_1).
    """

    _num_states = 2

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        if isinstance(hx, Tensor):
            raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of "
                            "Tensors, not Tensor")
        hidden = () if hx is None else tuple(hx)
        self._check_dims(input, hidden, what="hx")
        if hx is not None and len(hidden) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        return self._step(lstm_step, input, hidden)


class GRUCell(RNNCellBase):
    """One GRU step: gates r, z, n;  n = tanh(x_n + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h.

    Shape:
        input (N, input_size) or (input_size), hx (N, hidden_size) or (hidden_size) -> h'.
    """

    _num_states = 1

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        hidden = () if hx is None else (hx,)
        self._check_dims(input, hidden)
        return self._step(gru_step, input, hidden)[0]
