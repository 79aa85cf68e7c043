"""Random factories: rand, randn, randint, randperm, normal, bernoulli, multinomial.

They draw from `minitorch.random` (a global generator or a `Generator`) and take torch's
factory arguments (factory_args.py): the size as varargs, a tuple or `size=`, `out=`,
`dtype=`, `device=`, `requires_grad=`, `generator=`.
"""
from __future__ import annotations

import operator

import numpy as np

from . import backend, dtypes
from . import random as mt_random
from .factory_args import check_dtype, finish, out_dtype, shape_of, size_arg
from .ops.promotion import check_broadcast
from .tensor import Size, Tensor


def _random(sample, shape, dtype, device, requires_grad, generator, name, out=None):
    check_dtype(dtype, name)
    dtype = out_dtype(out, dtype, name)
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    dev = backend.as_device(device) if out is None else out.device
    if not dt.is_floating_point:  # torch's words: the kernel that has no integer version
        kernel = "check_uniform_bounds" if name == "rand" else f"normal_kernel_{dev.type}"
        raise NotImplementedError(
            f'"{kernel}" not implemented for \'{dtypes.scalar_type_name(dt)}\'')
    t = Tensor._wrap(sample(shape, dt, dev, generator))
    return finish(t, name, out, requires_grad)


def rand(*args, size=None, generator=None, out=None, dtype=None, device=None,
         requires_grad=False):
    """Uniform samples in [0, 1); the size as in `zeros`."""
    return _random(lambda s, dt, dev, g: mt_random.uniform(s, 0.0, 1.0, dt, dev, g),
                   size_arg(args, size, "rand"), dtype, device, requires_grad, generator,
                   "rand", out)


def randn(*args, size=None, generator=None, out=None, dtype=None, device=None,
          requires_grad=False):
    """Standard normal samples; the size as in `zeros`."""
    return _random(lambda s, dt, dev, g: mt_random.normal(s, 0.0, 1.0, dt, dev, g),
                   size_arg(args, size, "randn"), dtype, device, requires_grad, generator,
                   "randn", out)


def _int_arg(value, name, position):
    """randint's bounds: ints (NumPy ints too), never bools or floats (torch's TypeError)."""
    if isinstance(value, (bool, np.bool_)) or not hasattr(value, "__index__"):
        raise TypeError(f"randint(): argument '{name}' (position {position}) must be int, "
                        f"not {type(value).__name__}")
    return operator.index(value)


def randint(low=None, high=None, size=None, *, generator=None, out=None, dtype=None,
            device=None, requires_grad=False):
    """Integers in [low, high); int64 by default, like torch.

    torch's two forms: randint(high, size) and randint(low, high, size), each with
    `size=` as a keyword if wanted (low defaults to 0).
    """
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = None, low, high
    if high is None:  # randint(5, size=(2,)) and randint(high=5, size=(2,))
        low, high = None, low
    if high is None:
        raise TypeError('randint() missing 2 required positional argument: "high", "size"')
    if not isinstance(size, (tuple, list)):  # randint(0, 5) forgot the size
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    high = _int_arg(high, "high", 2 if low is not None else 1)
    low = 0 if low is None else _int_arg(low, "low", 1)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    dtype = out_dtype(out, dtype, "randint")
    dt = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    dev = backend.as_device(device) if out is None else out.device
    arr = mt_random.integers(shape_of((size,), "randint"), low, high, dev, generator,
                             dtype=dt.np)
    return finish(Tensor._wrap(arr), "randint", out, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, device=None, requires_grad=False):
    dtype = out_dtype(out, dtype, "randperm")
    dev = backend.as_device(device) if out is None else out.device
    arr = mt_random.permutation(operator.index(n), dev, generator)
    t = Tensor._wrap(arr if dtype is None else arr.astype(dtypes.to_dtype(dtype).np))
    return finish(t, "randperm", out, requires_grad)


def rand_like(input, dtype=None, device=None):
    return rand(size=tuple(input.shape), dtype=dtype or input.dtype,
                device=device or input.device)


def randn_like(input, dtype=None, device=None):
    return randn(size=tuple(input.shape), dtype=dtype or input.dtype,
                 device=device or input.device)


_NORMAL_FORMS = ("(Tensor mean, Tensor std), (Tensor mean, float std = 1), "
                 "(float mean, Tensor std), (float mean, float std, tuple of ints size)")


def normal(mean, std=None, size=None, *, generator=None, out=None, dtype=None, device=None,
           requires_grad=False):
    """Samples of N(mean, std^2), in torch's four forms:

    normal(mean: Tensor, std: Tensor)       the broadcast shape of both
    normal(mean: Tensor, std: float = 1.0)  mean's shape
    normal(mean: float, std: Tensor)        std's shape
    normal(mean: float, std: float, size)   `size`; only this form takes dtype/device/
                                            requires_grad, as in torch

    The result is noise * std + mean, so it is differentiable in tensor mean and std.
    """
    mean, std = dtypes.as_python_scalar(mean), dtypes.as_python_scalar(std)
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if not tensors:
        if std is None or size is None:
            got = ", ".join(type(x).__name__ for x in (mean, std, size) if x is not None)
            raise TypeError(f"normal() received an invalid combination of arguments - got "
                            f"({got}), but expected one of: {_NORMAL_FORMS}")
        _check_std(std)
        noise = randn(size=tuple(size) if isinstance(size, list) else size,
                      generator=generator, dtype=out_dtype(out, dtype, "normal"),
                      device=device if out is None else out.device)
        return finish(noise * std + mean if (std, mean) != (1, 0) else noise, "normal", out,
                      requires_grad)
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise TypeError("normal() received an invalid combination of arguments: size, dtype, "
                        f"device and requires_grad go only with float mean and std; "
                        f"expected one of: {_NORMAL_FORMS}")
    std = 1.0 if std is None else std
    _check_std(std)
    ref = tensors[0]
    dtypes.require_kernel(f"normal_kernel_{ref.device.type}", ref,
                          lambda d: d.is_floating_point)
    check_broadcast(tensors)
    shape = Size(np.broadcast_shapes(*(tuple(t.shape) for t in tensors)))
    noise = randn(size=shape, dtype=ref.dtype, device=ref.device, generator=generator)
    return finish(noise * std + mean, "normal", out)


def _check_std(std):
    if isinstance(std, Tensor):
        if bool((std._data < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")


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
