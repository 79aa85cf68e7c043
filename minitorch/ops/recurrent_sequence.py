"""One LSTM or GRU layer over a whole sequence as a single op: what nn.LSTM (without
projection) and nn.GRU run on a padded batch (GRUSequence, at the end, works the same way).

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
Under `minitorch.backends.reference` the layers run the per-step cells instead (rnn.py).
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
        # the inputs (an in-place change to them must raise) and our own arrays, all freed
        # after backward (unless retain_graph)
        ctx.save_for_backward(h0, c0, w_hh, acts, hs, cs, tanh_cs)
        ctx.reverse = reverse
        # copies, so that changing an output in place cannot touch what backward reads
        return hs.copy(), h.copy(), c.copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        h0, c0, w_hh, acts, hs, cs, tanh_cs = ctx.saved_tensors
        xp = backend.array_module(acts)
        steps, rows, hidden = hs.shape
        # every step's previous state, in step order: (h0, c0) enter at the first step
        # the forward visited
        if ctx.reverse:
            h_prev = xp.concatenate([hs[1:], h0[None]])
            c_prev = xp.concatenate([cs[1:], c0[None]])
        else:
            h_prev = xp.concatenate([h0[None], hs[:-1]])
            c_prev = xp.concatenate([c0[None], cs[:-1]])
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


class GRUSequence(Op):
    """(gates_x (L, N, 3H) = x W_ih^T + b_ih, h0 (N, H), w_hh (3H, H), b_hh (3H,) or None)
    -> (output (L, N, H), h_n): the GRU layer as one op, as LSTMSequence. Per step, with
    q = h W_hh^T + b_hh = [q_r | q_z | q_n] (GRUCell in recurrent.py derives the backward):

        r, z = sigmoid(x_r + q_r, x_z + q_z),  n = tanh(x_n + r * q_n),  h' = n + z (h - n)

    dW_hh = dq^T H_prev and db_hh = sum(dq) over all steps, one GEMM and one sum."""

    @staticmethod
    def forward(ctx, gates_x, h0, w_hh, b_hh, reverse=False):
        xp = backend.array_module(gates_x)
        steps, hidden = gates_x.shape[0], h0.shape[1]
        # every step's r | z, n and q_n, kept for backward
        rz = xp.empty((steps, h0.shape[0], 2 * hidden), dtype=gates_x.dtype)
        hs = xp.empty((steps,) + h0.shape, dtype=h0.dtype)
        ns, q_ns = xp.empty_like(hs), xp.empty_like(hs)
        h = h0
        for t in _steps(steps, reverse):
            q = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
            _sigmoid_all(xp, gates_x[t, :, :2 * hidden] + q[:, :2 * hidden], out=rz[t])
            r, z = rz[t, :, :hidden], rz[t, :, hidden:]
            q_ns[t] = q[:, 2 * hidden:]
            xp.tanh(gates_x[t, :, 2 * hidden:] + r * q_ns[t], out=ns[t])
            xp.add(ns[t], z * (h - ns[t]), out=hs[t])
            h = hs[t]
        ctx.save_for_backward(h0, w_hh, rz, hs, ns, q_ns)  # freed after backward
        ctx.reverse = reverse
        return hs.copy(), h.copy()  # copies: see LSTMSequence

    @staticmethod
    def backward(ctx, grad_out, grad_h):
        h0, w_hh, rz, hs, ns, q_ns = ctx.saved_tensors
        xp = backend.array_module(rz)
        steps, rows, hidden = hs.shape
        h_prev = (xp.concatenate([hs[1:], h0[None]]) if ctx.reverse
                  else xp.concatenate([h0[None], hs[:-1]]))
        r, z = rz[:, :, :hidden], rz[:, :, hidden:]
        # the factors that don't depend on the carried gradient, for all steps at once
        n_by_dh = (1 - z) * (1 - ns * ns)       # da_n = dh * this
        z_by_dh = (h_prev - ns) * z * (1 - z)   # da_z = dh * this
        r_by_dn = q_ns * r * (1 - r)            # da_r = da_n * this
        dh = xp.zeros_like(h0) if grad_h is None else grad_h
        dgx = xp.empty(rz.shape[:2] + (3 * hidden,), dtype=rz.dtype)  # d gates_x
        dq = xp.empty_like(dgx)  # d(h W_hh^T + b_hh): as dgx, but da_n * r in n's block
        for t in reversed(_steps(steps, ctx.reverse)):
            if grad_out is not None:
                dh = dh + grad_out[t]
            da_r, da_z, da_n = (dgx[t, :, k * hidden:(k + 1) * hidden] for k in range(3))
            xp.multiply(dh, n_by_dh[t], out=da_n)
            xp.multiply(dh, z_by_dh[t], out=da_z)
            xp.multiply(da_n, r_by_dn[t], out=da_r)
            dq[t, :, :2 * hidden] = dgx[t, :, :2 * hidden]
            xp.multiply(da_n, r[t], out=dq[t, :, 2 * hidden:])
            dh = dh * z[t] + dq[t] @ w_hh
        flat = dq.reshape(-1, 3 * hidden)
        grad_w = flat.T @ h_prev.reshape(-1, hidden) if ctx.needs_input_grad[2] else None
        grad_b = flat.sum(axis=0) if ctx.needs_input_grad[3] else None
        return dgx, dh, grad_w, grad_b

    @staticmethod
    def backward_graph(ctx, grad_out, grad_h, gates_x, h0, w_hh, b_hh):
        """`backward` in Tensor ops (create_graph=True), the forward recomputed step by
        step from the inputs, as in LSTMSequence.backward_graph."""
        steps, reverse = gates_x.shape[0], ctx.reverse
        saved, h = {}, h0
        for t in _steps(steps, reverse):
            q = h.matmul(w_hh.t()) if b_hh is None else h.matmul(w_hh.t()) + b_hh
            x_r, x_z, x_n = gates_x[t].chunk(3, 1)
            q_r, q_z, q_n = q.chunk(3, 1)
            r, z = (x_r + q_r).sigmoid(), (x_z + q_z).sigmoid()
            n = (x_n + r * q_n).tanh()
            saved[t] = (r, z, n, q_n, h)
            h = n + z * (h - n)
        dh = 0 * h0 if grad_h is None else grad_h
        dgx, dq = [None] * steps, [None] * steps
        for t in reversed(_steps(steps, reverse)):
            r, z, n, q_n, h_prev = saved[t]
            if grad_out is not None:
                dh = dh + grad_out[t]
            da_n = dh * (1 - z) * (1 - n * n)
            da_z = dh * (h_prev - n) * z * (1 - z)
            da_r = da_n * q_n * r * (1 - r)
            dgx[t] = cat([da_r, da_z, da_n], 1)
            dq[t] = cat([da_r, da_z, da_n * r], 1)
            dh = dh * z + dq[t].matmul(w_hh)
        hidden = h0.shape[1]
        dq = stack(dq).reshape(-1, 3 * hidden)
        h_prev = stack([saved[t][4] for t in range(steps)]).reshape(-1, hidden)
        grad_b = None if b_hh is None else dq.sum(0)
        return stack(dgx), dh, dq.t().matmul(h_prev), grad_b
