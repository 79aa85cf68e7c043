"""Function: one differentiable operation, and the graph node it leaves behind.

Calling `SomeFunction.apply(*inputs)` runs `forward`, wraps the result in Tensors and,
when any input requires grad, records the call as a node of the graph: the instance
`ctx` *is* the node (as in torch, where `y.grad_fn` is the backward object). The engine
(`engine.py`) later calls `backward(ctx, *grad_outputs)` on it.

There are two flavours with the same machinery:

* `Function` -- torch's public API for custom ops. `forward`/`backward` receive and
  return Tensors; `ctx.save_for_backward(*tensors)` and `ctx.saved_tensors`.
* `Op` -- what minitorch's built-in ops subclass. `forward`/`backward` receive and return
  raw xp arrays (NumPy or CuPy), which skips wrapping every intermediate in a Tensor.
"""
from __future__ import annotations

import re

from .. import backend
from .. import tensor as tensor_module
from . import grad_mode

_FREED = object()  # marker for saved values released after backward
_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")  # torch's errors say "Exp", not "ExpBackward0"

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time or if you need to access saved "
    "tensors after calling backward."
)


class AccumulateGrad:
    """The node at a leaf that requires grad: adds the incoming gradient to `.grad`."""

    __slots__ = ("variable", "hooks", "__weakref__")
    edges = ()
    next_functions = ()  # a leaf's node ends the graph (as in torch)
    retained = None

    def __init__(self, variable):
        self.variable = variable
        self.hooks = None

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad object>"


class _Node:
    """State every graph node carries; mixed into Function and Op."""

    # filled in by apply()
    edges = ()            # per input: the next node (or None when it needs no grad)
    edge_nrs = ()         # per input: which output of that next node the input was
    output_meta = ()      # per output: (shape, xp dtype), to make zero gradients
    input_meta = ()       # per input: (shape, xp dtype) for un-broadcasting the gradient
    num_outputs = 1
    hooks = None          # {output_nr: [hook, ...]} from Tensor.register_hook
    retained = None       # {output_nr: weakref to tensor} from Tensor.retain_grad
    _saved = ()
    _saved_versions = ()  # ((tensor, version at save time), ...)
    _saved_results = ()   # Op: ((tensor, output_nr), ...), the outputs it saved
    _inputs = ()          # Op: the inputs as passed to apply, for `backward_graph`
    _input_versions = ()  # the versions of the Tensor inputs then, to catch in-place changes
    needs_input_grad = ()

    def save_for_backward(self, *values):
        self._saved = values

    def _check_saved(self):
        if self._saved is _FREED:
            raise RuntimeError(_FREED_MSG)
        for t, version in self._saved_versions:
            if t._version[0] != version:
                raise RuntimeError(self._modified_message(t, version))

    def _modified_message(self, t, version):
        """torch's words up to "Hint:", naming the node that made `t` as torch does: this
        node for a saved output, else t's current grad_fn (none for a leaf). torch's hint
        points to anomaly detection, which minitorch lacks; ours names the failing op."""
        source, nr = next(((self, nr) for out, nr in self._saved_results if out is t),
                          (t.grad_fn, t._output_nr))
        which = "" if source is None else (
            f", which is output {nr} of {_BACKWARD_SUFFIX.sub('', source.name())},")
        return ("one of the variables needed for gradient computation has been modified by "
                f"an inplace operation: [{t.type()} {list(t.shape)}]{which} is at version "
                f"{t._version[0]}; expected version {version} instead. Hint: the operation "
                f"that failed was {self.name()}; avoid modifying that tensor in place, or "
                "clone() it.")

    def _check_inputs(self):
        """Before `backward_graph` uses the inputs: they must be as they were at forward."""
        tensors = [x for x in self._inputs if isinstance(x, tensor_module.Tensor)]
        for x, version in zip(tensors, self._input_versions):
            if x._version[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been "
                    f"modified by an inplace operation: [{x.type()} {list(x.shape)}] is at "
                    f"version {x._version[0]}; expected version {version} instead. Hint: "
                    f"the operation that failed was {self.name()} (create_graph=True).")

    def output_tensor(self, array, output_nr=0):
        """This node's saved output `array` as a Tensor wired to the node: for a
        `backward_graph` that uses the output, as torch's formulas use `result` (its
        derivative then flows back through this node's own backward)."""
        t = tensor_module.Tensor._wrap(array)
        t.requires_grad, t.grad_fn, t._output_nr = True, self, output_nr
        return t

    def _release(self):
        if self._saved:
            self._saved = _FREED
        self._saved_versions = self._saved_results = ()
        if self._inputs:
            self._inputs = _FREED

    @property
    def next_functions(self):
        """torch's ((next node, which of its outputs), ...) per input; (None, 0) for an
        input that needs no gradient."""
        return tuple(zip(self.edges, self.edge_nrs))

    @classmethod
    def name(cls):
        return cls.__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object>"

    def became_inplace(self, out):
        """Called when this op's output `out` was written over its input (`x.relu_()`).
        An op whose backward can use `out` in place of the input it saved (torch's
        leaky_relu_, elu_) saves `out` instead and returns True."""
        return False

    def mark_dirty(self, *tensors):  # accepted for torch compatibility
        pass

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = value

    materialize_grads = True
    _non_diff = ()


def _record(node, inputs, outputs, out_tensors):
    """Wire `node` into the graph: edges to the inputs' nodes, outputs' grad_fn."""
    _record_inputs(node, inputs)
    _record_outputs(node, outputs, out_tensors)


def _record_inputs(node, inputs):
    """One pass over the inputs, per input: the next node and which of its outputs the
    input is (None, 0 when it needs no gradient), its shape and dtype (to fit the gradient
    to it), whether it needs a gradient, and its version (to catch in-place changes)."""
    Tensor = tensor_module.Tensor
    edges, nrs, meta, needs, versions = [], [], [], [], []
    for x in inputs:
        if isinstance(x, Tensor):
            versions.append(x._version[0])
            if x._requires_grad:
                grad_fn = x.grad_fn
                edges.append(x._accumulator() if grad_fn is None else grad_fn)
                nrs.append(x._output_nr)  # 0 for a leaf
                data = x._data
                meta.append((data.shape, data.dtype))
                needs.append(True)
                continue
        edges.append(None)
        nrs.append(0)
        meta.append(None)
        needs.append(False)
    node.edges, node.edge_nrs, node.input_meta = tuple(edges), tuple(nrs), tuple(meta)
    node.needs_input_grad = tuple(needs)
    node._input_versions = versions


def _record_outputs(node, outputs, out_tensors):
    """Make `node` the grad_fn of its floating-point outputs (less those forward marked
    non-differentiable)."""
    node.num_outputs = len(out_tensors)
    if node.num_outputs > 1:
        node.output_meta = tuple((t._data.shape, t._data.dtype) for t in out_tensors)
    non_diff = node._non_diff
    for i, t in enumerate(out_tensors):
        if t._data.dtype.kind == "f" and (not non_diff or id(outputs[i]) not in non_diff):
            t._requires_grad = True  # not the property: it refuses non-leaves
            t.grad_fn = node
            t._output_nr = i


def check_devices(tensors):
    kinds = {type(t._data) for t in tensors}
    if len(kinds) == 1 and backend.np.ndarray in kinds:
        return backend.CPU  # the common case, decided without building device objects
    first = None
    for t in tensors:
        if first is None:
            first = t.device
        elif t.device != first and (t.dim() > 0 or t.device.type != "cpu"):
            # a 0-dim CPU tensor beside CUDA ones is torch's "CPU scalar" (ops.promotion
            # moves it for elementwise ops); a 0-dim CUDA tensor is no scalar to the CPU
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two "
                f"devices, {first} and {t.device}!"
            )
    return first


def same_device(*tensors):
    """`check_devices` for an op whose tensors don't all reach one Op.apply (a composite,
    or an op that reads an index or a sorted sequence before it runs): torch's RuntimeError
    up front, not NumPy's or CuPy's complaint about the other library's array later.
    None arguments are skipped."""
    tensors = [t for t in tensors if t is not None]
    if len(tensors) > 1:
        check_devices(tensors)


class Op(_Node):
    """Base of the built-in ops: forward and backward work on xp arrays.

    `forward(ctx, *args, **kwargs)` gets the inputs' arrays (non-Tensor arguments pass
    through unchanged) and returns an array or a tuple of arrays. `backward(ctx, *grads)`
    returns one gradient array (or None) per positional input; the engine sums out
    broadcast dimensions, so a binary op may return gradients in the output's shape.

    An op that can be differentiated twice also has `backward_graph(ctx, *grads, *inputs)`:
    the same derivative written with minitorch ops on Tensors -- the gradients and the
    op's original inputs -- which the engine runs, recorded, under create_graph=True.
    """

    tensor_level = False  # backward sees arrays
    # `backward_graph` reads the op's inputs, so the graph keeps them alive until backward.
    # An op whose double backward needs only its saved output (torch's `result`) sets this
    # False and gets no inputs: the graph then holds no more than torch's does (ReLU's
    # input is the conv output before it, 2.5 MB per MNIST-CNN layer at batch 50).
    graph_uses_inputs = True
    materialize_grads = False  # multi-output ops handle a None gradient themselves

    @classmethod
    def apply(cls, *inputs, **kwargs):
        # This runs for every op call: one pass over the inputs, and no work for the graph
        # unless an input needs a gradient (measured in benchmarks/op_overhead.py).
        Tensor, ndarray = tensor_module.Tensor, backend.np.ndarray
        arrays, requires_grad, on_device = [], False, False
        for x in inputs:
            if isinstance(x, Tensor):
                data = x._data
                arrays.append(data)
                if x._requires_grad:
                    requires_grad = True
                if type(data) is not ndarray:
                    on_device = True
            else:
                arrays.append(x)
        if on_device:  # torch's error for inputs on two devices
            check_devices([x for x in inputs if isinstance(x, Tensor)])
        requires_grad = requires_grad and grad_mode._enabled
        ctx = cls()
        if requires_grad:
            # before forward, which reads ctx.needs_input_grad
            _record_inputs(ctx, inputs)
            # kept for create_graph=True, where `backward_graph` differentiates through them
            if cls.graph_uses_inputs:
                ctx._inputs = inputs
        token = backend.quiet_float_errors()  # inf/NaN without NumPy warnings, as torch
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        finally:
            backend.restore_float_errors(token)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        results = tuple([Tensor._wrap(o) for o in outs]) if multi else (Tensor._wrap(out),)
        if requires_grad:
            _record_outputs(ctx, outs, results)
            if ctx._saved:
                ctx._saved_versions, ctx._saved_results = _versions_of_saved(
                    ctx._saved, inputs, outs, results)
        return results if multi else results[0]

    @property
    def saved_tensors(self):
        self._check_saved()
        return self._saved


def _versions_of_saved(saved, inputs, outs, results):
    """Find which Tensors own the saved arrays, to detect later in-place changes.
    (Plain loops: an op has a few inputs and outputs, fewer than building lookup tables.)"""
    Tensor = tensor_module.Tensor
    found, saved_outputs = [], ()
    for a in saved:
        if a is None:
            continue  # a slot an op leaves empty (Mul keeps only what a gradient uses)
        owner = None
        for nr, out in enumerate(outs):
            if out is a:
                # Not the output itself: the node would then hold the cycle output.grad_fn
                # -> node -> output, which only Python's cycle collector frees; every step's
                # saved activations outlived the step until a gc pass and glibc handed out
                # fresh pages for the next one (ReLU on (50, 16, 28, 28): 400-600 page faults
                # and 1-2 ms per backward). detach() shares the array and the version counter
                # (torch's SavedVariable likewise keeps an output's counter, not the output).
                owner = results[nr].detach()
                saved_outputs += ((owner, nr),)
                break
        else:
            for x in inputs:
                if isinstance(x, Tensor) and x._data is a:
                    owner = x
                    break
        if owner is not None:
            found.append((owner, owner._version[0]))
    return tuple(found), saved_outputs


class Function(_Node):
    """torch.autograd.Function: subclass it with static `forward(ctx, ...)` and
    `backward(ctx, *grad_outputs)` working on Tensors, then call `MyFn.apply(...)`.

    >>> class Exp(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = x.exp()
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (y,) = ctx.saved_tensors
    ...         return grad * y
    """

    tensor_level = True  # backward sees Tensors

    @classmethod
    def apply(cls, *inputs, **kwargs):
        Tensor = tensor_module.Tensor
        tensors = [x for x in inputs if isinstance(x, Tensor)]
        if len(tensors) > 1:
            check_devices(tensors)  # torch's error for inputs on two devices
        requires_grad = grad_mode._enabled and any(t._requires_grad for t in tensors)
        ctx = cls()
        ctx.needs_input_grad = tuple(
            isinstance(x, Tensor) and x.requires_grad for x in inputs)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *inputs, **kwargs)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        # outputs are new Tensors sharing memory with what forward returned, and its version
        # counter (detach): an in-place change of the output then fails a backward that
        # saved it
        results = tuple(o.detach() if isinstance(o, Tensor) else o for o in outs)
        if requires_grad:
            _record(ctx, inputs, outs, results)
            ctx._saved_versions = tuple(
                (t, t._version[0]) for t in ctx._saved if isinstance(t, Tensor))
            # the saved outputs: (position in saved, output_nr)
            saved_outs = [(k, i) for k, t in enumerate(ctx._saved) for i, o in enumerate(outs)
                          if t is o]
            ctx._saved_results = tuple(  # for the error message: "output i of MyFn"
                (ctx._saved[k], i) for k, i in saved_outs)
            # those wired back to this node by saved_tensors (differentiable outputs)
            ctx._saved_outputs = tuple(
                (k, i) for k, i in saved_outs if results[i].grad_fn is ctx)
        return results if multi else results[0]

    _saved_outputs = ()

    @property
    def saved_tensors(self):
        """What forward saved. A saved *output* comes back wired to this node (as in torch),
        so a backward run with create_graph=True differentiates through it too; it is
        rebuilt on access rather than stored, which would make a reference cycle."""
        self._check_saved()
        if not self._saved_outputs or not grad_mode._enabled:
            return self._saved
        saved = list(self._saved)
        for k, i in self._saved_outputs:
            saved[k] = self.output_tensor(saved[k]._data, i)
        return tuple(saved)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("subclasses of Function must implement forward")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("subclasses of Function must implement backward")
