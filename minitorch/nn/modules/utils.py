"""Argument helpers shared by the conv, pooling and fold layers and functions
(torch.nn.modules.utils: `_single`, `_pair`, `_triple`, `_ntuple`)."""
from __future__ import annotations

import operator
from collections.abc import Iterable
from itertools import repeat


def _ntuple(n, name="parse"):
    """A function that turns an int into an n-tuple and any iterable into a tuple (of
    whatever length: a layer stores it as given, and the functional call checks it)."""

    def parse(x):
        if isinstance(x, Iterable):
            return tuple(x)
        return tuple(repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")


def _int_tuple(value, n, length_error, repeat_one=True):
    """A functional's int-or-sequence argument -> n-tuple of ints, as torch's argument
    parser: an int is repeated n times, a 1-sequence too (when `repeat_one`), and any other
    length raises RuntimeError(length_error(value)) (each function has torch's words).
    A non-integer raises TypeError (`operator.index`)."""
    if isinstance(value, (tuple, list)):
        if repeat_one and len(value) == 1:
            value = tuple(value) * n
        if len(value) != n:
            raise RuntimeError(length_error(value))
        return tuple(operator.index(v) for v in value)
    return (operator.index(value),) * n
