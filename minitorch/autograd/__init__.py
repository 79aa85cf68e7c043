"""Reverse-mode automatic differentiation (torch.autograd's twin)."""
from __future__ import annotations

from .. import backend
from .. import tensor as tensor_module
from . import engine
from .function import Function, Op
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper old tutorials use: a new leaf sharing `data`'s memory.

    Like torch, it never changes `data` itself: `Variable(t, requires_grad=True)` leaves
    `t.requires_grad` False, and `Variable(t)` is a detached alias that does not require grad.
    """
    if not isinstance(data, tensor_module.Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    return data.detach().requires_grad_(requires_grad)


def backward(tensors, grad_tensors=None, retain_graph=None):
    tensors = tensors if isinstance(tensors, (tuple, list)) else (tensors,)
    grads = grad_tensors if isinstance(grad_tensors, (tuple, list)) else (
        [grad_tensors] * len(tensors) if grad_tensors is not None else [None] * len(tensors))
    for t, g in zip(tensors, grads):
        t.backward(g, retain_graph=True if retain_graph is None and len(tensors) > 1
                   else retain_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """d(outputs)/d(inputs) as a tuple of Tensors, without touching any `.grad`."""
    if create_graph:
        raise NotImplementedError("minitorch does not support create_graph=True")
    Tensor = tensor_module.Tensor
    outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    roots, root_grads = [], []
    for o, g in zip(outputs, grad_outputs):
        if not o.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g_arr = backend.get_xp(o.device).ones_like(o._data)
        else:
            g_arr = g._data
        roots.append((o.grad_fn if o.grad_fn is not None else o._accumulator(), o._output_nr))
        root_grads.append(g_arr)
    capture = {}
    for x in inputs:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        node = x.grad_fn if x.grad_fn is not None else x._accumulator()
        capture[node] = (x._output_nr, None)
    engine.run_backward(roots, root_grads, bool(retain_graph), capture=capture)
    result = []
    for x in inputs:
        node = x.grad_fn if x.grad_fn is not None else x._accumulator()
        g = capture[node]
        if isinstance(g, tuple):  # never reached
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(None)
        else:
            result.append(Tensor._wrap(g))
    return tuple(result)


__all__ = ["Function", "Op", "Variable", "backward", "grad", "gradcheck", "GradcheckError",
           "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]
