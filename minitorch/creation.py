"""Making tensors: tensor(), zeros/ones/full/empty, arange/linspace/eye (random ones:
sampling.py)."""
from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np

from . import backend, dtypes
from .factory_args import check_dtype as _check_dtype
from .factory_args import finish, out_dtype, shape_of, size_arg

# the random factories (rand, randn, randint, normal, ...) live in sampling.py
from .sampling import (  # noqa: F401
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
)
from .tensor import Size, Tensor, _created_requiring_grad


def _infer_dtype(data):
    """torch.tensor's inference: each number has a dtype -- bool, int64, the default float
    for Python numbers, its own for NumPy scalars and Tensors -- and the list gets the
    `promote_types` of them all ([np.float64(1), 2.0] is float64, [np.int8(1), 2] int64)."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return dtypes.from_numpy_dtype(data.dtype)
    if backend._cupy is not None and isinstance(data, backend._cupy.ndarray):
        return dtypes.from_numpy_dtype(data.dtype)
    found = set()

    def walk(x):
        if isinstance(x, (Tensor, np.ndarray, np.generic)):
            found.add(dtypes.to_dtype(x.dtype))
        elif isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, (bool, numbers.Real)):
            found.add(dtypes.scalar_dtype(x))
        elif isinstance(x, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")

    first = data  # torch measures the shape along the first elements, and a str is a
    while isinstance(first, (list, tuple)) and first:  # sequence with no end: ['a'] has
        first = first[0]                                # 'too many dimensions'
    if isinstance(first, str) and first is not data:
        raise ValueError("too many dimensions 'str'")
    walk(data)
    if not found:
        return dtypes.get_default_dtype()  # an empty list
    return functools.reduce(dtypes.promote_types, found)


def _check_nested(data):
    """Raise torch's error for a ragged or mixed nested list (the first element of each
    level fixes that level's length, as in torch)."""
    sizes, x = [], data
    while isinstance(x, (list, tuple)):
        sizes.append(len(x))
        x = x[0] if len(x) else None

    def walk(x, dim):
        if dim == len(sizes):
            if isinstance(x, (list, tuple)):
                raise TypeError(f"must be real number, not {type(x).__name__}")
            return
        if not isinstance(x, (list, tuple)):
            raise TypeError("not a sequence")
        if len(x) != sizes[dim]:
            raise ValueError(
                f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(x)})")
        for y in x:
            walk(y, dim + 1)

    walk(data, 0)


def _has_tensor(data):
    return isinstance(data, Tensor) or (
        isinstance(data, (list, tuple)) and any(_has_tensor(x) for x in data))


def _to_host_array(data):
    if isinstance(data, Tensor):
        return backend.move(data._data, backend.CPU)
    if isinstance(data, (list, tuple)) and _has_tensor(data):
        # element by element: NumPy would read each Tensor through __array__, which
        # (as x.numpy() in torch) refuses tensors that require grad or live on a GPU
        return np.array([_to_host_array(x) for x in data])
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    try:
        return np.asarray(data)
    except ValueError:  # NumPy's "inhomogeneous shape": say where, in torch's words
        _check_nested(data)
        raise


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (a number, nested list, array or Tensor).

    >>> minitorch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    _check_dtype(dtype, "tensor")
    dt = dtypes.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if device is None and isinstance(data, Tensor):
        dev = data.device
    else:
        dev = backend.as_device(device)
    if dev.type == "cuda" and not isinstance(data, (list, tuple, numbers.Number)) \
            and not isinstance(data, np.ndarray) and not isinstance(data, Tensor):
        arr = backend.require_cupy().array(data, dtype=dt.np)
    else:
        arr = backend.move(np.array(_to_host_array(data), dtype=dt.np), dev)
    t = Tensor._wrap(arr)
    if requires_grad:
        _created_requiring_grad(t)
    return t


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype) and \
            (device is None or data.device == backend.as_device(device)):
        return data
    if isinstance(data, np.ndarray) and device is None and dtype is None:
        return from_numpy(data)
    if isinstance(data, Tensor):  # keeps the graph, like torch.as_tensor
        return data.to(device=device, dtype=dtype)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (changes show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)  # raises for unsupported dtypes
    return Tensor._wrap(ndarray)


def _make(shape, fill, dtype, device, requires_grad, out=None, name="empty"):
    dtype = out_dtype(out, dtype, name)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    xp = backend.get_xp(backend.as_device(device) if out is None else out.device)
    arr = xp.full(shape, fill, dtype=dt.np) if fill is not None else xp.empty(shape, dt.np)
    return finish(Tensor._wrap(arr), name, out, requires_grad)


# zeros(2, 3), zeros((2, 3)), zeros([2, 3]) and zeros(size=(2, 3)) all work, as in torch
def zeros(*args, size=None, out=None, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "zeros")
    return _make(size_arg(args, size, "zeros"), 0, dtype, device, requires_grad, out, "zeros")


def ones(*args, size=None, out=None, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "ones")
    return _make(size_arg(args, size, "ones"), 1, dtype, device, requires_grad, out, "ones")


def empty(*args, size=None, out=None, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "empty")
    return _make(size_arg(args, size, "empty"), 0, dtype, device, requires_grad, out, "empty")


def full(size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "full")
    fill_value = dtypes.as_python_scalar(fill_value)  # np.int64(2) fills int64, as 2 does
    dtype = out_dtype(out, dtype, "full")
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _make(shape_of((size,), "full"), fill_value, dtype, device, requires_grad, out,
                 "full")


def _like(input, fill, dtype, device, requires_grad):
    return _make(input.shape, fill, dtype or input.dtype, device or input.device,
                 requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "zeros_like")
    return _like(input, 0, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "ones_like")
    return _like(input, 1, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "empty_like")
    return _like(input, 0, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "full_like")
    return _like(input, fill_value, dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False, *,
           out=None):
    # NumPy scalars count as the Python numbers torch reads them as (np.bool_ as float)
    start, end, step = (dtypes.as_python_scalar(v) for v in (start, end, step))
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dtype = out_dtype(out, dtype, "arange")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dt = dtypes.to_dtype(dtype)
    # computed in float64 then cast, like torch, so float32 ranges have no drift
    n = max(int(np.ceil((end - start) / step)), 0)
    if out is not None and out.numel() not in (0, n):
        warnings.warn(
            f"The number of elements in the out tensor of shape {list(out.shape)} is "
            f"{out.numel()} which does not match the computed number of elements {n}. Note "
            "that this may occur as a result of rounding error. The out tensor will be "
            f"resized to a tensor of shape ({n},).", UserWarning, stacklevel=2)
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(dt.np) if dt.is_floating_point \
        else np.arange(start, end, step, dtype=dt.np)
    t = Tensor._wrap(backend.move(arr, backend.as_device(device)))
    return finish(t, "arange", out, requires_grad, keep_out_shape=True)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False, *, out=None):
    start, end, steps = (dtypes.as_python_scalar(v) for v in (start, end, steps))
    dtype = out_dtype(out, dtype, "linspace")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    # torch fills the first half from start and the second half from end (symmetry)
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    idx = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    arr = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if steps == 1:  # torch: a single point is `start`
        arr = np.full(1, start, dtype=np.float64)
    t = Tensor._wrap(backend.move(arr.astype(dt.np), backend.as_device(device)))
    return finish(t, "linspace", out, requires_grad, keep_out_shape=True)


def eye(n, m=None, dtype=None, device=None, requires_grad=False, *, out=None):
    dtype = out_dtype(out, dtype, "eye")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    for name, size in (("n", n), ("m", m)):
        if size is not None and size < 0:  # NumPy's error would be a ValueError
            raise RuntimeError(f"{name} must be greater or equal to 0, got {size}")
    xp = backend.get_xp(backend.as_device(device))
    t = Tensor._wrap(xp.eye(n, m, dtype=dt.np))
    return finish(t, "eye", out, requires_grad)


def legacy_constructor_array(args, dtype, device):
    """`Tensor(2, 3)` (uninitialized of that shape), `Tensor([1, 2])`, `Tensor(ndarray)`."""
    dev = backend.as_device(device)
    if len(args) == 1 and not isinstance(args[0], numbers.Integral):
        data = args[0]
        if isinstance(data, Tensor):
            return data._data
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if isinstance(data, numbers.Number):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return backend.move(np.array(_to_host_array(data), dtype=dtype.np), dev)
    shape = shape_of(args)
    return backend.get_xp(dev).zeros(shape, dtype=dtype.np)


def _rebuild_tensor(array, requires_grad, device):
    """Unpickling hook of Tensor.__reduce__ (used by whole-object save/load)."""
    t = Tensor._wrap(backend.move(array, backend.as_device(device)))
    if requires_grad:
        t.requires_grad = True
    return t


def _legacy_type(name, dtype):
    def construct(*args, device=None):
        if len(args) == 1 and isinstance(args[0], Tensor):
            return args[0].to(dtype)
        return Tensor._wrap(legacy_constructor_array(args, dtype, device))

    construct.__name__ = name
    construct.dtype = dtype  # lets x.type(FloatTensor) find the dtype
    construct.__doc__ = f"Legacy constructor: {name}(list) or {name}(*sizes), dtype {dtype}."
    return construct


FloatTensor = _legacy_type("FloatTensor", dtypes.float32)
DoubleTensor = _legacy_type("DoubleTensor", dtypes.float64)
LongTensor = _legacy_type("LongTensor", dtypes.int64)
IntTensor = _legacy_type("IntTensor", dtypes.int32)
BoolTensor = _legacy_type("BoolTensor", dtypes.bool)
ByteTensor = _legacy_type("ByteTensor", dtypes.uint8)

__all__ = ["Size"]
