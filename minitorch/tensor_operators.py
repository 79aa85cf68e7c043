"""Python's operators on Tensor (+ - * / // % ** @ & | ^, comparisons, x OP= y, x[i]),
as torch defines them.

- Each binary operator answers NotImplemented for an operand torch's operators don't take
  (anything but a Tensor or a number), and when the op raises TypeError. Python then
  tries the other operand: `x * ndarray` becomes NumPy's multiply (through
  Tensor.__array__ / __array_wrap__, in NumPy's dtype), `ndarray * x` and `x < [1]` raise
  Python's TypeError, `x == None` is False -- all as in torch.
- NumPy scalars act as the Python numbers torch reads them as (ops/promotion.py).
- & | ^ are bitwise (logical on bools), as in torch.
"""
from __future__ import annotations

import numbers

from . import backend, dtypes, ops


def _operator(fn):
    """A binary operator that answers NotImplemented when the op raises TypeError, as
    torch's do: Python then tries the other operand's reflected method, so
    `x * ndarray` is computed by NumPy (through __array__ / __array_wrap__, giving
    NumPy's dtype) and `ndarray < x` raises Python's "not supported" TypeError."""

    def operator(self, other):
        if not (hasattr(other, "_data") or isinstance(other, (numbers.Number, backend.np.generic))):
            return NotImplemented  # torch's operators take Tensors and numbers only
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented

    operator.__name__ = operator.__qualname__ = fn.__name__
    return operator


def _bitwise(input, other, name):
    """&, | and ^ as torch: bitwise on integer and bool tensors (logical on bools),
    not implemented for floating ones."""
    (a, b), dt = ops.promotion.promote(input, other)
    if dt.is_floating_point:
        device = next(x for x in (input, other) if hasattr(x, "_data")).device.type
        raise NotImplementedError(
            f'"{name}_{device}" not implemented for \'{dtypes.scalar_type_name(dt)}\'')
    return ops.comparison.Compare.apply(a, b, name)


_equal = _operator(lambda self, other: ops.eq(self, other))


def _check_numpy_index(index):
    """torch takes NumPy integers as indices like ints, but no other NumPy scalar (not
    even np.bool_, though a Python bool adds a dim as in NumPy)."""
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, backend.np.generic) and not isinstance(item, backend.np.integer):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                f"Variables are valid indices (got numpy.{type(item).__name__})")


class TensorOperators:
    """Mixin of Tensor: the operator methods. The in-place ones write through
    `self._inplace` (tensor_methods.py), like add_ and friends."""

    # ---- arithmetic operators ------------------------------------------------------
    @_operator
    def __add__(self, other): return ops.add(self, other)
    @_operator
    def __radd__(self, other): return ops.add(other, self)
    @_operator
    def __sub__(self, other): return ops.sub(self, other)
    @_operator
    def __rsub__(self, other): return ops.sub(other, self)
    @_operator
    def __mul__(self, other): return ops.mul(self, other)
    @_operator
    def __rmul__(self, other): return ops.mul(other, self)
    @_operator
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other):
        # torch computes other / x as x.reciprocal() * other, for any `other`: so
        # `ndarray / x` is NumPy's multiply (while `ndarray * x` raises); we do the same
        try:
            return self.reciprocal() * other
        except TypeError:
            return NotImplemented
    @_operator
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    @_operator
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)
    @_operator
    def __mod__(self, other): return ops.remainder(self, other)
    @_operator
    def __rmod__(self, other): return ops.remainder(other, self)
    @_operator
    def __pow__(self, other): return ops.pow(self, other)
    @_operator
    def __rpow__(self, other): return ops.pow(other, self)
    @_operator
    def __matmul__(self, other): return ops.matmul(self, other)
    @_operator
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self):
        if self.dtype is dtypes.bool:  # torch refuses it too (+ is arithmetic)
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self
    def __abs__(self): return ops.abs(self)
    def __invert__(self): return ops.logical_not(self)
    @_operator
    def __and__(self, other): return _bitwise(self, other, "bitwise_and")
    @_operator
    def __rand__(self, other): return _bitwise(other, self, "bitwise_and")
    @_operator
    def __or__(self, other): return _bitwise(self, other, "bitwise_or")
    @_operator
    def __ror__(self, other): return _bitwise(other, self, "bitwise_or")
    @_operator
    def __xor__(self, other): return _bitwise(self, other, "bitwise_xor")
    @_operator
    def __rxor__(self, other): return _bitwise(other, self, "bitwise_xor")
    def __eq__(self, other):
        if isinstance(other, backend.np.ndarray):
            # torch's == alone reads an array as a tensor (x != array is Python's identity)
            from .creation import from_numpy

            other = from_numpy(other).to(self.device)
        return _equal(self, other)
    @_operator
    def __ne__(self, other): return ops.ne(self, other)
    @_operator
    def __lt__(self, other): return ops.lt(self, other)
    @_operator
    def __le__(self, other): return ops.le(self, other)
    @_operator
    def __gt__(self, other): return ops.gt(self, other)
    @_operator
    def __ge__(self, other): return ops.ge(self, other)
    def __getitem__(self, index):
        _check_numpy_index(index)
        return ops.getitem(self, index)

    def __setitem__(self, index, value):
        _check_numpy_index(index)
        if isinstance(value, backend.np.generic) and not isinstance(
                value, (backend.np.integer, float)):  # np.float64 is a Python float
            raise TypeError(f"can't assign a numpy.{type(value).__name__} to a {self.type()}")
        self._inplace(ops.indexing.index_put, index, value)  # not torch's index_put

    # x += y writes into x; on TypeError Python falls back to x = x + y, as in torch
    @_operator
    def __iadd__(self, other): return self.add_(other)
    @_operator
    def __isub__(self, other): return self.sub_(other)
    @_operator
    def __imul__(self, other): return self.mul_(other)
    @_operator
    def __itruediv__(self, other): return self.div_(other)
    @_operator
    def __ifloordiv__(self, other): return self._inplace(ops.floor_divide, other)
    @_operator
    def __imod__(self, other): return self._inplace(ops.remainder, other)
    @_operator
    def __ipow__(self, other): return self.pow_(other)
    @_operator
    def __iand__(self, other): return self._inplace(_bitwise, other, "bitwise_and")
    @_operator
    def __ior__(self, other): return self._inplace(_bitwise, other, "bitwise_or")
    @_operator
    def __ixor__(self, other): return self._inplace(_bitwise, other, "bitwise_xor")
