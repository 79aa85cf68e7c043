"""The LSTM and GRU cells' elementwise parts as one op each: gates -> new state.

Why one op: written with separate ops (chunk, 3 sigmoids, 2 tanh, 3 muls, an add) a step
records ~10 graph nodes, and an LSTM over 28 time steps spends more time in that per-op
bookkeeping than in arithmetic. Forward and backward side by side, with torch's gate order:

    a = gates_x + gates_h (N, 4H) = [a_i | a_f | a_g | a_o]
    i, f, o = sigmoid(a_i, a_f, a_o),  g = tanh(a_g)
    c' = f*c + i*g,   h' = o * tanh(c')

    dc' = grad_c' + grad_h' * o * (1 - tanh(c')^2),   do = grad_h' * tanh(c')
    d/da_i = dc' * g * i(1-i),   d/da_f = dc' * c * f(1-f)
    d/da_g = dc' * i * (1-g^2),  d/da_o = do * o(1-o),   d/dc = dc' * f
    (d/dgates_x = d/dgates_h = d/da)

GRU, with x = gates_x = [x_r | x_z | x_n] and q = h W_hh^T + b_hh = [q_r | q_z | q_n]:

    r, z = sigmoid(x_r + q_r, x_z + q_z),  n = tanh(x_n + r * q_n),  h' = n + z * (h - n)

    da_n = grad * (1-z) * (1-n^2),  da_z = grad * (h-n) * z(1-z),  da_r = da_n * q_n * r(1-r)
    d/dx = [da_r | da_z | da_n],  d/dq = [da_r | da_z | da_n * r],  d/dh = grad * z

The same cells written with plain ops (`lstm_cell_reference`, `gru_cell_reference`) are
what `MINITORCH_REFERENCE=1` runs (`lstm_cell`/`gru_cell` choose); tests check the fused
ops against them and against torch.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from ..backends import reference
from .shape import cat


# ---- the reference cells: the textbook, one plain op (and graph node) per formula --------
def lstm_cell_reference(gates_x, gates_h, c):
    """(h', c') from the gates a = gates_x + gates_h = [a_i | a_f | a_g | a_o] (N, 4H),
    gates_x = x W_ih^T + b_ih, gates_h = h W_hh^T + b_hh, and the cell state c (N, H)."""
    a_i, a_f, a_g, a_o = (gates_x + gates_h).chunk(4, 1)
    i, f, g, o = a_i.sigmoid(), a_f.sigmoid(), a_g.tanh(), a_o.sigmoid()
    c_new = f * c + i * g
    return o * c_new.tanh(), c_new


def gru_cell_reference(gates_x, gates_h, h):
    """h' from gates_x = [x_r | x_z | x_n], gates_h = h W_hh^T + b_hh = [q_r | q_z | q_n]."""
    x_r, x_z, x_n = gates_x.chunk(3, 1)
    q_r, q_z, q_n = gates_h.chunk(3, 1)
    r, z = (x_r + q_r).sigmoid(), (x_z + q_z).sigmoid()
    n = (x_n + r * q_n).tanh()
    return (1 - z) * n + z * h


# ---- which one runs: the fused ops below, unless minitorch.backends.reference says so ----
def lstm_cell(gates_x, gates_h, c):
    """The LSTM cell: the fused `LSTMCell` op, or `lstm_cell_reference` when
    `minitorch.backends.reference.enabled` (read at every call)."""
    if reference.enabled:
        return lstm_cell_reference(gates_x, gates_h, c)
    return LSTMCell.apply(gates_x, gates_h, c)


def gru_cell(gates_x, gates_h, h):
    """The GRU cell: the fused `GRUCell` op, or `gru_cell_reference` (see `lstm_cell`)."""
    if reference.enabled:
        return gru_cell_reference(gates_x, gates_h, h)
    return GRUCell.apply(gates_x, gates_h, h)


def _sigmoid_all(xp, a, out=None):
    """sigmoid(a) = 1 / (1 + exp(-a)) (torch's formula) in one new buffer (or `out`, which
    may be `a`): a third of the passes and temporaries of ops/unary.py's two-branch form,
    for the cells' per-step gates (exp(-a) overflows to inf for very negative a, giving 0;
    Op.apply keeps NumPy quiet)."""
    s = xp.negative(a, out=out)
    xp.exp(s, out=s)
    s += 1
    return xp.reciprocal(s, out=s)


class LSTMCell(Op):
    @staticmethod
    def forward(ctx, gates_x, gates_h, c):
        xp = backend.array_module(gates_x)
        hidden = c.shape[1]
        gates = gates_x + gates_h  # here rather than as an op of its own: one node less
        # one sigmoid over all four blocks (g's part is unused): one call on a contiguous
        # array instead of three on strided column slices
        s = _sigmoid_all(xp, gates)
        i, f, o = s[:, :hidden], s[:, hidden:2 * hidden], s[:, 3 * hidden:]
        g = xp.tanh(gates[:, 2 * hidden:3 * hidden])
        c_new = f * c + i * g
        tanh_c = xp.tanh(c_new)
        ctx.save_for_backward(c)  # the caller's state: an in-place change to it must raise
        ctx.gates = (i, f, g, o, tanh_c)  # our own temporaries
        return o * tanh_c, c_new

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        (c,), (i, f, g, o, tanh_c) = ctx.saved_tensors, ctx.gates
        xp = backend.array_module(i)
        dc = xp.zeros_like(c) if grad_c is None else grad_c
        do = None
        if grad_h is not None:  # a state nobody used has no gradient
            dc = dc + grad_h * o * (1 - tanh_c * tanh_c)
            do = grad_h * tanh_c
        hidden = c.shape[1]
        da = xp.empty((c.shape[0], 4 * hidden), dtype=i.dtype)  # written in place: no concat
        da_i, da_f, da_g, da_o = (da[:, k * hidden:(k + 1) * hidden] for k in range(4))
        xp.multiply(dc * g, i * (1 - i), out=da_i)
        xp.multiply(dc * c, f * (1 - f), out=da_f)
        xp.multiply(dc * i, 1 - g * g, out=da_g)
        if do is None:
            da_o[...] = 0
        else:
            xp.multiply(do, o * (1 - o), out=da_o)
        return da, da, dc * f

    @staticmethod
    def backward_graph(ctx, grad_h, grad_c, gates_x, gates_h, c):
        """`backward` in Tensor ops (create_graph=True): the gates are recomputed from the
        inputs, so the derivatives of the gradient with respect to them are recorded."""
        a_i, a_f, a_g, a_o = (gates_x + gates_h).chunk(4, 1)
        i, f, g, o = a_i.sigmoid(), a_f.sigmoid(), a_g.tanh(), a_o.sigmoid()
        tanh_c = (f * c + i * g).tanh()
        dc = grad_c if grad_c is not None else 0 * c
        da_o = 0 * o
        if grad_h is not None:
            dc = dc + grad_h * o * (1 - tanh_c * tanh_c)
            da_o = grad_h * tanh_c * o * (1 - o)
        da = cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), da_o], 1)
        return da, da, dc * f


class GRUCell(Op):
    @staticmethod
    def forward(ctx, gates_x, gates_h, h):
        xp = backend.array_module(gates_x)
        hidden = h.shape[1]
        rz = _sigmoid_all(xp, gates_x[:, :2 * hidden] + gates_h[:, :2 * hidden])
        r, z = rz[:, :hidden], rz[:, hidden:]
        q_n = gates_h[:, 2 * hidden:]
        n = xp.tanh(gates_x[:, 2 * hidden:] + r * q_n)
        ctx.save_for_backward(h)  # the caller's state: an in-place change to it must raise
        ctx.gates = (r, z, n, q_n)  # our own temporaries
        return n + z * (h - n)

    @staticmethod
    def backward(ctx, grad):
        (h,), (r, z, n, q_n) = ctx.saved_tensors, ctx.gates
        xp = backend.array_module(grad)
        da_n = grad * (1 - z) * (1 - n * n)
        da_z = grad * (h - n) * z * (1 - z)
        da_r = da_n * q_n * r * (1 - r)
        return (xp.concatenate([da_r, da_z, da_n], axis=1),
                xp.concatenate([da_r, da_z, da_n * r], axis=1), grad * z)

    @staticmethod
    def backward_graph(ctx, grad, gates_x, gates_h, h):
        """`backward` in Tensor ops (create_graph=True), the gates recomputed from the
        inputs as in LSTMCell.backward_graph."""
        x_r, x_z, x_n = gates_x.chunk(3, 1)
        q_r, q_z, q_n = gates_h.chunk(3, 1)
        r, z = (x_r + q_r).sigmoid(), (x_z + q_z).sigmoid()
        n = (x_n + r * q_n).tanh()
        da_n = grad * (1 - z) * (1 - n * n)
        da_z = grad * (h - n) * z * (1 - z)
        da_r = da_n * q_n * r * (1 - r)
        return cat([da_r, da_z, da_n], 1), cat([da_r, da_z, da_n * r], 1), grad * z
