"""One LSTM layer over a whole sequence as a single op: what nn.LSTM runs on a padded batch.

Why: run step by step, every time step records a linear and a cell node, and the backward
of the linear computes its own small weight gradient, so over L steps the graph bookkeeping
and L little weight-gradient GEMMs cost more than the arithmetic. Here the recurrence loops
over arrays and leaves one graph node; backward walks it in reverse and, as cuDNN and torch
do, gets the gradient of W_hh from ONE GEMM over all steps:

    dW_hh = sum_t da_t^T h_{t-1} = da^T H_prev,   da (L*N, 4H), H_prev (L*N, H)

The cell's formulas (gates in torch's order i, f, g, o) are those of `LSTMCell` in
recurrent.py, where they are derived:

    a_t = gates_x[t] + h_{t-1} W_hh^T,  i, f, o = sigmoid(a_i, a_f, a_o),  g = tanh(a_g)
    c_t = f*c_{t-1} + i*g,  h_t = o * tanh(c_t)

Notation: L steps, N batch, H hidden_size. gates_x (L, N, 4H) is x W_ih^T + b_ih + b_hh
for every step, computed by one matmul before the op (so its gradient is one GEMM too).
Under `minitorch.backends.reference` nn.LSTM runs the per-step cells instead (rnn.py).
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .recurrent import _sigmoid_all
from .shape import cat, stack


def _steps(count, reverse):
    """The time steps in the order the forward visits them."""
    return range(count - 1, -1, -1) if reverse else range(count)


class LSTMSequence(Op):
    """(gates_x (L, N, 4H), h0 (N, H), c0 (N, H), w_hh (4H, H)) -> (output (L, N, H) with
    every step's h, h_n, c_n); `reverse` runs from the last step to the first."""

    @staticmethod
    def forward(ctx, gates_x, h0, c0, w_hh, reverse=False):
        xp = backend.array_module(gates_x)
        hidden = h0.shape[1]
        acts = xp.empty_like(gates_x)  # every step's i, f, g, o, kept for backward
        hs = xp.empty((gates_x.shape[0],) + h0.shape, dtype=h0.dtype)
        cs, tanh_cs = xp.empty_like(hs), xp.empty_like(hs)
        h, c = h0, c0
        for t in _steps(gates_x.shape[0], reverse):
            a = acts[t]
            xp.add(gates_x[t], h @ w_hh.T, out=a)
            g = xp.tanh(a[:, 2 * hidden:3 * hidden])
            _sigmoid_all(xp, a, out=a)  # all four blocks at once; g's is overwritten next
            a[:, 2 * hidden:3 * hidden] = g
            i, f, o = a[:, :hidden], a[:, hidden:2 * hidden], a[:, 3 * hidden:]
            xp.multiply(f, c, out=cs[t])
            cs[t] += i * g
            xp.tanh(cs[t], out=tanh_cs[t])
            xp.multiply(o, tanh_cs[t], out=hs[t])
            h, c = hs[t], cs[t]
        ctx.save_for_backward(h0, c0, w_hh)  # the caller's: an in-place change must raise
        ctx.states, ctx.reverse = (acts, hs, cs, tanh_cs), reverse  # our own arrays
        # copies, so that changing an output in place cannot touch what backward reads
        return hs.copy(), h.copy(), c.copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        (h0, c0, w_hh), (acts, hs, cs, tanh_cs) = ctx.saved_tensors, ctx.states
        xp = backend.array_module(acts)
        steps, rows, hidden = hs.shape
        # every step's previous state, in step order: (h0, c0) enter at the first step
        # the forward visited
        if ctx.reverse:
            h_prev, c_prev = xp.concatenate([hs[1:], h0[None]]), xp.concatenate([cs[1:], c0[None]])
        else:
            h_prev, c_prev = xp.concatenate([h0[None], hs[:-1]]), xp.concatenate([c0[None], cs[:-1]])
        # Everything but dh and dc is known before the reverse loop, so those factors are
        # computed for all steps at once (vectorized), and a step is five multiply-adds
        # and the GEMM that carries dh back:
        #   da_i, da_f, da_g = dc * [g i(1-i) | c_prev f(1-f) | i (1-g^2)],
        #   da_o = dh * tanh(c) o(1-o),   dc += dh * o (1-tanh(c)^2)
        gate = acts.reshape(steps, rows, 4, hidden)
        i, f, g, o = gate[:, :, 0], gate[:, :, 1], gate[:, :, 2], gate[:, :, 3]
        by_dc = xp.empty((steps, rows, 3, hidden), dtype=acts.dtype)
        xp.multiply(g, i * (1 - i), out=by_dc[:, :, 0])
        xp.multiply(c_prev, f * (1 - f), out=by_dc[:, :, 1])
        xp.multiply(i, 1 - g * g, out=by_dc[:, :, 2])
        o_by_dh = tanh_cs * o * (1 - o)
        c_by_dh = o * (1 - tanh_cs * tanh_cs)
        dh = xp.zeros_like(h0) if grad_h is None else grad_h
        dc = xp.zeros_like(c0) if grad_c is None else grad_c
        da = xp.empty_like(acts)
        da_gate = da.reshape(steps, rows, 4, hidden)
        for t in reversed(_steps(steps, ctx.reverse)):
            if grad_out is not None:
                dh = dh + grad_out[t]
            dc = dc + dh * c_by_dh[t]
            xp.multiply(dc[:, None], by_dc[t], out=da_gate[t, :, :3])
            xp.multiply(dh, o_by_dh[t], out=da_gate[t, :, 3])
            dc = dc * f[t]
            dh = da[t] @ w_hh
        grad_w = None
        if ctx.needs_input_grad[3]:  # one GEMM over all steps
            grad_w = da.reshape(-1, 4 * hidden).T @ h_prev.reshape(-1, hidden)
        return da, dh, dc, grad_w

    @staticmethod
    def backward_graph(ctx, grad_out, grad_h, grad_c, gates_x, h0, c0, w_hh):
        """`backward` in Tensor ops (create_graph=True): the forward is recomputed step by
        step from the inputs, so the derivatives of the gradients are recorded."""
        steps, reverse = gates_x.shape[0], ctx.reverse
        saved, h, c = {}, h0, c0
        for t in _steps(steps, reverse):
            a_i, a_f, a_g, a_o = (gates_x[t] + h.matmul(w_hh.t())).chunk(4, 1)
            i, f, g, o = a_i.sigmoid(), a_f.sigmoid(), a_g.tanh(), a_o.sigmoid()
            c_prev, h_prev = c, h
            c = f * c + i * g
            tanh_c = c.tanh()
            h = o * tanh_c
            saved[t] = (i, f, g, o, h_prev, c_prev, tanh_c)
        dh = 0 * h0 if grad_h is None else grad_h
        dc = 0 * c0 if grad_c is None else grad_c
        da = [None] * steps
        for t in reversed(_steps(steps, reverse)):
            i, f, g, o, _, c_prev, tanh_c = saved[t]
            if grad_out is not None:
                dh = dh + grad_out[t]
            dc = dc + dh * o * (1 - tanh_c * tanh_c)
            da[t] = cat([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                         dc * i * (1 - g * g), dh * tanh_c * o * (1 - o)], 1)
            dc = dc * f
            dh = da[t].matmul(w_hh)
        da = stack(da)
        hidden = h0.shape[1]
        h_prev = stack([saved[t][4] for t in range(steps)])
        grad_w = da.reshape(-1, 4 * hidden).t().matmul(h_prev.reshape(-1, hidden))
        return da, dh, dc, grad_w
