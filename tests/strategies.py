"""Hypothesis strategies for the op registry: shapes, dims, values and memory layouts.

Values are not drawn element by element (slow, and hypothesis' data budget runs out on
large arrays): a strategy draws the *shape* and a *seed*, and NumPy fills the array from
that seed. Shrinking still works on shapes, dims and flags, which is what matters.

Every array input is an `Arr`: contiguous values plus a layout. `Arr.make()` builds a
fresh array with the same values in that layout -- a transposed view or a strided slice
-- so each library gets its own, equally non-contiguous, memory (`from_numpy` keeps the
strides in both minitorch and torch).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

# ---- values ---------------------------------------------------------------------------------
# kind -> how to fill an array from a numpy Generator. "int" gives integer-valued floats,
# which produce ties (max/min/maximum/clamp boundaries/relu and abs at 0) on purpose.
_KINDS = {
    "normal": lambda rng, s: rng.standard_normal(s),
    "int": lambda rng, s: rng.integers(-3, 4, s).astype(np.float64),
    "small_int": lambda rng, s: rng.integers(-1, 2, s).astype(np.float64),
    "positive": lambda rng, s: rng.uniform(0.2, 3.0, s),
    "wide": lambda rng, s: rng.standard_normal(s) * 20,
    "halves": lambda rng, s: rng.integers(-6, 7, s) / 2 + rng.choice([0, 0.1], s),
    "unit": lambda rng, s: rng.uniform(-0.9, 0.9, s),
    "nonzero": lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.3, 3.0, s),
    "zeros_inside": lambda rng, s: rng.integers(-1, 3, s) * rng.uniform(0.5, 2.0, s),
    "special": lambda rng, s: rng.choice([0.0, 1.5, -2.0, np.nan, np.inf, -np.inf], s),
    "bool": lambda rng, s: rng.random(s) < 0.5,
    "int64": lambda rng, s: rng.integers(-5, 6, s).astype(np.int64),
}


@dataclass
class Arr:
    """An array input: `values` (C-contiguous) and the layout to present them in.

    layout: None (contiguous), ("perm", axes) -- a transposed view, or ("step", axis) --
    every other element of a twice-as-long buffer.
    """

    values: np.ndarray
    layout: tuple | None = None
    requires_grad: bool = True  # only for floating arrays; indices/masks never do

    def __post_init__(self):
        self.values = np.asarray(self.values)  # NumPy arithmetic on 0-dim gives scalars

    @property
    def is_float(self):
        return self.values.dtype.kind == "f"

    def make(self, dtype=None):
        v = self.values if dtype is None or not self.is_float else self.values.astype(dtype)
        if self.layout is None:
            return np.array(v)
        kind, arg = self.layout
        if kind == "perm":
            inverse = np.argsort(arg)
            return np.ascontiguousarray(v.transpose(inverse)).transpose(arg)
        # ("step", axis): write into every other slot of a longer buffer and slice it
        shape = list(v.shape)
        shape[arg] *= 2
        buf = np.zeros(shape, dtype=v.dtype)
        index = [slice(None)] * v.ndim
        index[arg] = slice(None, None, 2)
        buf[tuple(index)] = v
        return buf[tuple(index)]

    def __repr__(self):
        return f"Arr({self.values.dtype}{list(self.values.shape)}, layout={self.layout})"


@dataclass
class Sample:
    """The positional and keyword arguments of one call; Arr leaves become tensors."""

    args: tuple
    kwargs: dict = field(default_factory=dict)

    def __repr__(self):
        return f"Sample(args={self.args!r}, kwargs={self.kwargs!r})"


seeds = st.integers(0, 2**32 - 1)


@st.composite
def arrays(draw, shape, kind="normal", layouts=True, requires_grad=True):
    """An Arr of `shape` (a tuple or a strategy for one) filled with `kind` values,
    sometimes in a non-contiguous layout."""
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    rng = np.random.default_rng(draw(seeds))
    values = np.array(_KINDS[kind](rng, tuple(shape)))  # C-contiguous, 0-dim kept
    layout = None
    if layouts and len(shape) >= 1:
        choice = draw(st.sampled_from(["contiguous", "contiguous", "perm", "step"]))
        if choice == "perm" and len(shape) >= 2:
            layout = ("perm", tuple(draw(st.permutations(range(len(shape))))))
        elif choice == "step":
            layout = ("step", draw(st.integers(0, len(shape) - 1)))
    return Arr(values, layout, requires_grad)


def shapes(min_dims=0, max_dims=4, min_side=1, max_side=4):
    """Tensor shapes; pass min_side=0 where torch allows zero-size dims."""
    return st.lists(st.integers(min_side, max_side), min_size=min_dims,
                    max_size=max_dims).map(tuple)


def maybe_empty_shapes(min_dims=0, max_dims=4, max_side=4):
    """Mostly non-empty shapes, sometimes with one zero-size dim."""
    return st.one_of(shapes(min_dims, max_dims, 1, max_side),
                     shapes(max(min_dims, 1), max_dims, 0, max_side))


def broadcast_shapes(num=2, min_dims=0, max_dims=4, max_side=4, empty=True):
    """Shapes that broadcast together (size-1 and missing leading dims)."""
    return mutually_broadcastable_shapes(num_shapes=num, min_dims=min_dims, max_dims=max_dims,
                                         min_side=0 if empty else 1, max_side=max_side
                                         ).map(lambda r: r.input_shapes)


@st.composite
def dim_of(draw, ndim, allow_none=False):
    """A valid dim for an ndim-tensor, positive or negative (0-dim tensors accept 0/-1)."""
    n = max(ndim, 1)
    options = st.integers(-n, n - 1)
    if allow_none:
        options = st.one_of(st.none(), options)
    return draw(options)


@st.composite
def dims_of(draw, ndim):
    """None, one dim, or a tuple of distinct dims (some negative)."""
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return None
    if choice == "int" or ndim == 0:
        return draw(dim_of(ndim))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


# ---- ready-made samples -------------------------------------------------------------------------
@st.composite
def unary(draw, kind="normal", min_dims=0, max_dims=4, empty=True, kwargs=None):
    shape = draw(maybe_empty_shapes(min_dims, max_dims) if empty else shapes(min_dims, max_dims))
    kw = dict(draw(kwargs)) if kwargs is not None else {}
    return Sample((draw(arrays(shape, kind)),), kw)


@st.composite
def binary(draw, kind_a="normal", kind_b="normal", scalar=True, empty=True, kwargs=None):
    """Two broadcastable arrays, or an array and a Python scalar (either side)."""
    sa, sb = draw(broadcast_shapes(2, empty=empty))
    a = draw(arrays(sa, kind_a))
    kw = dict(draw(kwargs)) if kwargs is not None else {}
    form = draw(st.sampled_from(["tt", "tt", "ts"] if scalar else ["tt"]))
    if form == "ts":
        b = float(_KINDS[kind_b](np.random.default_rng(draw(seeds)), ()))
        if kind_b in ("int", "small_int") and draw(st.booleans()):
            b = int(b)
        return Sample((a, b), kw)
    return Sample((a, draw(arrays(sb, kind_b))), kw)


@st.composite
def reduction(draw, kind="normal", dim="dims", keepdim=True, empty=False, min_dims=0,
              max_dims=4, kwargs=None):
    """An array and `dim` (None / int / tuple, per `dim`), with keepdim drawn."""
    shape = draw(maybe_empty_shapes(min_dims, max_dims) if empty else shapes(min_dims, max_dims))
    x = draw(arrays(shape, kind))
    kw = dict(draw(kwargs)) if kwargs is not None else {}
    if dim == "dims":
        d = draw(dims_of(len(shape)))
    elif dim == "int":
        d = draw(dim_of(len(shape)))
    elif dim == "dims_nonempty":
        d = draw(dims_of(len(shape)).filter(lambda d: d is not None))
    elif dim == "int_or_none":
        d = draw(dim_of(len(shape), allow_none=True))
    else:
        d = None
    if d is not None:
        kw["dim"] = d
        if keepdim:
            kw["keepdim"] = draw(st.booleans())
    return Sample((x,), kw)
