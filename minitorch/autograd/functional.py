"""torch.autograd.functional's twin: Jacobians, Hessians and their products, from `grad`.

Everything here is built on `autograd.grad`; the second-order ones (hessian, hvp, vhp,
and jvp) on `autograd.grad(..., create_graph=True)`. The "double-backward trick" gives
forward-mode products from reverse mode: for u a dummy upstream gradient,
g(u) = J^T u is linear in u, so the gradient of <g(u), v> with respect to u is J v.

Args shared by all (torch's names):
    func: a function of Tensors returning a Tensor or a tuple of Tensors.
    inputs: a Tensor or a tuple of Tensors (results mirror that choice).
    create_graph: keep the results differentiable (default: detached).
    strict: raise when an output does not depend on an input, instead of returning zeros.
    vectorize: accepted for compatibility; minitorch computes row by row either way.
"""
from __future__ import annotations

from .. import ops
from .. import tensor as tensor_module
from . import grad_mode


def _as_tuple(x):
    if isinstance(x, (tuple, list)):
        return tuple(x), True
    return (x,), False


def _untuple(values, is_tuple):
    return tuple(values) if is_tuple else values[0]


def _prepare(inputs, create_graph):
    """Graph roots for the inputs: with create_graph an input that requires grad stays
    itself (so the caller's graph continues), otherwise a fresh leaf sharing its memory."""
    out = []
    for x in inputs:
        if not isinstance(x, tensor_module.Tensor):
            raise TypeError(f"The inputs given to the user-provided function must be "
                            f"Tensors, but got {type(x).__name__}")
        out.append(x if create_graph and x.requires_grad else x.detach().requires_grad_())
    return tuple(out)


def _finish(values, create_graph):
    if create_graph:
        return tuple(values)
    return tuple(None if v is None else v.detach() for v in values)


def _grad(outputs, inputs, grad_outputs, create_graph, strict, what="input"):
    """autograd.grad that tolerates outputs without a graph: independent parts give
    zeros (or raise, in strict mode)."""
    from . import grad

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        grads = grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                     create_graph=create_graph, allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    result = []
    for i, (x, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent "
                                   f"of {what} {i}. This is not allowed in strict mode.")
            g = x.new_zeros(x.shape)
        result.append(g)
    return tuple(result)


def _check_v(v, like, name):
    """v must match `like` (the outputs for vjp, the inputs for jvp/hvp/vhp)."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the {name} is a single "
                               "Tensor with a single element.")
        return (like[0].new_ones(like[0].shape),)
    v, _ = _as_tuple(v)
    if len(v) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got "
                           f"{len(v)}.")
    for i, (a, b) in enumerate(zip(v, like)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {list(b.shape)} "
                               f"but got {list(a.shape)}.")
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product, one backward pass.

    >>> out, g = vjp(lambda x: x ** 2, minitorch.tensor([1.0, 2.0]), minitorch.ones(2))
    """
    inputs, in_tuple = _as_tuple(inputs)
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*inputs))
        v = _check_v(v, outputs, "user-provided function returns")
        grads = _grad(outputs, inputs, v, create_graph, strict)
    return (_untuple(_finish(outputs, create_graph), out_tuple),
            _untuple(_finish(grads, create_graph), in_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick.

    >>> out, jv = jvp(lambda x: x ** 2, minitorch.tensor([1.0, 2.0]), minitorch.ones(2))
    """
    inputs, in_tuple = _as_tuple(inputs)
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph)
        v = _check_v(v, inputs, "input to the user-provided function")
        outputs, out_tuple = _as_tuple(func(*inputs))
        dummies = tuple(o.new_zeros(o.shape).requires_grad_() for o in outputs)
        g = _grad(outputs, inputs, dummies, True, strict)           # J^T u, linear in u
        jv = _grad(g, dummies, v, create_graph, strict, "input")    # d<J^T u, v>/du = J v
    return (_untuple(_finish(outputs, create_graph), out_tuple),
            _untuple(_finish(jv, create_graph), out_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """d func(inputs) / d inputs: for one output and one input a Tensor of shape
    output.shape + input.shape; tuples of them (outputs first) for tuples.

    >>> jacobian(lambda x: x.exp(), minitorch.zeros(3))  # the identity matrix
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                         f'Hint: If your strategy is "{strategy}", use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                                  "Hessian is only implemented for `vectorize=True`.")
    inputs, in_tuple = _as_tuple(inputs)
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs, out_tuple = _as_tuple(func(*inputs))
        result = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            for k in range(out.numel()):  # one backward pass per output element
                seed = out.new_zeros(out.shape)
                seed.view(-1)[k] = 1
                for j, g in enumerate(_grad((out,), inputs, (seed,), create_graph, strict)):
                    rows[j].append(g)
            per_input = []
            for x, r in zip(inputs, rows):
                shape = tuple(out.shape) + tuple(x.shape)
                jac = ops.stack(r, 0).reshape(shape) if r else x.new_zeros(shape)
                per_input.append(jac)
            result.append(_untuple(_finish(per_input, create_graph), in_tuple))
    return _untuple(result, out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The matrix of second derivatives of a scalar function: input.shape * 2 for one input,
    a tuple of tuples (input i, input j) for several.

    >>> hessian(lambda x: (x ** 3).sum(), minitorch.tensor([1.0, 2.0]))  # diag(6 x)
    """
    inputs, in_tuple = _as_tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        _check_scalar(out)
        return jacobian(func, xs, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    if not in_tuple:
        return result[0][0]
    return tuple(tuple(row) for row in result)


def _check_scalar(out):
    if isinstance(out, (tuple, list)) and len(out) != 1:
        raise RuntimeError("The function given to hessian should return a single Tensor")
    out = out[0] if isinstance(out, (tuple, list)) else out
    if out.numel() != 1:
        raise RuntimeError("The Tensor returned by the function given to hessian should "
                           "contain a single element")


def _scalar_output_and_gradient(func, inputs, v, create_graph, strict):
    """The start vhp and hvp share (under enable_grad): run func, check v, grad with a graph."""
    inputs = _prepare(inputs, create_graph)
    out = func(*inputs)
    _check_scalar(out)
    out = out[0] if isinstance(out, (tuple, list)) else out
    v = _check_v(v, inputs, "input to the user-provided function")
    g = _grad((out,), inputs, (None,), True, strict)
    return inputs, out, v, g


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar func: gradient, then the gradient of <grad, v>.

    >>> out, hv = vhp(lambda x: (x ** 3).sum(), minitorch.ones(2), minitorch.ones(2))
    """
    inputs, in_tuple = _as_tuple(inputs)
    with grad_mode.enable_grad():
        inputs, out, v, g = _scalar_output_and_gradient(func, inputs, v, create_graph, strict)
        result = _grad(g, inputs, v, create_graph, strict)
    return _finish((out,), create_graph)[0], _untuple(_finish(result, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a scalar func, by the double-backward trick on the gradient.
    (Equal to vhp for every twice continuously differentiable func, where H is symmetric.)

    >>> out, hv = hvp(lambda x: (x ** 3).sum(), minitorch.ones(2), minitorch.ones(2))
    """
    inputs, in_tuple = _as_tuple(inputs)
    with grad_mode.enable_grad():
        inputs, out, v, g = _scalar_output_and_gradient(func, inputs, v, create_graph, strict)
        dummies = tuple(x.new_zeros(x.shape).requires_grad_() for x in inputs)
        back = _grad(g, inputs, dummies, True, strict)               # H^T u, linear in u
        result = _grad(back, dummies, v, create_graph, strict)       # d<H^T u, v>/du = H v
    return _finish((out,), create_graph)[0], _untuple(_finish(result, create_graph), in_tuple)


__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
