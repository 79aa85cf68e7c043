"""Reverse-mode automatic differentiation (torch.autograd's twin)."""
from __future__ import annotations

from .. import backend
from .. import tensor as tensor_module
from . import engine
from .function import Function, Op
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import functional  # noqa: E402  (torch.autograd.functional)
from . import graph  # noqa: E402  (torch.autograd.graph; to_dot/render pictures)
from .anomaly_mode import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                           set_detect_anomaly)


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper old tutorials use: a new leaf sharing `data`'s memory.

    Like torch, it never changes `data` itself: `Variable(t, requires_grad=True)` leaves
    `t.requires_grad` False, and `Variable(t)` is a detached alias that does not require grad.
    """
    if not isinstance(data, tensor_module.Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    return data.detach().requires_grad_(requires_grad)


def _roots(outputs, grad_outputs, create_graph):
    """The engine's starting points: (node, output_nr) and the gradient arriving there
    (an array, or a Tensor with create_graph, so an upstream gradient that requires grad
    -- a `v` in a vector-Jacobian product -- can be differentiated through too)."""
    Tensor = tensor_module.Tensor
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one gradient per output: got {len(grad_outputs)} "
                           f"gradients and {len(outputs)} outputs")
    roots, root_grads = [], []
    for i, (o, g) in enumerate(zip(outputs, grad_outputs)):
        if not o.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is not None and not isinstance(g, Tensor):  # an xp array, as Tensor.backward
            g = Tensor._wrap(backend.get_xp(o.device).asarray(g, dtype=o._data.dtype))
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = Tensor._wrap(backend.get_xp(o.device).ones_like(o._data))
        elif tuple(g.shape) != tuple(o.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{g.shape} and output[{i}] has a shape of {o.shape}.")
        roots.append((o.grad_fn if o.grad_fn is not None else o._accumulator(), o._output_nr))
        root_grads.append(g if create_graph else g._data)
    return roots, root_grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Sum of d(tensors[i])/d(leaf) weighted by grad_tensors[i], added into every leaf's
    `.grad` -- in one backward pass, so a node shared by several outputs runs once.

    With `inputs` (a Tensor or a sequence), the gradient goes only into those tensors'
    `.grad` (leaves or not), and only the part of the graph leading to them runs.
    """
    tensors = tuple(tensors) if isinstance(tensors, (tuple, list)) else (tensors,)
    if grad_tensors is not None and not isinstance(grad_tensors, (tuple, list)):
        grad_tensors = [grad_tensors]
    targets = None if inputs is None else _backward_targets(inputs)
    roots, root_grads = _roots(tensors, grad_tensors, create_graph)
    retain_graph = create_graph if retain_graph is None else retain_graph
    engine.run_backward(roots, root_grads, bool(retain_graph), bool(create_graph), targets)


def _backward_targets(inputs):
    """backward's `inputs=` as the engine's targets, the inputs' nodes. As in torch, a
    non-leaf input is made to retain its grad (from now on, also in later backwards)."""
    inputs = (inputs,) if isinstance(inputs, tensor_module.Tensor) else tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for x in inputs:
        x.retain_grad()  # a no-op for a leaf; raises torch's error for a tensor without grad
    return {x.grad_fn if x.grad_fn is not None else x._accumulator() for x in inputs}


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None):
    """d(outputs)/d(inputs) as a tuple of Tensors, without touching any `.grad`.

    With `create_graph=True` the results carry a graph, so they can be differentiated
    again (Hessian-vector products, gradient penalties, MAML's inner step).
    """
    Tensor = tensor_module.Tensor
    outputs = tuple(outputs) if isinstance(outputs, (tuple, list)) else (outputs,)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    roots, root_grads = _roots(outputs, grad_outputs, create_graph)
    targets = set()
    for x in inputs:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        targets.add(x.grad_fn if x.grad_fn is not None else x._accumulator())
    retain_graph = create_graph if retain_graph is None else retain_graph
    captured = engine.run_backward(roots, root_grads, bool(retain_graph), bool(create_graph),
                                   targets, capture=True)
    result = []
    for x in inputs:
        grads = captured.get(x.grad_fn if x.grad_fn is not None else x._accumulator())
        g = None if grads is None else grads[x._output_nr]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor._wrap(g))
    return tuple(result)


__all__ = [
    "Function",
    "GradcheckError",
    "Op",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "graph",
    "inference_mode",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]
