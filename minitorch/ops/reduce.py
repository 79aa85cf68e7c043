"""Reductions: sum, mean, prod, var/std, norm, all/any, and the scan cumsum.

max/min/argmax live in minmax.py, softmax/log_softmax/logsumexp in softmax.py.

Notation: `axes` is a tuple of non-negative axes being reduced; backward re-inserts the
reduced axes (`_expand_back`) so the gradient broadcasts against the input.
"""
from __future__ import annotations

from .. import backend, dtypes
from .. import tensor as tensor_module
from ..autograd.function import Op
from .promotion import cast
from .registry import public
from .shape import normalize_dims


def _expand_back(grad, axes, keepdim):
    """Give `grad` back the size-1 axes that keepdim=False removed."""
    if keepdim or not axes:
        return grad
    xp = backend.array_module(grad)
    return xp.expand_dims(grad, axes)


def _broadcast_back(grad, axes, keepdim, shape):
    """_expand_back and broadcast to `shape`, on a Tensor (for `backward_graph`)."""
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    return grad.reshape(kept).expand(tuple(shape))


class Sum(Op):
    """out = sum over axes;  d/dx = grad broadcast back over the summed axes."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.axes, ctx.keepdim, ctx.shape = axes, keepdim, x.shape
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        return (xp.broadcast_to(_expand_back(grad, ctx.axes, ctx.keepdim), ctx.shape),)

    @staticmethod
    def backward_graph(ctx, grad, x, axes, keepdim):
        return (_broadcast_back(grad, ctx.axes, ctx.keepdim, ctx.shape),)


def _mean(x, axes, keepdims):
    """x.mean; with nothing to average, NaN without NumPy's "Mean of empty slice" warning
    (which np.errstate does not silence), as torch gives it."""
    if _count(x.shape, axes) == 0:
        return x.sum(axis=axes, keepdims=keepdims) / 0
    return x.mean(axis=axes, keepdims=keepdims)


class Mean(Op):
    """out = sum / n;  d/dx = grad / n broadcast back."""

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.axes, ctx.keepdim, ctx.shape = axes, keepdim, x.shape
        ctx.count = _count(x.shape, axes)
        return _mean(x, axes, keepdim)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        g = _expand_back(grad, ctx.axes, ctx.keepdim) / ctx.count
        return (xp.broadcast_to(g, ctx.shape),)

    @staticmethod
    def backward_graph(ctx, grad, x, axes, keepdim):
        return (_broadcast_back(grad, ctx.axes, ctx.keepdim, ctx.shape) / ctx.count,)


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


class Prod(Op):
    """out = product over one axis (or all);  d/dx_i = product of the *other* x_j.

    Computed from exclusive cumulative products from the left and from the right, so
    zeros in x are handled exactly (no division by x).
    """

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.save_for_backward(x)
        ctx.axis, ctx.keepdim = axis, keepdim
        return x.prod(axis=axis, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        axis = ctx.axis
        flat = axis is None
        xs = x.reshape(-1) if flat else xp.moveaxis(x, axis, -1)
        ones = xp.ones(xs.shape[:-1] + (1,), dtype=x.dtype)
        left = xp.cumprod(xp.concatenate([ones, xs[..., :-1]], axis=-1), axis=-1)
        right = xp.flip(xp.cumprod(xp.flip(
            xp.concatenate([xs[..., 1:], ones], axis=-1), axis=-1), axis=-1), axis=-1)
        others = left * right
        if flat:
            return (grad * others.reshape(x.shape),)
        g = grad if ctx.keepdim else xp.expand_dims(grad, axis)
        return (g * xp.moveaxis(others, -1, axis),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis, keepdim):
        (x_,) = ctx.saved_tensors
        xp = backend.array_module(x_)
        axis = ctx.axis
        if x_.ndim == 0:  # out = x (torch returns grad as it is)
            return (grad,)
        g = grad if axis is None or ctx.keepdim else grad.unsqueeze(axis)
        if not (x_ == 0).any():  # torch's result / x: the product of the others
            out = ctx.output_tensor(x_.prod(axis=axis, keepdims=ctx.keepdim))
            if axis is not None and not ctx.keepdim:
                out = out.unsqueeze(axis)
            return (g * (out / x),)
        # With zeros, no division: row k of `rows` is x with x_k replaced by 1, and its
        # product is that of the others (n x n per row: only with zeros and create_graph)
        xs = x.reshape(-1) if axis is None else x.movedim(axis, -1)
        n = xs.shape[-1]
        keep = tensor_module.Tensor._wrap(~xp.eye(n, dtype=bool))
        others = Prod.apply(xs.unsqueeze(-2).where(keep, 1.0), -1, False)
        return (g * (others.reshape(x.shape) if axis is None else others.movedim(-1, axis)),)


class Var(Op):
    """out = sum((x - mean)^2) / (n - correction);  d/dx = 2 (x - mean) / (n - correction).

    torch's edge cases, kept: the forward divides by max(n - correction, 0); the backward
    divides by the raw n - correction when `dim` was given (a negative one gives finite,
    sign-flipped gradients), and without `dim` a non-positive one gives NaN where
    x == mean and inf elsewhere.
    """

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim, all_dims):
        xp = backend.array_module(x)
        centered = x - _mean(x, axes, True)
        ctx.save_for_backward(centered)
        ctx.axes, ctx.keepdim, ctx.all_dims = axes, keepdim, all_dims
        ctx.dof = _count(x.shape, axes) - correction
        with backend.ignore_float_errors(xp):
            return (centered * centered).sum(axis=axes, keepdims=keepdim) / max(
                ctx.dof, 0)

    @staticmethod
    def backward(ctx, grad):
        (centered,) = ctx.saved_tensors
        xp = backend.array_module(grad)
        g = _expand_back(grad, ctx.axes, ctx.keepdim)
        with backend.ignore_float_errors(xp):  # inf * 0 = NaN is the intended result at dof == 0
            if ctx.all_dims and ctx.dof <= 0:
                return (g * xp.where(centered == 0, float("nan"), float("inf")).astype(g.dtype),)
            return (g * centered * (2.0 / ctx.dof if ctx.dof else float("inf")),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        if ctx.dof <= 0:  # torch's inf/NaN edge cases above are not reproduced here
            raise RuntimeError(
                f"{type(ctx).__name__} has no double-backward formula yet for correction >= "
                f"the number of elements reduced (here n - correction = {ctx.dof})")
        g = _broadcast_back(grad, ctx.axes, ctx.keepdim, x.shape)
        return (g * (x - x.mean(ctx.axes, keepdim=True)) * (2.0 / ctx.dof),)


class Std(Op):
    """out = sqrt(var);  d/dx = var's gradient for grad / (2 out), taken as 0 where out == 0
    (torch's choice: a constant input gets a zero gradient, not NaN)."""

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim, all_dims):
        xp = backend.array_module(x)
        out = xp.sqrt(Var.forward(ctx, x, axes, correction, keepdim, all_dims))
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        with backend.ignore_float_errors(xp):
            grad_var = xp.where(ctx.out == 0, 0, grad / (2 * ctx.out)).astype(grad.dtype)
        return Var.backward(ctx, grad_var)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        if ctx.dof <= 0:
            return Var.backward_graph(ctx, grad, x)  # the same error
        # the output itself, differentiated by this same node (recomputing sqrt(var) would
        # give NaN second derivatives where out == 0: sqrt' is inf there). As in torch,
        # d/dgrad is still NaN where out == 0 (0 / 0 leaks through where's backward).
        out = ctx.output_tensor(ctx.out)
        grad_var = (grad / (2 * out)).where(out != 0, 0.0)
        return Var.backward_graph(ctx, grad_var, x)


class Cumsum(Op):
    """out_i = sum_{j<=i} x_j;  d/dx_j = sum_{i>=j} grad_i (a reversed cumsum)."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        if x.ndim == 0:  # NumPy's cumsum would flatten a 0-dim array to shape (1,)
            return x.copy()
        return backend.array_module(x).cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        xp = backend.array_module(grad)
        if grad.ndim == 0:
            return (grad,)
        a = ctx.axis
        return (xp.flip(xp.cumsum(xp.flip(grad, axis=a), axis=a), axis=a),)

    @staticmethod
    def backward_graph(ctx, grad, x, axis):
        if grad.dim() == 0:
            return (grad,)
        a = (ctx.axis,)
        return (grad.flip(a).cumsum(ctx.axis).flip(a),)


class Norm(Op):
    """p-norm over axes: (sum |x|^p)^(1/p); p=inf is max |x|, p=0 counts nonzeros.
    d/dx = |x|^(p-1) sign(x) / out^(p-1), set to 0 where out == 0 (torch)."""

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        xp = backend.array_module(x)
        a = xp.abs(x)
        if p == float("inf"):
            out = a.max(axis=axes, keepdims=True)
        elif p == 0:  # the number of nonzeros (torch)
            out = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        elif p == 2:
            out = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        elif p == 1:
            out = a.sum(axis=axes, keepdims=True)
        else:
            out = (a ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return out if keepdim else out.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = backend.array_module(grad)
        g = _expand_back(grad, ctx.axes, ctx.keepdim)
        p = ctx.p
        if p == float("inf"):
            mask = (xp.abs(x) == out).astype(grad.dtype)
            return (g * xp.sign(x) * mask / mask.sum(axis=ctx.axes, keepdims=True),)
        if p == 0:  # torch's norm leaves no gradient at all (x.grad stays None)
            return (None,)
        if p == 1:
            return (g * xp.sign(x),)
        safe = xp.where(out == 0, 1, out)
        if p == 2:
            return (xp.where(out == 0, 0, g * x / safe),)
        d = xp.abs(x) ** (p - 1) * xp.sign(x) / safe ** (p - 1)
        return (xp.where(out == 0, 0, g * d),)

    @staticmethod
    def backward_graph(ctx, grad, x, *args):
        """torch's norm_backward on Tensors, with `out` the node's own output (so its
        derivative flows back through this node); p = 1, 2, inf and p > 2."""
        x_arr, out_arr = ctx.saved_tensors
        p = ctx.p
        g = _broadcast_back(grad, ctx.axes, ctx.keepdim, x.shape)
        if p == 0:
            return (None,)
        if p == 1:
            return (g * x.sign(),)
        if p == float("inf"):
            mask = (backend.array_module(x_arr).abs(x_arr) == out_arr).astype(x_arr.dtype)
            share = mask / mask.sum(axis=ctx.axes, keepdims=True)
            return (g * x.sign() * tensor_module.Tensor._wrap(share),)
        if p < 2:
            raise RuntimeError(f"{type(ctx).__name__} has no double-backward formula yet "
                               f"for p < 2 other than 1 (p = {p})")
        shape = out_arr.shape if ctx.keepdim else out_arr.squeeze(ctx.axes).shape
        out = ctx.output_tensor(out_arr.reshape(shape)).reshape(out_arr.shape)
        if p == 2:
            return (g * (x / out).where(out != 0, 0.0),)
        return (x * x.abs() ** (p - 2) * (g / out ** (p - 1)).where(out != 0, 0.0),)


class ReduceLogic(Op):
    """all/any/count_nonzero: not differentiable."""

    @staticmethod
    def forward(ctx, x, fn, axes, keepdim):
        xp = backend.array_module(x)
        if fn == "count_nonzero":
            return xp.asarray(xp.count_nonzero(x, axis=axes), dtype=xp.int64)
        return getattr(xp, fn)(x, axis=axes, keepdims=keepdim)


# ---- tensor-level functions -----------------------------------------------------------------
def _axes(input, dim):
    """dim=None (all axes), an int or a sequence -> a sorted tuple of axes."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(input.dim()))
    axes = normalize_dims(dim, input.dim())  # validates: a 0-dim tensor accepts 0 and -1
    return axes if input.dim() else ()


def _maybe_cast(input, dtype):
    return cast(input, dtype) if dtype is not None else input


@public  # Tensor.sum is in tensor_methods.py: it takes dtype positionally too
def sum(input, dim=None, keepdim=False, *, dtype=None):
    input = _maybe_cast(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        input = cast(input, dtypes.int64)  # torch sums ints and bools as int64
    return Sum.apply(input, _axes(input, dim), keepdim)


@public(method=True)
def mean(input, dim=None, keepdim=False, *, dtype=None):
    input = _maybe_cast(input, dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: "
            f"{dtypes.scalar_type_name(input.dtype)}")
    return Mean.apply(input, _axes(input, dim), keepdim)


@public(method=True)
def prod(input, dim=None, keepdim=False, *, dtype=None):
    input = _maybe_cast(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        input = cast(input, dtypes.int64)
    axis = None if dim is None else normalize_dims(dim, input.dim())[0]
    return Prod.apply(input, axis if input.dim() else None, keepdim)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


@public(method=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var(x, False): the old positional `unbiased`
        dim, unbiased = None, dim
    return Var.apply(input, _axes(input, dim), _correction(unbiased, correction), keepdim,
                     dim is None or input.dim() == 0)


@public(method=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return Std.apply(input, _axes(input, dim), _correction(unbiased, correction), keepdim,
                     dim is None or input.dim() == 0)


def _float(input):
    return input if input.dtype.is_floating_point else cast(input, dtypes.get_default_dtype())


@public(method=True)
def cumsum(input, dim, *, dtype=None):
    input = cast(input, dtype) if dtype is not None else input
    if not input.dtype.is_floating_point and dtype is None:
        input = cast(input, dtypes.int64)
    return Cumsum.apply(input, normalize_dims(dim, input.dim())[0] if input.dim() else None)


@public(method=True)
def norm(input, p="fro", dim=None, keepdim=False):
    if p == "fro" or p is None:
        p = 2
    if p == "nuc" or isinstance(p, str):
        raise NotImplementedError(f"norm: p={p!r} is not supported")
    return Norm.apply(_float(input), float(p), _axes(input, dim), keepdim)


@public(method=True)
def all(input, dim=None, keepdim=False):
    return ReduceLogic.apply(input, "all", None if dim is None else _axes(input, dim), keepdim)


@public(method=True)
def any(input, dim=None, keepdim=False):
    return ReduceLogic.apply(input, "any", None if dim is None else _axes(input, dim), keepdim)


@public(method=True)
def count_nonzero(input, dim=None):
    return ReduceLogic.apply(input, "count_nonzero",
                             None if dim is None else _axes(input, dim), False)
