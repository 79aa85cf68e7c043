"""var_mean and std_mean: the spread and the mean of the same elements, in one call.

They are var/std and mean side by side (reduce.py), so the numbers, the correction rules
and the gradients are exactly those ops'.
"""
from __future__ import annotations

from .reduce import mean, std, var
from .registry import public


def _check_float(input, name):
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


@public
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over dim (None: all elements); correction=1 (unbiased) by default.

    >>> v, m = minitorch.var_mean(minitorch.tensor([1., 2., 3.]))  # (1., 2.)
    """
    _check_float(input, "var_mean")
    if isinstance(dim, bool):  # var_mean(x, False): the old positional `unbiased`
        dim, unbiased = None, dim
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


@public
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over dim; see var_mean."""
    _check_float(input, "std_mean")
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))
