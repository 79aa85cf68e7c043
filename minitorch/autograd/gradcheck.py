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
    flat = x._data.reshape(-1)
    cols = []
    for k in range(flat.size):
        orig = flat[k].item()
        flat[k] = orig + eps
        with grad_mode.no_grad():
            plus = _flat_outputs(fn(*inputs))
        flat[k] = orig - eps
        with grad_mode.no_grad():
            minus = _flat_outputs(fn(*inputs))
        flat[k] = orig
        cols.append((plus - minus) / (2 * eps))
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


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
