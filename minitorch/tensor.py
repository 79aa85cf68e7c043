"""Tensor: an n-dimensional array (NumPy or CuPy) plus what autograd needs.

A Tensor holds
  _data          the xp array with the values (xp = numpy on "cpu", cupy on "cuda")
  requires_grad  whether ops on it are recorded for backward
  grad           a Tensor with d(loss)/d(self), filled in by backward() on leaves
  grad_fn        the graph node (a Function/Op instance) that produced it, None for leaves
  _version       a one-element list counting in-place changes; views share it with
                 their base, so changing either one is seen when backward checks
The math methods are thin: each calls the function of the same name in `minitorch.ops`,
where the op's forward and backward live side by side.
"""
from __future__ import annotations

import numbers
import warnings
import weakref

import numpy as np

from . import backend, dtypes, ops
from .autograd import assign_checks, engine, grad_mode
from .autograd.function import AccumulateGrad
from .tensor_methods import TensorMethods

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
               "int32": "IntTensor", "bool": "BoolTensor", "uint8": "ByteTensor",
               "float16": "HalfTensor", "int16": "ShortTensor", "int8": "CharTensor"}

_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")


def _created_requiring_grad(t):
    """`requires_grad=True` given at creation (tensor(), ones(), Parameter()): torch checks
    the dtype there with other words than requires_grad_() uses."""
    if not t.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return t.requires_grad_(True)


class Tensor(TensorMethods):
    """A multi-dimensional array with autograd; build one with `minitorch.tensor(...)`.

    `Tensor(data)` (and the legacy `FloatTensor`) is kept for old tutorials: a list
    gives float32, ints give an uninitialized float32 tensor of that shape.
    """

    __array_priority__ = 1000  # so `ndarray * tensor` calls Tensor.__rmul__
    # views (autograd/views.py): how to replay this view from its `_base`, why it must not
    # be modified in place (split outputs, made in no_grad), and a base's live views
    _view_fn = None
    _view_meta = None
    _views = None

    @property
    def grad(self):
        """The gradient backward() accumulated here (leaves, or after retain_grad())."""
        if self.grad_fn is not None and not self._retains_grad:
            # torch's hint for the classic mistake of reading a non-leaf's .grad
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        assign_checks.check_grad(self, value)
        self._grad = value

    @property
    def requires_grad(self):
        """Whether ops on this tensor are recorded for backward (settable on leaves only)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        assign_checks.check_requires_grad(self, value)
        self._requires_grad = value

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        from .creation import legacy_constructor_array

        data = legacy_constructor_array(args, dtype or dtypes.float32, device)
        self._init(data)
        if requires_grad:
            _created_requiring_grad(self)

    # A new tensor's autograd state. Class attributes, so that wrapping an op's result
    # writes two attributes instead of ten (a fifth of a small op's time); setting one on
    # a tensor overrides the default for that tensor only.
    _requires_grad = False
    _grad = None
    grad_fn = None
    _output_nr = 0        # which output of grad_fn this tensor is
    _accum = None         # a leaf's AccumulateGrad node, made when first needed
    _leaf_hooks = None
    _retains_grad = False
    _base = None          # the tensor this one is a view of

    def _init(self, data):
        self._data = data
        self._version = [0]  # a list, shared with views: one per tensor, never a default

    @classmethod
    def _wrap(cls, array, device=None):
        """Make a Tensor around an existing xp array without copying (internal)."""
        t = object.__new__(cls)
        t._data = array  # what _init does, inlined: this runs for every op's result
        t._version = [0]
        return t

    # ---- basic properties -------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    @property
    def dtype(self):
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return backend.device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self._data.shape[ops.shape.normalize_dim(dim, self.ndim)]

    def element_size(self):
        return self._data.dtype.itemsize

    ndimension = dim

    @property
    def itemsize(self):
        return self._data.dtype.itemsize

    @property
    def nbytes(self):
        """numel() * itemsize, as torch counts it (an expanded view counts every element)."""
        return int(self._data.size) * self._data.dtype.itemsize

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dim: the array's own strides, so
        views show theirs (a transpose swaps them, an expanded dim has 0)."""
        steps = tuple(s // self._data.dtype.itemsize for s in self._data.strides)
        if self._data.size == 0:  # NumPy gives an empty array zero strides: torch's are
            steps, step = [], 1   # the contiguous ones (sizes of 0 counted as 1)
            for n in reversed(self._data.shape):
                steps.insert(0, step)
                step *= max(n, 1)
            steps = tuple(steps)
        if dim is None:
            return steps
        return steps[ops.shape.normalize_dim(dim, self.ndim)]

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False  # minitorch has no complex dtypes

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    def type(self, dtype=None):
        """The type name ('minitorch.FloatTensor'), or a copy converted to `dtype`: a dtype,
        a legacy constructor (minitorch.FloatTensor) or its name ('torch.cuda.LongTensor')."""
        if dtype is None:
            prefix = "minitorch.cuda." if self.is_cuda else "minitorch."
            return prefix + _TYPE_NAMES[self.dtype.name]
        if isinstance(dtype, str):
            module, _, name = dtype.rpartition(".")
            dtype_name = next((k for k, v in _TYPE_NAMES.items() if v == name), None)
            if dtype_name is None or module not in ("torch", "minitorch", "torch.cuda",
                                                    "minitorch.cuda"):
                raise ValueError(f"invalid type: '{dtype}'")
            device = "cuda" if module.endswith("cuda") else "cpu"
            return self.to(device=device, dtype=getattr(dtypes, dtype_name))
        return self.to(getattr(dtype, "dtype", dtype))  # a dtype or FloatTensor & co.

    # ---- data access --------------------------------------------------------------
    @property
    def data(self):
        """A Tensor sharing this one's memory, detached from the graph (torch's .data)."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead.")
        if self.is_cuda:
            if not force:
                raise TypeError(
                    "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() "
                    "to copy the tensor to host memory first.")
            return backend.move(self._data, backend.CPU)
        # shares memory; a 0-d result an op left as a NumPy scalar becomes a 0-d array
        return np.asarray(self._data)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return backend.move(self._data.reshape(()), backend.CPU).item()

    def tolist(self):
        return backend.move(self._data, backend.CPU).tolist()

    def __array__(self, dtype=None, copy=None):
        # np.asarray(x) is x.numpy() in torch: it shares memory and refuses tensors
        # that require grad or live on the GPU; np.array(x) (copy=True) copies
        arr = self.numpy()
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """Wrap the result of a NumPy ufunc that ran on this tensor (`np.sin(x)`, and
        `x * ndarray`, which torch hands to NumPy) as a Tensor, as torch does: with
        NumPy's dtype, bool results as uint8 (a leftover torch keeps)."""
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return Tensor._wrap(np.asarray(array))

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __reversed__(self):
        """reversed(x) is x flipped along dim 0 (a 0-d tensor is itself), as in torch."""
        return self if self._data.ndim == 0 else self.flip(0)

    def __contains__(self, element):
        """`v in x`: whether any element of x equals v (a number or a broadcastable
        Tensor); torch refuses anything else, NumPy scalars other than numbers included."""
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                               f"passed in a {type(element)}.")
        return bool((element == self).any().item())

    def __format__(self, format_spec):
        # a 0-d tensor formats like its number (f"{loss:.3f}"); others only with "", as str
        if self._data.ndim == 0:
            return self.detach().item().__format__(format_spec)
        return object.__format__(self, format_spec)

    def __bool__(self):
        if self._data.size != 1:
            amount = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return bool(self.item())

    def _python_scalar(self):
        # float(t)/int(t) use other words (and type) than t.item() in torch
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return backend.move(self._data.reshape(()), backend.CPU).item()

    def __float__(self):
        return float(self._python_scalar())

    def __int__(self):
        return int(self._python_scalar())

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted "
                            "to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self):
        from .tensor_repr import format_tensor

        return format_tensor(self)

    # ---- autograd -----------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients")
        if not self.is_leaf and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to "
                "use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach().")
        self._requires_grad = bool(requires_grad)  # True on a non-leaf is allowed here
        return self

    def _accumulator(self):
        """The AccumulateGrad node of this leaf (one per leaf, shared by all its uses)."""
        acc = self._accum() if self._accum is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            acc.hooks = self._leaf_hooks
            self._accum = weakref.ref(acc)
        return acc

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute d(self)/d(leaf) for every leaf in the graph and add it to leaf.grad.

        With `create_graph=True` the backward pass is recorded too, so the gradients it
        leaves in `.grad` can be differentiated again (see autograd/engine.py). With
        `inputs`, only those tensors' `.grad` get the gradient.
        """
        if inputs is not None:
            from . import autograd

            return autograd.backward(self, gradient, retain_graph, create_graph, inputs)
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not self.dtype.is_floating_point:
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   "outputs")
            grad = backend.get_xp(self.device).ones_like(self._data)
        else:
            grad = gradient._data if isinstance(gradient, Tensor) else gradient
            if tuple(grad.shape) != self._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of "
                    f"{Size(grad.shape)} and output[0] has a shape of {self.shape}.")
        node = self.grad_fn if self.grad_fn is not None else self._accumulator()
        if create_graph:  # the gradient flows as a Tensor, keeping the upstream's own graph
            grad = gradient if isinstance(gradient, Tensor) else Tensor._wrap(grad)
        retain_graph = create_graph if retain_graph is None else retain_graph
        engine.run_backward([(node, self._output_nr)], [grad], bool(retain_graph),
                            bool(create_graph))

    def detach(self):
        """A new Tensor with the same memory, cut off from the graph."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        return t

    def detach_(self):
        self.grad_fn = None
        self.requires_grad = False
        return self

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf:
            return
        node = self.grad_fn
        if node.retained is None:
            node.retained = {}
        node.retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a returned
        Tensor replaces the gradient. Returns a handle with `.remove()`."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self.is_leaf:
            if self._leaf_hooks is None:
                self._leaf_hooks = {0: []}  # same layout as a node's {output_nr: hooks}
                acc = self._accum() if self._accum is not None else None
                if acc is not None:
                    acc.hooks = self._leaf_hooks
            hooks = self._leaf_hooks[0]
        else:
            node = self.grad_fn
            if node.hooks is None:
                node.hooks = {}
            hooks = node.hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call `hook(tensor)` on a leaf after backward has added into its `.grad`
        (DistributedDataParallel starts all-reducing gradients from such hooks)."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if not self.is_leaf:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if "_post_accumulate_hooks" not in self.__dict__:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return _RemovableHandle(self._post_accumulate_hooks, hook)

    # ---- devices and dtypes -----------------------------------------------------------
    def to(self, *args, **kwargs):
        """`to(device)`, `to(dtype)`, `to(device, dtype)`, `to(other_tensor)`."""
        dev, dt = None, kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        for a in args:
            if isinstance(a, Tensor):
                dev, dt = a.device, a.dtype
            elif isinstance(a, dtypes.dtype) or a in (float, int, bool):  # as torch
                dt = a
            elif a is not None:
                dev = a
        out = self
        if dt is not None and dtypes.to_dtype(dt) != self.dtype:
            out = ops.promotion.cast(out, dtypes.to_dtype(dt))
        if dev is not None:
            dev = backend.as_device(dev)
            if dev != out.device:
                out = ops.promotion.to_device(out, dev)
        return out

    def cuda(self, device=None, non_blocking=False):
        return self.to(backend.as_device("cuda" if device is None else device))

    def cpu(self):
        return self.to(backend.CPU)

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def byte(self):
        return self.to(dtypes.uint8)

    def char(self):
        return self.to(dtypes.int8)

    def short(self):
        return self.to(dtypes.int16)

    def pin_memory(self):
        return self

    def share_memory_(self):
        return self

    def __reduce__(self):
        # pickling (whole-module save) keeps the values, dtype and requires_grad
        from .creation import _rebuild_tensor

        return (_rebuild_tensor, (backend.move(self._data, backend.CPU), self.requires_grad,
                                  str(self.device)))


class Size(tuple):
    """torch.Size: a tuple of ints with torch's repr and numel()."""

    def __repr__(self):
        return f"minitorch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


class _RemovableHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


__all__ = ["Tensor", "Size", "is_tensor", "grad_mode"]
