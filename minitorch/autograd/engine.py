"""Reverse-mode differentiation: walk the graph from the outputs back to the leaves.

`run_backward` orders the nodes topologically (a node runs only after every node that
feeds it a gradient has run), calls each node's `backward`, and sums gradients that
reach the same node along several paths. At a leaf, `AccumulateGrad` adds into `.grad`.
"""
from __future__ import annotations

from .. import backend
from .. import tensor as tensor_module
from . import grad_mode
from .function import AccumulateGrad


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`: the backward of broadcasting.

    Broadcasting prepends dimensions and stretches size-1 ones; their gradient is the
    sum over the copies. Every binary op relies on this one helper.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if extra:
        grad = grad.reshape(shape)
    return grad


def _dependencies(roots):
    """Count, for every node reachable from `roots`, how many edges point at it."""
    deps, seen, stack = {}, set(), list(roots)
    for r in roots:
        seen.add(r)
    while stack:
        node = stack.pop()
        for nxt in node.edges:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def _call_hooks(hooks, grad_array, device):
    Tensor = tensor_module.Tensor
    for hook in hooks:
        new = hook(Tensor._wrap(grad_array, device))
        if new is not None:
            grad_array = new._data
    return grad_array


def _apply_node(node, grads, device):
    """Run one node's backward; return one gradient array (or None) per input."""
    node._check_saved()
    if node.tensor_level:
        Tensor = tensor_module.Tensor
        wrapped = [None if g is None else Tensor._wrap(g, device) for g in grads]
        with grad_mode.no_grad():
            out = node.backward(node, *wrapped)
        out = out if isinstance(out, tuple) else (out,)
        return tuple(None if g is None else g._data for g in out)
    out = node.backward(node, *grads)
    return out if isinstance(out, tuple) else (out,)


def run_backward(roots, root_grads, retain_graph=False, capture=None):
    """Backpropagate `root_grads` (arrays) from `roots` ((node, output_nr) pairs).

    With `capture` (a dict {node_or_accumulator: (output_nr, None)}), gradients arriving at
    those nodes are stored in the dict instead of being accumulated into leaves'
    `.grad` (that is `autograd.grad`).
    """
    device = None
    buffers = {}  # node -> list of gradient arrays, one per output
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(node, [None] * getattr(node, "num_outputs", 1))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        device = backend.device_of(g)
    root_nodes = list(buffers)
    deps = _dependencies(root_nodes)
    ready = [n for n in root_nodes if deps.get(n, 0) == 0]
    with grad_mode.no_grad():
        while ready:
            node = ready.pop()
            grads = buffers.pop(node)
            if node.hooks:
                for nr, hooks in node.hooks.items():
                    if grads[nr] is not None:
                        grads[nr] = _call_hooks(hooks, grads[nr], device)
            if node.retained:
                for nr, ref in node.retained.items():
                    t = ref()
                    if t is not None and grads[nr] is not None:
                        _accumulate(t, grads[nr], device)
            if capture is not None and node in capture:
                capture[node] = grads[capture[node][0]]
            if isinstance(node, AccumulateGrad):
                if capture is None and grads[0] is not None:
                    _accumulate(node.variable, grads[0], device)
                continue
            if all(g is None for g in grads):
                input_grads = (None,) * len(node.edges)
            else:
                # `None in grads` would compare arrays elementwise
                if node.materialize_grads and any(g is None for g in grads):
                    grads = _materialize(node, grads)
                input_grads = _apply_node(node, grads, device)
                if node.tensor_level and len(input_grads) != len(node.edges):
                    raise RuntimeError(
                        f"function {node.name()} returned an incorrect number of gradients "
                        f"(expected {len(node.edges)}, got {len(input_grads)})")
            if not retain_graph:
                node._release()
            for nxt, nr, meta, g in zip(node.edges, node.edge_nrs, node.input_meta, input_grads):
                if nxt is None:
                    continue
                if g is not None:
                    shape, dtype = meta
                    if g.shape != shape:
                        g = unbroadcast(g, shape)
                    if g.dtype != dtype:
                        g = g.astype(dtype)
                    buf = buffers.setdefault(nxt, [None] * getattr(nxt, "num_outputs", 1))
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    if nxt in buffers:
                        ready.append(nxt)
                    else:
                        _skip(nxt, deps, buffers, ready, retain_graph)


def _skip(node, deps, buffers, ready, retain_graph):
    """A node that received no gradient at all: release it and propagate the skip."""
    stack = [node]
    while stack:
        n = stack.pop()
        if not retain_graph and not isinstance(n, AccumulateGrad):
            n._release()
        for nxt in n.edges:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                if nxt in buffers:
                    ready.append(nxt)
                else:
                    stack.append(nxt)


def _materialize(node, grads):
    """Replace missing output gradients by zeros (torch's materialize_grads)."""
    out = list(grads)
    ref = next(g for g in grads if g is not None)
    xp = backend.array_module(ref)
    for i, g in enumerate(out):
        if g is None:
            shape, dtype = node.output_meta[i]
            out[i] = xp.zeros(shape, dtype=dtype)
    return out


def _accumulate(t, grad_array, device):
    """`t.grad += grad` (a fresh array the first time, so .grad never aliases another)."""
    Tensor = tensor_module.Tensor
    if t.grad is None:
        if grad_array.dtype != t._data.dtype:
            grad_array = grad_array.astype(t._data.dtype)
        t.grad = Tensor._wrap(grad_array.copy(), device)
    else:
        t.grad._data = t.grad._data + grad_array
