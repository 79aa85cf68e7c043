"""torch.return_types' twin: the named tuples that ops returning (values, indices) give.

`values, indices = x.sort()` unpacks like a tuple; `x.sort().indices` reads by name; the
repr names the op, as torch's does (`minitorch.return_types.sort(values=..., indices=...)`).
"""
from __future__ import annotations

from collections import namedtuple


class _ValuesIndices(namedtuple("_ValuesIndices", ["values", "indices"])):
    __slots__ = ()

    def __repr__(self):
        return (f"minitorch.return_types.{type(self).__name__}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")


# one class per op, named like torch's, so isinstance and the repr tell them apart
class max(_ValuesIndices):  # noqa: A001  (torch's name)
    __slots__ = ()


class min(_ValuesIndices):  # noqa: A001
    __slots__ = ()


class sort(_ValuesIndices):
    __slots__ = ()


class topk(_ValuesIndices):
    __slots__ = ()


class kthvalue(_ValuesIndices):
    __slots__ = ()


class median(_ValuesIndices):
    __slots__ = ()


class cummax(_ValuesIndices):
    __slots__ = ()


class cummin(_ValuesIndices):
    __slots__ = ()


class nanmedian(_ValuesIndices):
    __slots__ = ()


class mode(_ValuesIndices):
    __slots__ = ()


class aminmax(namedtuple("_MinMax", ["min", "max"])):
    """aminmax's (min, max)."""

    __slots__ = ()

    def __repr__(self):
        return f"minitorch.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"
