"""Reverse-mode differentiation: walk the graph from the outputs back to the leaves.

Every Tensor made by an op that needed gradients points at its graph node (`grad_fn`),
and every node points at the nodes of its inputs (`edges`). Backward is then, in short:

    def backward(root, grad):
        grads = {root: grad}                        # the gradient arriving at each node
        for node in topological_order(root):        # a node only after all its consumers
            g = grads.pop(node)
            if node is a leaf's AccumulateGrad:
                node.variable.grad += g             # the result: leaf.grad
                continue
            for next_node, g_in in zip(node.edges, node.backward(g)):
                # paths that meet add up: d/dx (f(x) + g(x)) = f'(x) + g'(x)
                grads[next_node] = grads.get(next_node, 0) + g_in

The topological order needs no sort: `_dependencies` counts, for every node, the edges
that point at it; a node is ready when that many gradients have arrived. `run_backward`
below is this loop plus what torch adds: tensor hooks, `retain_grad`, several outputs
per node, gradients that must be summed back over broadcast dims (`unbroadcast`),
freeing saved tensors (`retain_graph`), and `inputs=` (only the part of the graph that
leads to the given tensors runs; `autograd.grad` returns their gradients instead of
adding them to `.grad`).

Two ways to run a node's backward (one loop serves both):

* first order (`create_graph=False`, the training case): gradients are raw xp arrays and
  each op's array `backward` runs with grad mode off -- nothing is recorded, nothing is
  wrapped, so it is as fast as the arithmetic.
* `create_graph=True` (gradients of gradients): gradients are Tensors and each op's
  `backward_graph` -- the same derivative written with differentiable minitorch ops on
  the op's original input Tensors -- runs with grad mode on, so the gradient carries a
  graph of its own that can be differentiated again, to any order. The registry test
  (tests/test_double_backward.py) checks that the two backwards agree for every op.
"""
from __future__ import annotations

from .. import backend, dtypes
from .. import tensor as tensor_module
from . import anomaly_mode, grad_mode
from .function import _FREED, _FREED_MSG, AccumulateGrad


def unbroadcast(grad, shape):
    """Sum `grad` (an array or a Tensor) down to `shape`: the backward of broadcasting.

    Broadcasting prepends dimensions and stretches size-1 ones; their gradient is the
    sum over the copies. Every binary op relies on this one helper.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    if isinstance(grad, tensor_module.Tensor):
        return grad.sum(dim=axes, keepdim=True).reshape(shape) if axes else grad.reshape(shape)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if extra:
        grad = grad.reshape(shape)
    return grad


# ---- the loop -----------------------------------------------------------------------------
def run_backward(roots, root_grads, retain_graph=False, create_graph=False, targets=None,
                 capture=False):
    """Backpropagate `root_grads` from `roots` ((node, output_nr) pairs).

    The gradients are xp arrays, or Tensors with `create_graph=True` (then the backward
    pass is itself recorded, and every gradient it produces can be differentiated).

    targets: None runs the whole graph and adds into every leaf's `.grad`. Otherwise the
    nodes of backward's `inputs=` or of autograd.grad's inputs (a set): only nodes that
    lead to one of them run. With `capture` nothing is added to any `.grad`, and the
    gradients arriving at the targets are returned ({node: one gradient per output}).
    """
    buffers = _seed(roots, root_grads)
    deps = _dependencies(list(buffers))
    needed = None if targets is None else _leading_to(list(buffers), targets)
    if needed is not None:
        for node in [n for n in buffers if n not in needed]:
            del buffers[node]
    ready = [n for n in buffers if deps.get(n, 0) == 0]
    captured = {}
    # inf/NaN gradients are computed silently, as torch does (0 * inf in a backward
    # is NaN, not a NumPy RuntimeWarning); only NumPy has warnings to silence
    with grad_mode.set_grad_enabled(create_graph), backend.ignore_float_errors(backend.np):
        while ready:
            node = ready.pop()
            grads = _arrived(node, buffers.pop(node))
            if capture and node in targets:
                captured[node] = grads
            if isinstance(node, AccumulateGrad):
                if not capture and grads[0] is not None:
                    _accumulate(node.variable, grads[0])
                    for hook in getattr(node.variable, "_post_accumulate_hooks", ()):
                        hook(node.variable)  # e.g. DDP starts a bucket's all-reduce here
                continue
            input_grads = _call_backward(node, grads, create_graph)
            if not retain_graph:
                node._release()
            _send(node, input_grads, buffers, deps, ready, needed, retain_graph, create_graph)
    return captured


def _seed(roots, root_grads):
    """The gradient buffers to start from: {node: one gradient (or None) per output}."""
    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(node, [None] * getattr(node, "num_outputs", 1))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    return buffers


def _dependencies(roots):
    """Count, for every node reachable from `roots`, how many edges point at it."""
    deps, seen, stack = {}, set(roots), list(roots)
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


def _leading_to(roots, targets):
    """The nodes reachable from `roots` from which a target can be reached (targets too):
    the only ones whose backward is needed (torch skips the rest, and their hooks)."""
    order, seen, stack = [], set(), [(r, False) for r in roots]
    while stack:  # iterative post-order: a node after every node it points at
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((nxt, False) for nxt in node.edges if nxt is not None)
    needed = set()
    for node in order:
        if node in targets or any(nxt in needed for nxt in node.edges):
            needed.add(node)
    return needed


def _arrived(node, grads):
    """The gradients at `node` after its tensors' hooks, stored where `retain_grad` asked."""
    if node.hooks:
        for nr, hooks in node.hooks.items():
            if grads[nr] is not None:
                grads[nr] = _call_hooks(hooks, grads[nr])
    if node.retained:
        for nr, ref in node.retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _accumulate(t, grads[nr])
    return grads


def _call_backward(node, grads, create_graph):
    """One gradient (or None) per input of `node`, from its backward."""
    if all(g is None for g in grads):  # `None in grads` would compare arrays elementwise
        return (None,) * len(node.edges)
    if node.materialize_grads and any(g is None for g in grads):
        grads = _materialize(node, grads, create_graph)
    if create_graph:
        input_grads = _apply_node_graph(node, grads)
    else:
        input_grads = _apply_node(node, grads)
    if node.tensor_level and len(input_grads) != len(node.edges):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(node.edges)}, got {len(input_grads)})")
    if anomaly_mode._enabled:
        anomaly_mode.check_gradients(node, input_grads)
    return input_grads


def _send(node, input_grads, buffers, deps, ready, needed, retain_graph, create_graph):
    """Add each input gradient to the buffer of the node it goes to; a node whose last
    consumer has now run becomes ready (or is skipped when no gradient reached it)."""
    for nxt, nr, meta, g in zip(node.edges, node.edge_nrs, node.input_meta, input_grads):
        if nxt is None:
            continue
        if g is not None and (needed is None or nxt in needed):
            shape, dtype = meta
            if create_graph or g.shape != shape or g.dtype != dtype:
                g = _fit(g, shape, dtype)
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


# ---- one node ------------------------------------------------------------------------------
def _call_hooks(hooks, grad):
    Tensor = tensor_module.Tensor
    as_tensor = isinstance(grad, Tensor)  # create_graph: hooks see (and return) the graph
    for hook in hooks:
        new = hook(grad if as_tensor else Tensor._wrap(grad))
        if new is not None:
            grad = new if as_tensor else new._data
    return grad


def _apply_node(node, grads):
    """Run one node's array backward; return one gradient array (or None) per input."""
    node._check_saved()
    if node.tensor_level:
        Tensor = tensor_module.Tensor
        wrapped = [None if g is None else Tensor._wrap(g) for g in grads]
        with grad_mode.no_grad():
            out = node.backward(node, *wrapped)
        out = out if isinstance(out, tuple) else (out,)
        return tuple(None if g is None else g._data for g in out)
    out = node.backward(node, *grads)
    return out if isinstance(out, tuple) else (out,)


def _apply_node_graph(node, grads):
    """create_graph=True: run one node's backward on Tensors, recording it (grad mode is on).

    A custom `Function`'s backward is Tensor code already; a built-in op runs its
    `backward_graph(ctx, *grads, *inputs)`, which gets the op's original input Tensors
    (still wired into the graph), so d(grad_x)/dx flows back through them.
    """
    node._check_saved()
    if node.tensor_level:
        out = node.backward(node, *grads)
    else:
        formula = getattr(node, "backward_graph", None)
        if formula is None:
            raise RuntimeError(
                f"{type(node).__name__} has no double-backward formula yet: it cannot be "
                "differentiated with create_graph=True (add a `backward_graph` beside its "
                "`backward`)")
        if node._inputs is _FREED:
            raise RuntimeError(_FREED_MSG)
        node._check_inputs()
        out = formula(node, *grads, *node._inputs)  # () for ops that keep no inputs
    return out if isinstance(out, tuple) else (out,)


def _fit(g, shape, dtype):
    """The gradient for an input of `shape` and xp `dtype`: sum out broadcast dims, cast."""
    if g.shape != shape:
        g = unbroadcast(g, shape)
    if isinstance(g, tensor_module.Tensor):
        if g._data.dtype != dtype:
            g = g.to(dtypes.from_numpy_dtype(dtype))
    elif g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _materialize(node, grads, create_graph=False):
    """Replace missing output gradients by zeros (torch's materialize_grads)."""
    out = list(grads)
    ref = next(g for g in grads if g is not None)
    xp = backend.array_module(ref._data if create_graph else ref)
    for i, g in enumerate(out):
        if g is None:
            shape, dtype = node.output_meta[i]
            out[i] = xp.zeros(shape, dtype=dtype)
            if create_graph:
                out[i] = tensor_module.Tensor._wrap(out[i])
    return out


def _accumulate(t, grad):
    """`t.grad += grad` (a fresh array the first time, so .grad never aliases another).

    With create_graph the gradient is a Tensor with a graph, and `.grad` keeps that graph
    (torch: `x.grad` then has a grad_fn); the sum is out of place so the graph stays valid.
    """
    Tensor = tensor_module.Tensor
    if isinstance(grad, Tensor):
        if grad._data.dtype != t._data.dtype:
            grad = grad.to(t.dtype)
        if t.grad is None:
            t.grad = grad if grad.grad_fn is not None else Tensor._wrap(grad._data.copy())
        else:
            t.grad = t.grad + grad
        return
    if t.grad is None:
        if grad.dtype != t._data.dtype:
            grad = grad.astype(t._data.dtype)
        t.grad = Tensor._wrap(grad.copy())
    else:
        t.grad._data = t.grad._data + grad
