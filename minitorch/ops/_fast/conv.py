"""The fast conv2d engine: the same three functions as the reference in `ops/conv.py`
(forward, weight gradient, input gradient), engineered for speed. `ops/conv.py` picks
one or the other (see `minitorch.backends.reference`); tests check both against torch.

Notation as in `ops/im2col.py`; the flat padded buffer and its column view are in
`_fast/im2col.py`.

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

import itertools
import threading

from ... import _cpu, backend
from ..im2col import geometry
from .im2col import col2im, im2col, pad_flat, unpad

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
    return list(itertools.pairwise(bounds))


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
