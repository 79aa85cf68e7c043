"""The LSTM and GRU cells' elementwise parts as one op each: gates -> new state.

Why one op: written with separate ops (chunk, 3 sigmoids, 2 tanh, 3 muls, an add) a step
records ~10 graph nodes, and an LSTM over 28 time steps spends more time in that per-op
bookkeeping than in arithmetic. Forward and backward side by side, with torch's gate order:

    a = gates (N, 4H) = [a_i | a_f | a_g | a_o]
    i, f, o = sigmoid(a_i, a_f, a_o),  g = tanh(a_g)
    c' = f*c + i*g,   h' = o * tanh(c')

    dc' = grad_c' + grad_h' * o * (1 - tanh(c')^2),   do = grad_h' * tanh(c')
    d/da_i = dc' * g * i(1-i),   d/da_f = dc' * c * f(1-f)
    d/da_g = dc' * i * (1-g^2),  d/da_o = do * o(1-o),   d/dc = dc' * f

GRU, with x = gates_x = [x_r | x_z | x_n] and q = h W_hh^T + b_hh = [q_r | q_z | q_n]:

    r, z = sigmoid(x_r + q_r, x_z + q_z),  n = tanh(x_n + r * q_n),  h' = n + z * (h - n)

    da_n = grad * (1-z) * (1-n^2),  da_z = grad * (h-n) * z(1-z),  da_r = da_n * q_n * r(1-r)
    d/dx = [da_r | da_z | da_n],  d/dq = [da_r | da_z | da_n * r],  d/dh = grad * z
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from .unary import _sigmoid


class LSTMCell(Op):
    @staticmethod
    def forward(ctx, gates, c):
        xp = backend.array_module(gates)
        a_i, a_f, a_g, a_o = xp.split(gates, 4, axis=1)
        i, f, o, g = _sigmoid(xp, a_i), _sigmoid(xp, a_f), _sigmoid(xp, a_o), xp.tanh(a_g)
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
        da_o = xp.zeros_like(o) if do is None else do * o * (1 - o)
        da = xp.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f),
                             dc * i * (1 - g * g), da_o], axis=1)
        return da, dc * f


class GRUCell(Op):
    @staticmethod
    def forward(ctx, gates_x, gates_h, h):
        xp = backend.array_module(gates_x)
        x_r, x_z, x_n = xp.split(gates_x, 3, axis=1)
        q_r, q_z, q_n = xp.split(gates_h, 3, axis=1)
        r, z = _sigmoid(xp, x_r + q_r), _sigmoid(xp, x_z + q_z)
        n = xp.tanh(x_n + r * q_n)
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
