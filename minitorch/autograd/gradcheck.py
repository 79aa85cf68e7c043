"""gradcheck: compare backward's gradients with central finite differences (float64)."""
from __future__ import annotations

import numpy as np

from .. import backend
from . import grad_mode


class GradcheckError(RuntimeError):
    pass


def _numerical_jacobian_column(fn, inputs, i, eps):
    """d(all outputs, flattened)/d(inputs[i]), one column per element of inputs[i]."""
    x = inputs[i]
    cols = []
    # element by element through x's own strides (reshape(-1) of a non-contiguous array
    # would be a copy, and the perturbation would never reach x)
    for k in np.ndindex(*x._data.shape):
        orig = x._data[k].item()
        x._data[k] = orig + eps
        with grad_mode.no_grad():
            plus = _flat_outputs(fn(*inputs))
        x._data[k] = orig - eps
        with grad_mode.no_grad():
            minus = _flat_outputs(fn(*inputs))
        x._data[k] = orig
        cols.append((plus - minus) / (2 * eps))
    if not cols:  # an empty input: a Jacobian with no columns
        with grad_mode.no_grad():
            return np.zeros((_flat_outputs(fn(*inputs)).size, 0))
    return np.stack(cols, axis=1)


def _flat_outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return np.concatenate([backend.move(o._data, backend.CPU).reshape(-1).astype(np.float64)
                           for o in outs if hasattr(o, "_data")])


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if the analytical Jacobian of `func` matches the numerical one.

    Inputs that require grad should be float64 (float32 finite differences are too noisy).
    The analytical Jacobian is built row by row with one backward per output element.
    """
    from ..tensor import Tensor

    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    out = func(*inputs)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if isinstance(o, Tensor) and o.requires_grad]
    n_out = sum(o.numel() for o in outs)
    for i in diff:
        x = inputs[i]
        numerical = _numerical_jacobian_column(func, inputs, i, eps)
        analytical = np.zeros((n_out, x.numel()))
        row = 0
        for o in outs:
            for k in range(o.numel()):
                seed = np.zeros(o.numel(), dtype=o._data.dtype)
                seed[k] = 1
                x.grad = None
                o.backward(Tensor._wrap(backend.move(seed.reshape(o.shape), o.device)),
                           retain_graph=True)
                if x.grad is not None:
                    analytical[row] = backend.move(x.grad._data, backend.CPU).reshape(-1)
                row += 1
        x.grad = None
        if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(
                    f"Jacobian mismatch for output 0 with respect to input {i},\n"
                    f"numerical:{numerical}\nanalytical:{analytical}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True):
    """True if second derivatives (create_graph=True backward) match finite differences.

    It is gradcheck of the function (inputs, v) -> d(sum(func(inputs) * v))/d(inputs):
    its Jacobian, from `autograd.grad(..., create_graph=True)`, against finite
    differences of the first-order backward. That checks each op's `backward_graph`
    with respect to both the inputs and the upstream gradient v.
    `grad_outputs` default to random float64 tensors (that require grad) of the outputs'
    shapes.
    """
    from ..tensor import Tensor
    from . import grad as autograd_grad

    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    out = func(*inputs)
    outs = [o for o in (out if isinstance(out, (tuple, list)) else (out,))
            if isinstance(o, Tensor) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            Tensor._wrap(backend.move(rng.standard_normal(o.shape).astype(o._data.dtype),
                                      o.device)).requires_grad_()
            for o in outs]
    grad_outputs = list(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        # gradcheck's finite differences run under no_grad: they see the fast array
        # backward; its analytical pass differentiates the recorded `backward_graph`s.
        # So a formula that drifts from its array backward fails here too.
        recorded = grad_mode.is_grad_enabled()
        with grad_mode.enable_grad():
            res = func(*args[:n_in])
            res = [o for o in (res if isinstance(res, (tuple, list)) else (res,))
                   if isinstance(o, Tensor) and o.requires_grad]
            grads = autograd_grad(res, diff, args[n_in:], create_graph=recorded,
                                  allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
