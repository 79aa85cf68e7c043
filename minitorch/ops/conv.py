"""Conv2d and ConvTranspose2d: im2col + one matrix product, forward and backward side by side.

Notation as in `im2col.py` (N C H W OC KH KW SH SW PH PW DH DW OH OW G K).
With `cols` (K, N*OH*OW) the im2col matrix of x and the weight seen as (OC, K):

    conv2d:        out    = weight @ cols                       (N, OC, OH, OW)
    grad weight:   grad_w = grad_out @ cols.T                   (OC, K)
    grad input:    grad_x = col2im(weight.T @ grad_out)         (N, C, H, W)
                   (stride 1: the "full" conv2d of grad_out with the flipped weight)

Groups split K and OC into G blocks; one batched matmul over the G blocks does them all.

The conv/transpose duality, written once and used both ways: conv_transpose2d's forward
IS conv2d's input gradient (`conv2d_grad_input`), and its input gradient IS conv2d's
forward (`conv2d_forward`); both weight gradients are `conv2d_grad_weight`.

Speed (NumPy): the batch is split over the CPU threads (`_cpu.parallel_over_batch`:
NumPy's copies and ufuncs are single-threaded, so without this the second core idles
for everything but the GEMMs), and each thread walks its part in chunks whose column
matrix fits in the CPU cache (`CHUNK_BYTES`): padding, im2col, the GEMM and the copy of
its result all stay in cache. A chunk is still one large GEMM. Backward rebuilds the
columns instead of keeping them from forward (cheaper than a round trip through memory,
and saves K*N*OH*OW floats: 225 MB for the CIFAR net's second conv at batch 256).
On CuPy the whole batch is one chunk.
"""
from __future__ import annotations

import threading

from .. import _cpu, backend
from ..autograd.function import Op
from .im2col import col2im, geometry, im2col, pad_flat, unpad

CHUNK_BYTES = 4 << 20  # columns per chunk; ~ L2 + a share of L3 per core

_scratch = threading.local()  # .buffers: (name, dtype) -> reusable 1-D NumPy work buffer


def _work_buffer(xp, name, size, dtype):
    """A 1-D scratch array of `size` numbers, reused across calls on NumPy.

    Why: a fresh multi-MB array is new memory from the OS, and touching it costs one
    page fault per 4 KB (~2.5 ms per 4 MB here, more than the im2col copy itself).
    Only internal buffers that never escape the op use this; one set per thread (the
    batch parts run in parallel); CuPy has its own memory pool.
    """
    if xp.__name__ != "numpy":
        return xp.empty(size, dtype=dtype)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    key = (name, xp.dtype(dtype).str)
    buf = buffers.get(key)
    if buf is None or buf.size < size:
        buf = buffers[key] = xp.empty(size, dtype=dtype)
    return buf[:size]


def _chunks(xp, n0, n1, bytes_per_sample):
    """(start, stop) ranges covering samples n0..n1: cache-sized on NumPy, one on CuPy."""
    if xp.__name__ != "numpy" or n1 <= n0:
        return [(n0, n1)]
    step = max(1, CHUNK_BYTES // max(bytes_per_sample, 1))
    count = -(-(n1 - n0) // step)
    bounds = [n0 + (n1 - n0) * i // count for i in range(count + 1)]  # even chunks
    return list(zip(bounds[:-1], bounds[1:]))


def _columns(x, g):
    """im2col of the samples x (n, C, H, W): pad them into a flat buffer, then copy the
    windows out. Returns this thread's (C, KH, KW, n, OH, OWC) column buffer."""
    xp = backend.array_module(x)
    n = x.shape[0]
    flat = _work_buffer(xp, "flat", g.C * n * g.F, x.dtype).reshape(g.C, n, g.F)
    cols = _work_buffer(xp, "cols", g.C * g.KH * g.KW * n * g.OH * g.OWC, x.dtype)
    return im2col(pad_flat(x, g, flat), g, cols.reshape(g.C, g.KH, g.KW, n, g.OH, g.OWC))


def _wide_grad(grad_out, g):
    """grad_out (n, OC, OH, OW) as this thread's (OC, n, OH, OWC), zero in the extra wide
    columns (they are garbage in im2col; they must add nothing)."""
    xp = backend.array_module(grad_out)
    n, oc = grad_out.shape[:2]
    wide = _work_buffer(xp, "grad", oc * n * g.OH * g.OWC, grad_out.dtype)
    wide = wide.reshape(oc, n, g.OH, g.OWC)
    if g.OWC != g.OW:
        wide[..., g.OW:] = 0
    wide[..., : g.OW] = grad_out.transpose(1, 0, 2, 3)
    return wide


def conv2d_forward(x, weight, g, groups, bias=None):
    """out[n, o] = bias[o] + sum_{c,kh,kw} weight[o, c, kh, kw] * x_pad[n, c, oh*SH+kh*DH,
    ow*SW+kw*DW].

    Args: x (N, C, H, W); weight (OC, C/G, KH, KW); g the Geometry of x; bias (OC,) or
    None. Returns (N, OC, OH, OW).
    """
    xp = backend.array_module(x)
    oc, k = weight.shape[0], g.C * g.KH * g.KW
    w_mat = weight.reshape(groups, oc // groups, k // groups)
    out = xp.empty((g.N, oc, g.OH, g.OW), dtype=x.dtype)

    def work(n0, n1):
        for c0, c1 in _chunks(xp, n0, n1, k * g.OH * g.OWC * x.itemsize):
            n, width = c1 - c0, (c1 - c0) * g.OH * g.OWC
            cols = _columns(x[c0:c1], g).reshape(groups, k // groups, width)
            res = _work_buffer(xp, "gemm", oc * width, x.dtype)
            res = xp.matmul(w_mat, cols, out=res.reshape(groups, oc // groups, width))
            res = res.reshape(oc, n, g.OH, g.OWC)[..., : g.OW].transpose(1, 0, 2, 3)
            if bias is None:
                out[c0:c1] = res
            else:  # the bias rides along the copy out (one pass over out, not two)
                xp.add(res, bias.reshape(1, oc, 1, 1), out=out[c0:c1])

    _cpu.parallel_over_batch(xp, g.N, work)
    return out


def conv2d_grad_weight(x, grad_out, g, groups, bias=False):
    """grad_w[o, c, kh, kw] = sum_{n,oh,ow} grad_out[n, o, oh, ow] * x_pad[n, c, ...] (the
    same windows as forward), and with `bias` grad_b[o] = sum_{n,oh,ow} grad_out[n, o].
    Returns (grad_w (OC, C/G, KH, KW), grad_b (OC,) or None)."""
    xp = backend.array_module(x)
    oc, k = grad_out.shape[1], g.C * g.KH * g.KW

    def work(n0, n1):  # a partial sum over samples n0..n1
        grad_w = xp.zeros((groups, oc // groups, k // groups), dtype=x.dtype)
        grad_b = xp.zeros(oc, dtype=x.dtype) if bias else None
        for c0, c1 in _chunks(xp, n0, n1, k * g.OH * g.OWC * x.itemsize):
            width = (c1 - c0) * g.OH * g.OWC
            cols = _columns(x[c0:c1], g).reshape(groups, k // groups, width)
            grad = _wide_grad(grad_out[c0:c1], g).reshape(groups, oc // groups, width)
            grad_w += xp.matmul(grad, cols.transpose(0, 2, 1))
            if bias:  # the extra wide columns are zero, so they add nothing
                grad_b += grad.reshape(oc, width).sum(axis=1)
        return grad_w, grad_b

    parts = _cpu.parallel_over_batch(xp, g.N, work)
    grad_w, grad_b = parts[0]
    for part_w, part_b in parts[1:]:
        grad_w += part_w
        if bias:
            grad_b += part_b
    return grad_w.reshape(oc, g.C // groups, g.KH, g.KW), grad_b


def conv2d_grad_input(grad_out, weight, g, groups):
    """grad_x = col2im(weight.T @ grad_out): every input pixel collects weight * grad from
    each window that read it. Also conv_transpose2d's forward. Returns (N, C, H, W)."""
    full = _full_conv_geometry(grad_out.shape, g)
    if full is not None:
        return conv2d_forward(grad_out, _flipped_transposed(weight, groups), full, groups)
    xp = backend.array_module(grad_out)
    oc, k = weight.shape[0], g.C * g.KH * g.KW
    w_t = weight.reshape(groups, oc // groups, k // groups).transpose(0, 2, 1)
    grad_x = xp.empty((g.N, g.C, g.H, g.W), dtype=grad_out.dtype)

    def work(n0, n1):
        for c0, c1 in _chunks(xp, n0, n1, k * g.OH * g.OWC * grad_out.itemsize):
            n, width = c1 - c0, (c1 - c0) * g.OH * g.OWC
            grad = _wide_grad(grad_out[c0:c1], g).reshape(groups, oc // groups, width)
            cols = _work_buffer(xp, "cols", k * width, grad_out.dtype)
            cols = xp.matmul(w_t, grad, out=cols.reshape(groups, k // groups, width))
            flat = _work_buffer(xp, "flat", g.C * n * g.F, grad_out.dtype)
            flat = flat.reshape(g.C, n, g.F)
            flat.fill(0)
            col2im(cols.reshape(g.C, g.KH, g.KW, n, g.OH, g.OWC), g, flat)
            grad_x[c0:c1] = unpad(flat, g).transpose(1, 0, 2, 3)

    _cpu.parallel_over_batch(xp, g.N, work)
    return grad_x


# With stride 1 the input gradient is itself a convolution, the "full" one: grad_out
# padded by D*(K-1) - P on each side, correlated with the weight flipped in both spatial
# axes and with its in/out channels swapped (grad_x[h] = sum_k grad_out[h + P - k*D] *
# w[k]; substitute k' = K-1-k). It then runs on the forward path, one im2col copy + GEMM,
# instead of col2im's KH*KW read-modify-write adds: ~1.5x faster on the CIFAR net's convs.

def _full_conv_geometry(grad_shape, g):
    """The Geometry of the full convolution giving conv g's input gradient, or None
    where that does not apply (stride > 1, padding > D*(K-1), or an extra output row
    from conv_transpose2d's output_padding) or does not pay: an unpadded conv's full
    conv pads grad_out by K-1 and computes 1.4x the GEMM columns on LeNet's 10x10 layer
    (16->32 channels, 5x5), which made it ~10 % slower than col2im there (5.4 vs 4.9 ms
    at batch 50, one thread), so it is used up to 1.25x the columns (the padded convs of
    the MNIST and CIFAR nets are at ~1.0-1.15x and stay on it)."""
    pad_h, pad_w = g.DH * (g.KH - 1) - g.PH, g.DW * (g.KW - 1) - g.PW
    if (g.SH, g.SW) != (1, 1) or min(pad_h, pad_w) < 0:
        return None
    full = geometry(grad_shape, (g.KH, g.KW), (1, 1), (pad_h, pad_w), (g.DH, g.DW))
    if (full.OH, full.OW) != (g.H, g.W) or full.OH * full.OWC > 1.25 * g.OH * g.OWC:
        return None
    return full


def _flipped_transposed(weight, groups):
    """weight (OC, C/G, KH, KW) -> (C, OC/G, KH, KW), per group, flipped in KH and KW."""
    xp = backend.array_module(weight)
    oc, c_g, kh, kw = weight.shape
    w = weight.reshape(groups, oc // groups, c_g, kh, kw).transpose(0, 2, 1, 3, 4)
    return xp.ascontiguousarray(w[..., ::-1, ::-1]).reshape(groups * c_g, oc // groups, kh, kw)


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
        return conv2d_forward(x, weight, g, groups, bias)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        g, groups = ctx.geometry, ctx.groups
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x = conv2d_grad_input(grad, weight, g, groups) if need_x else None
        grad_w, grad_b = None, None
        if need_w:  # grad_b rides along grad_w's pass over grad
            grad_w, grad_b = conv2d_grad_weight(x, grad, g, groups, bias=need_b)
        if need_b and grad_b is None:
            grad_b = grad.sum(axis=(0, 2, 3))
        return grad_x, grad_w, grad_b

    @staticmethod
    def backward_graph(ctx, grad, x, weight, bias=None):
        # both gradients are bilinear, so each is an op whose own backward is made of
        # this conv and the other gradient (below): differentiable to any order
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        args = (ctx.geometry, ctx.groups)
        grad_x = Conv2dGradInput.apply(grad, weight, *args) if need_x else None
        grad_w = Conv2dGradWeight.apply(x, grad, *args) if need_w else None
        grad_b = grad.sum((0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b


def _conv2d_with(x, weight, g, groups):
    """Conv2d.apply with the stride, padding and dilation of geometry g."""
    return Conv2d.apply(x, weight, None, stride=(g.SH, g.SW), padding=(g.PH, g.PW),
                        dilation=(g.DH, g.DW), groups=groups)


class Conv2dGradInput(Op):
    """Conv2d's input gradient as an op: out = conv2d_grad_input(grad, weight).

    Linear in each argument: d/dgrad = conv2d(gg, weight), d/dweight =
    conv2d_grad_weight(gg, grad) (gg, the incoming gradient, has the conv's input shape).
    """

    @staticmethod
    def forward(ctx, grad, weight, g, groups):
        ctx.geometry, ctx.groups = g, groups
        ctx.save_for_backward(grad, weight)
        return conv2d_grad_input(grad, weight, g, groups)

    @staticmethod
    def backward(ctx, gg):
        grad, weight = ctx.saved_tensors
        g, groups = ctx.geometry, ctx.groups
        need_grad, need_w = ctx.needs_input_grad[:2]
        return (conv2d_forward(gg, weight, g, groups) if need_grad else None,
                conv2d_grad_weight(gg, grad, g, groups)[0] if need_w else None)

    @staticmethod
    def backward_graph(ctx, gg, grad, weight, g, groups):
        need_grad, need_w = ctx.needs_input_grad[:2]
        return (_conv2d_with(gg, weight, g, groups) if need_grad else None,
                Conv2dGradWeight.apply(gg, grad, g, groups) if need_w else None)


class Conv2dGradWeight(Op):
    """Conv2d's weight gradient as an op: out = conv2d_grad_weight(x, grad).

    Linear in each argument: d/dx = conv2d_grad_input(grad, gw), d/dgrad = conv2d(x, gw)
    (gw, the incoming gradient, has the weight's shape).
    """

    @staticmethod
    def forward(ctx, x, grad, g, groups):
        ctx.geometry, ctx.groups = g, groups
        ctx.save_for_backward(x, grad)
        return conv2d_grad_weight(x, grad, g, groups)[0]

    @staticmethod
    def backward(ctx, gw):
        x, grad = ctx.saved_tensors
        g, groups = ctx.geometry, ctx.groups
        need_x, need_grad = ctx.needs_input_grad[:2]
        return (conv2d_grad_input(grad, gw, g, groups) if need_x else None,
                conv2d_forward(x, gw, g, groups) if need_grad else None)

    @staticmethod
    def backward_graph(ctx, gw, x, grad, g, groups):
        need_x, need_grad = ctx.needs_input_grad[:2]
        return (Conv2dGradInput.apply(grad, gw, g, groups) if need_x else None,
                _conv2d_with(x, gw, g, groups) if need_grad else None)


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
        grad_w = conv2d_grad_weight(grad, x, g, groups)[0] if need_w else None
        grad_b = grad.sum(axis=(0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b
