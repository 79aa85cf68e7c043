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

Each of the three is written here as the textbook reference (`*_reference`: a strided
window view and one matmul) and in `_fast/conv.py` for speed (cache-sized chunks, a
thread split, buffer reuse). Which one runs is chosen in one place,
`minitorch.backends.reference.enabled` (MINITORCH_REFERENCE=1); both give the same
numbers (tests/test_reference_ops.py checks each against the other and against torch).
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Op
from ..backends import reference
from ._fast import conv as fast
from .im2col import col2im, geometry, pad, windows


def _columns(x, g, groups):
    """im2col: x (N, C, H, W) -> (N, G, K/G, OH*OW), each group's column matrix (a copy
    of the strided window view)."""
    k = g.C // groups * g.KH * g.KW
    return windows(pad(x, g), g).reshape(g.N, groups, k, g.OH * g.OW)


def _weight_matrix(weight, g, groups):
    """weight (OC, C/G, KH, KW) -> (G, OC/G, K/G): each group's rows of the matmul."""
    return weight.reshape(groups, weight.shape[0] // groups, g.C // groups * g.KH * g.KW)


def conv2d_reference(x, weight, g, groups, bias=None):
    """out[n, o, oh, ow] = bias[o] + sum_{c,kh,kw} weight[o, c, kh, kw] *
    x_pad[n, c, oh*SH + kh*DH, ow*SW + kw*DW]:  out = weight @ cols."""
    xp = backend.array_module(x)
    out = xp.matmul(_weight_matrix(weight, g, groups), _columns(x, g, groups))
    out = out.reshape(g.N, weight.shape[0], g.OH, g.OW)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def conv2d_grad_weight_reference(x, grad_out, g, groups, bias=False):
    """grad_w = grad_out @ cols.T summed over the batch (the same windows as forward);
    with `bias`, grad_b = grad_out summed over N, OH, OW. Returns (grad_w, grad_b)."""
    xp = backend.array_module(x)
    oc = grad_out.shape[1]
    grad = grad_out.reshape(g.N, groups, oc // groups, g.OH * g.OW)    # (N, G, OC/G, L)
    cols = _columns(x, g, groups)                                       # (N, G, K/G, L)
    grad_w = xp.matmul(grad, cols.swapaxes(2, 3)).sum(axis=0)           # (G, OC/G, K/G)
    grad_b = grad_out.sum(axis=(0, 2, 3)) if bias else None
    return grad_w.reshape(oc, g.C // groups, g.KH, g.KW), grad_b


def conv2d_grad_input_reference(grad_out, weight, g, groups):
    """grad_x = col2im(weight.T @ grad_out): every input pixel collects weight * grad
    from each window that read it. Returns (N, C, H, W)."""
    xp = backend.array_module(grad_out)
    oc = weight.shape[0]
    grad = grad_out.reshape(g.N, groups, oc // groups, g.OH * g.OW)    # (N, G, OC/G, L)
    cols = xp.matmul(_weight_matrix(weight, g, groups).swapaxes(1, 2), grad)  # (N, G, K/G, L)
    return col2im(cols.reshape(g.N, g.C, g.KH, g.KW, g.OH, g.OW), g)


# The one place that picks the implementation (minitorch.backends.reference).

def conv2d_forward(x, weight, g, groups, bias=None):
    if reference.enabled:
        return conv2d_reference(x, weight, g, groups, bias)
    return fast.conv2d_forward(x, weight, g, groups, bias)


def conv2d_grad_weight(x, grad_out, g, groups, bias=False):
    if reference.enabled:
        return conv2d_grad_weight_reference(x, grad_out, g, groups, bias)
    return fast.conv2d_grad_weight(x, grad_out, g, groups, bias)


def conv2d_grad_input(grad_out, weight, g, groups):
    if reference.enabled:
        return conv2d_grad_input_reference(grad_out, weight, g, groups)
    return fast.conv2d_grad_input(grad_out, weight, g, groups)


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
    """Conv2d.apply with the stride, padding and dilation of geometry g, cut to its
    (OH, OW) (conv_transpose2d's output_padding may add a row the conv would also read)."""
    out = Conv2d.apply(x, weight, None, stride=(g.SH, g.SW), padding=(g.PH, g.PW),
                       dilation=(g.DH, g.DW), groups=groups)
    if tuple(out.shape[2:]) != (g.OH, g.OW):
        out = out[:, :, : g.OH, : g.OW]
    return out


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

    @staticmethod
    def backward_graph(ctx, grad, x, weight, bias=None, *args, **kwargs):
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        g, groups = ctx.geometry, ctx.groups
        grad_x = _conv2d_with(grad, weight, g, groups) if need_x else None
        grad_w = Conv2dGradWeight.apply(grad, x, g, groups) if need_w else None
        grad_b = grad.sum((0, 2, 3)) if need_b else None
        return grad_x, grad_w, grad_b
