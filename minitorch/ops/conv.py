"""Conv2d and ConvTranspose2d: im2col + one matrix product, forward and backward side by side.

Notation as in `im2col.py` (N C H W OC KH KW SH SW PH PW DH DW OH OW G K).
With `cols` (K, N*OH*OW) the im2col matrix of x and the weight seen as (OC, K):

    conv2d:        out    = weight @ cols                       (N, OC, OH, OW)
    grad weight:   grad_w = grad_out @ cols.T                   (OC, K)
    grad input:    grad_x = col2im(weight.T @ grad_out)         (N, C, H, W)

Groups split K and OC into G blocks; one batched matmul over the G blocks does them all.

The conv/transpose duality, written once and used both ways: conv_transpose2d's forward
IS conv2d's input gradient (`conv2d_grad_input`), and its input gradient IS conv2d's
forward (`conv2d_forward`); both weight gradients are `conv2d_grad_weight`.

Speed (NumPy): the batch is processed in chunks whose column matrix fits in the CPU
cache (`CHUNK_BYTES`), so im2col writes and the GEMM reads stay in cache; a chunk is
still one large GEMM. Backward rebuilds the columns instead of keeping them from
forward (cheaper than a round trip through memory, and saves K*N*OH*OW floats).
On CuPy the whole batch is one chunk.
"""
from __future__ import annotations

import threading

from .. import backend
from ..autograd.function import Op
from .im2col import col2im, geometry, im2col, pad_flat, unpad

CHUNK_BYTES = 4 << 20  # ~ a quarter of the L3 cache; 2-8 MB measure the same

_scratch = threading.local()  # .buffers: (name, dtype) -> reusable 1-D NumPy work buffer


def _work_buffer(xp, name, size, dtype):
    """A 1-D scratch array of `size` numbers, reused across calls on NumPy.

    Why: a fresh multi-MB array is new memory from the OS, and touching it costs one
    page fault per 4 KB (~2.5 ms per 4 MB here, more than the im2col copy itself).
    Only internal buffers that never escape the op use this; CuPy has its own pool.
    """
    if xp.__name__ != "numpy":
        return xp.empty(size, dtype=dtype)
    buffers = _scratch.__dict__.setdefault("buffers", {})  # one set per thread
    key = (name, xp.dtype(dtype).str)
    buf = buffers.get(key)
    if buf is None or buf.size < size:
        buf = buffers[key] = xp.empty(size, dtype=dtype)
    return buf[:size]


def _chunks(xp, n_total, bytes_per_sample):
    """(start, stop) ranges over the batch: cache-sized on NumPy, everything on CuPy."""
    if xp.__name__ != "numpy" or n_total == 0:
        return [(0, n_total)]
    step = max(1, CHUNK_BYTES // max(bytes_per_sample, 1))
    return [(n0, min(n_total, n0 + step)) for n0 in range(0, n_total, step)]


def _wide_grad(grad_out, g, n0, n1, buf):
    """grad_out[n0:n1] as (OC, n, OH, OWC), zero in the extra wide columns."""
    oc = grad_out.shape[1]
    wide = buf[: oc * (n1 - n0) * g.OH * g.OWC].reshape(oc, n1 - n0, g.OH, g.OWC)
    if g.OWC != g.OW:
        wide[..., g.OW:] = 0  # these columns are garbage in im2col; they must add nothing
    wide[..., : g.OW] = grad_out[n0:n1].transpose(1, 0, 2, 3)
    return wide


def conv2d_forward(x, weight, g, groups):
    """out[n, o] = sum_{c,kh,kw} weight[o, c, kh, kw] * x_pad[n, c, oh*SH+kh*DH, ow*SW+kw*DW].

    Args: x (N, C, H, W); weight (OC, C/G, KH, KW); g the Geometry of x. Returns (N, OC, OH, OW).
    """
    xp = backend.array_module(x)
    oc, k = weight.shape[0], g.C * g.KH * g.KW
    w_mat = weight.reshape(groups, oc // groups, k // groups)
    flat = pad_flat(x, g)
    out = xp.empty((g.N, oc, g.OH, g.OW), dtype=x.dtype)
    per_sample = k * g.OH * g.OWC
    chunks = _chunks(xp, g.N, per_sample * x.itemsize)
    step = chunks[0][1] - chunks[0][0]
    buf = _work_buffer(xp, "cols", per_sample * step, x.dtype)
    res_buf = _work_buffer(xp, "gemm", oc * step * g.OH * g.OWC, x.dtype)
    for n0, n1 in chunks:
        n, width = n1 - n0, (n1 - n0) * g.OH * g.OWC
        cols = im2col(flat[:, n0:n1], g, buf[: per_sample * n].reshape(
            g.C, g.KH, g.KW, n, g.OH, g.OWC))
        res = xp.matmul(w_mat, cols.reshape(groups, k // groups, width),
                        out=res_buf[: oc * width].reshape(groups, oc // groups, width))
        out[n0:n1] = res.reshape(oc, n, g.OH, g.OWC)[..., : g.OW].transpose(1, 0, 2, 3)
    return out


def conv2d_grad_weight(x, grad_out, g, groups):
    """grad_w[o, c, kh, kw] = sum_{n,oh,ow} grad_out[n, o, oh, ow] * x_pad[n, c, ...] (the
    same windows as forward). Returns (OC, C/G, KH, KW)."""
    xp = backend.array_module(x)
    oc, k = grad_out.shape[1], g.C * g.KH * g.KW
    flat = pad_flat(x, g)
    per_sample = k * g.OH * g.OWC
    chunks = _chunks(xp, g.N, per_sample * x.itemsize)
    step = chunks[0][1] - chunks[0][0]
    buf = _work_buffer(xp, "cols", per_sample * step, x.dtype)
    gbuf = _work_buffer(xp, "grad", oc * step * g.OH * g.OWC, x.dtype)
    grad_w = xp.zeros((groups, oc // groups, k // groups), dtype=x.dtype)
    for n0, n1 in chunks:
        n, width = n1 - n0, (n1 - n0) * g.OH * g.OWC
        cols = im2col(flat[:, n0:n1], g, buf[: per_sample * n].reshape(
            g.C, g.KH, g.KW, n, g.OH, g.OWC))
        gw = _wide_grad(grad_out, g, n0, n1, gbuf).reshape(groups, oc // groups, width)
        grad_w += xp.matmul(gw, cols.reshape(groups, k // groups, width).transpose(0, 2, 1))
    return grad_w.reshape(oc, g.C // groups, g.KH, g.KW)


def conv2d_grad_input(grad_out, weight, g, groups):
    """grad_x = col2im(weight.T @ grad_out): every input pixel collects weight * grad from
    each window that read it. Also conv_transpose2d's forward. Returns (N, C, H, W)."""
    xp = backend.array_module(grad_out)
    oc, k = weight.shape[0], g.C * g.KH * g.KW
    w_t = weight.reshape(groups, oc // groups, k // groups).transpose(0, 2, 1)
    grad_flat = xp.zeros((g.C, g.N, g.F), dtype=grad_out.dtype)
    per_sample = k * g.OH * g.OWC
    chunks = _chunks(xp, g.N, per_sample * grad_out.itemsize)
    step = chunks[0][1] - chunks[0][0]
    gbuf = _work_buffer(xp, "grad", oc * step * g.OH * g.OWC, grad_out.dtype)
    buf = _work_buffer(xp, "cols", per_sample * step, grad_out.dtype)
    for n0, n1 in chunks:
        n, width = n1 - n0, (n1 - n0) * g.OH * g.OWC
        gw = _wide_grad(grad_out, g, n0, n1, gbuf).reshape(groups, oc // groups, width)
        cols = xp.matmul(w_t, gw, out=buf[: per_sample * n].reshape(
            groups, k // groups, width)).reshape(g.C, g.KH, g.KW, n, g.OH, g.OWC)
        col2im(cols, g, grad_flat[:, n0:n1])
    return xp.ascontiguousarray(unpad(grad_flat, g).transpose(1, 0, 2, 3))


class Conv2d(Op):
    """out = conv2d(x, weight) + bias.

    d/dx = conv2d_grad_input (the transposed convolution of grad), d/dweight =
    conv2d_grad_weight, d/dbias = grad summed over N, OH, OW.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1),
                groups=1):
        g = geometry(x.shape, weight.shape[2:], stride, padding, dilation)
        ctx.geometry, ctx.groups = g, groups
        ctx.save_for_backward(x, weight)
        out = conv2d_forward(x, weight, g, groups)
        if bias is not None:
            out += bias.reshape(1, -1, 1, 1)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        g, groups = ctx.geometry, ctx.groups
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x = conv2d_grad_input(grad, weight, g, groups) if need_x else None
        grad_w = conv2d_grad_weight(x, grad, g, groups) if need_w else None
        grad_b = grad.sum(axis=(0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b


def conv_transpose_geometry(x_shape, weight_shape, stride, padding, output_padding,
                            dilation, groups):
    """The Geometry of the conv2d whose input gradient this conv_transpose2d computes.

    Output size: (H - 1)*SH - 2*PH + DH*(KH - 1) + output_padding + 1.
    """
    n, _, h, w = x_shape
    kh, kw = weight_shape[2:]
    out_h = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + output_padding[0] + 1
    out_w = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + output_padding[1] + 1
    out_shape = (n, weight_shape[1] * groups, out_h, out_w)
    return geometry(out_shape, (kh, kw), stride, padding, dilation, out_hw=(h, w))


class ConvTranspose2d(Op):
    """out = conv_transpose2d(x, weight) + bias = conv2d_grad_input(x, weight) + bias.

    weight is (C_in, C_out/G, KH, KW). By the duality, d/dx = conv2d(grad, weight) and
    d/dweight = conv2d_grad_weight(grad, x) (grad plays the conv's input, x its grad_out).
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=(0, 0),
                output_padding=(0, 0), dilation=(1, 1), groups=1):
        g = conv_transpose_geometry(x.shape, weight.shape, stride, padding, output_padding,
                                    dilation, groups)
        ctx.geometry, ctx.groups = g, groups
        ctx.save_for_backward(x, weight)
        out = conv2d_grad_input(x, weight, g, groups)
        if bias is not None:
            out += bias.reshape(1, -1, 1, 1)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        g, groups = ctx.geometry, ctx.groups
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x = conv2d_forward(grad, weight, g, groups) if need_x else None
        grad_w = conv2d_grad_weight(grad, x, g, groups) if need_w else None
        grad_b = grad.sum(axis=(0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b
