"""Making tensors: tensor(), zeros/ones/full/empty, arange/linspace/eye, random sampling."""
from __future__ import annotations

import numbers
import operator
import warnings

import numpy as np

from . import backend, dtypes
from . import random as mt_random
from .tensor import Size, Tensor, _created_requiring_grad


def _infer_dtype(data):
    """torch.tensor's inference: bools -> bool, ints -> int64, floats -> default float."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return dtypes.from_numpy_dtype(data.dtype)
    if backend._cupy is not None and isinstance(data, backend._cupy.ndarray):
        return dtypes.from_numpy_dtype(data.dtype)
    kinds = set()

    def walk(x):
        if isinstance(x, Tensor):
            kinds.add(x.dtype.name)
        elif isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(x, numbers.Integral):
            kinds.add("int")
        elif isinstance(x, numbers.Real):
            kinds.add("float")
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")

    walk(data)
    if "float" in kinds or any(k.startswith("float") for k in kinds):
        return dtypes.get_default_dtype()
    if "int" in kinds or any(k.startswith("int") or k == "uint8" for k in kinds):
        return dtypes.int64
    if "bool" in kinds:
        return dtypes.bool
    return dtypes.get_default_dtype()  # empty list


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


def _to_host_array(data):
    if isinstance(data, Tensor):
        return backend.move(data._data, backend.CPU)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
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


def _check_dtype(dtype, name):
    """torch's `dtype` argument: a dtype or a Python type, never a string or NumPy dtype."""
    if dtype is None or isinstance(dtype, dtypes.dtype):
        return dtype
    if any(dtype is t for t in (float, int, bool)):
        return dtype
    raise TypeError(f"{name}(): argument 'dtype' must be torch.dtype, "
                    f"not {type(dtype).__name__}")


def _shape(size, name="empty"):
    """The shape tuple from `f(2, 3)` or `f((2, 3))`, checked like torch's `size` argument."""
    if len(size) == 1 and isinstance(size[0], bool):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                        f"not bool")
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    # torch rejects a bool first size (zeros(True), zeros((True, 2))) but, oddly, takes
    # zeros(2, True) as (2, 1); we follow it
    if size and isinstance(size[0], bool):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                        f"but found element of type bool at pos 0")
    try:
        shape = tuple(operator.index(s) for s in size)  # ints, NumPy ints, 0-d int tensors
    except TypeError:
        bad = next(s for s in size if not hasattr(s, "__index__"))
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found "
                        f"element of type {type(bad).__name__} in {tuple(size)}") from None
    for s in shape:
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _make(shape, fill, dtype, device, requires_grad):
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    xp = backend.get_xp(backend.as_device(device))
    arr = xp.full(shape, fill, dtype=dt.np) if fill is not None else xp.empty(shape, dt.np)
    t = Tensor._wrap(arr)
    return _created_requiring_grad(t) if requires_grad else t


def zeros(*size, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "zeros")
    return _make(_shape(size, "zeros"), 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "ones")
    return _make(_shape(size, "ones"), 1, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "empty")
    return _make(_shape(size, "empty"), 0, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    _check_dtype(dtype, "full")
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _make(_shape((size,), "full"), fill_value, dtype, device, requires_grad)


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


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dt = dtypes.to_dtype(dtype)
    # computed in float64 then cast, like torch, so float32 ranges have no drift
    n = max(int(np.ceil((end - start) / step)), 0)
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(dt.np) if dt.is_floating_point \
        else np.arange(start, end, step, dtype=dt.np)
    t = Tensor._wrap(backend.move(arr, backend.as_device(device)))
    return _created_requiring_grad(t) if requires_grad else t


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
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
    return _created_requiring_grad(t) if requires_grad else t


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    xp = backend.get_xp(backend.as_device(device))
    t = Tensor._wrap(xp.eye(n, m, dtype=dt.np))
    return _created_requiring_grad(t) if requires_grad else t


def _random(sample, size, dtype, device, requires_grad, generator, name):
    _check_dtype(dtype, name)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not dt.is_floating_point:
        raise NotImplementedError(
            f"{name}(): expected a floating point dtype, but got dtype={dt} "
            "(use randint for integers)")
    dev = backend.as_device(device)
    t = Tensor._wrap(sample(_shape(size, name), dt, dev, generator))
    return _created_requiring_grad(t) if requires_grad else t


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1)."""
    return _random(lambda s, dt, dev, g: mt_random.uniform(s, 0.0, 1.0, dt, dev, g),
                   size, dtype, device, requires_grad, generator, "rand")


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    return _random(lambda s, dt, dev, g: mt_random.normal(s, 0.0, 1.0, dt, dev, g),
                   size, dtype, device, requires_grad, generator, "randn")


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers in [low, high); int64 by default, like torch."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if not isinstance(size, (tuple, list)):  # randint(0, 5) forgot the size
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    arr = mt_random.integers(_shape((size,), "randint"), low, high, backend.as_device(device),
                             generator, dtype=dt.np)
    return Tensor._wrap(arr)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    arr = mt_random.permutation(int(n), backend.as_device(device), generator)
    t = Tensor._wrap(arr if dtype is None else arr.astype(dtypes.to_dtype(dtype).np))
    return t


def rand_like(input, dtype=None, device=None):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device)


def randn_like(input, dtype=None, device=None):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device)


def normal(mean, std, size=None, *, generator=None):
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        noise = randn(*ref.shape, dtype=ref.dtype, device=ref.device, generator=generator)
        return noise * std + mean
    return randn(*_shape((size,)), generator=generator) * std + mean


def bernoulli(input, p=None, *, generator=None):
    probs = input._data if p is None else p
    u = mt_random.uniform(input.shape, 0.0, 1.0, input.dtype, input.device, generator)
    return Tensor._wrap((u < probs).astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    probs = backend.move(input._data, backend.CPU).astype(np.float64)
    rng = mt_random._rng(generator)
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.stack([rng.choice(row.size, num_samples, replace=replacement, p=row / row.sum())
                    for row in rows])
    return Tensor._wrap(backend.move(out.reshape(probs.shape[:-1] + (num_samples,))
                                     .astype(np.int64), input.device))


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
    shape = _shape(args)
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
