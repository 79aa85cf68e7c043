"""Joining and splitting along a named axis: hstack vstack/row_stack dstack column_stack,
atleast_1d/2d/3d, tensor_split hsplit vsplit dsplit (NumPy's names, torch's rules).

All are `cat` and slices of the inputs, so their gradients come from those ops.
"""
from __future__ import annotations

import operator

from .. import dtypes
from .registry import public
from .shape import Slice, cat, normalize_dim, reshape


# ---- atleast_Nd ------------------------------------------------------------------------------
def _one_or_many(tensors, grow):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(grow(t_) for t_ in tensors[0])
    if len(tensors) == 1:
        return grow(tensors[0])
    return tuple(grow(t_) for t_ in tensors)


def _grow_1d(t_):
    return reshape(t_, (1,)) if t_.dim() == 0 else t_


def _grow_2d(t_):
    return reshape(t_, (1, -1) if t_.dim() else (1, 1)) if t_.dim() < 2 else t_


def _grow_3d(t_):
    if t_.dim() == 0:
        return reshape(t_, (1, 1, 1))
    if t_.dim() == 1:  # (n,) -> (1, n, 1), NumPy's rule
        return reshape(t_, (1, t_.shape[0], 1))
    if t_.dim() == 2:
        return reshape(t_, tuple(t_.shape) + (1,))
    return t_


@public
def atleast_1d(*tensors):
    """A 0-D tensor as shape (1,); others unchanged. Several inputs give a tuple."""
    return _one_or_many(tensors, _grow_1d)


@public
def atleast_2d(*tensors):
    """0-D -> (1, 1), (n,) -> (1, n); others unchanged."""
    return _one_or_many(tensors, _grow_2d)


@public
def atleast_3d(*tensors):
    """0-D -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1); others unchanged."""
    return _one_or_many(tensors, _grow_3d)


# ---- stacks --------------------------------------------------------------------------------------
def _tensor_list(tensors, name):
    if hasattr(tensors, "_data"):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        "not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@public
def hstack(tensors):
    """Join along dim 1, or dim 0 when the inputs are 1-D."""
    tensors = [_grow_1d(t_) for t_ in _tensor_list(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


@public(aliases=("row_stack",))
def vstack(tensors):
    """Join along dim 0 after making every input at least 2-D ((n,) -> (1, n))."""
    return cat([_grow_2d(t_) for t_ in _tensor_list(tensors, "vstack")], 0)


@public
def dstack(tensors):
    """Join along dim 2 after making every input at least 3-D."""
    return cat([_grow_3d(t_) for t_ in _tensor_list(tensors, "dstack")], 2)


@public
def column_stack(tensors):
    """Join along dim 1, 0-D and 1-D inputs becoming columns (n,) -> (n, 1)."""
    tensors = _tensor_list(tensors, "column_stack")
    columns = [reshape(t_, (t_.numel(), 1)) if t_.dim() <= 1 else t_ for t_ in tensors]
    return cat(columns, 1)


# ---- splits --------------------------------------------------------------------------------------
def _split_points(input, indices_or_sections, axis):
    """The (start, end) of every piece: `sections` near-equal pieces (the first
    n % sections one longer) or cuts at the given indices (clamped, torch's rule)."""
    n = input.shape[axis]
    if hasattr(indices_or_sections, "_data"):
        t_ = indices_or_sections
        if t_.dtype is not dtypes.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have "
                               f"dtype of long, but got {dtypes.scalar_type_name(t_.dtype)}")
        if t_.dim() > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {t_.dim()} dims")
        indices_or_sections = t_.tolist()
    if isinstance(indices_or_sections, (list, tuple)):
        cuts = [operator.index(i) for i in indices_or_sections]
        cuts = [min(max(c + n if c < 0 else c, 0), n) for c in cuts]
        starts = [0] + cuts
        return list(zip(starts, cuts + [n]))
    if isinstance(indices_or_sections, (bool, float)):
        raise TypeError(f"tensor_split() received an invalid combination of arguments - got "
                        f"(Tensor, {type(indices_or_sections).__name__})")
    sections = operator.index(indices_or_sections)
    if sections <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
    size, extra = divmod(n, sections)
    points, lo = [], 0
    for i in range(sections):
        hi = lo + size + (i < extra)
        points.append((lo, hi))
        lo = hi
    return points


@public(method=True)
def tensor_split(input, indices_or_sections, dim=0):
    """Split into `sections` near-equal pieces (sizes differ by at most one, the longer
    ones first) or at the given indices; each piece is a view (SliceBackward0)."""
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    axis = normalize_dim(dim, input.dim())
    points = _split_points(input, indices_or_sections, axis)
    # a cut before the previous one gives an empty piece (torch keeps it)
    return tuple(Slice.apply(input, axis, lo, max(lo, hi)) for lo, hi in points)


def _named_split(name, input, indices_or_sections, axis, min_dims):
    if input.dim() < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension"
                           f", but got a tensor with {input.dim()} dimensions!")
    if not isinstance(indices_or_sections, (list, tuple)) and not hasattr(
            indices_or_sections, "_data"):
        sections, n = operator.index(indices_or_sections), input.shape[axis]
        if sections == 0 or n % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {axis}, but "
                               f"the size of the dimension {n} is not divisible by the "
                               f"split_size {sections}!")
    return tensor_split(input, indices_or_sections, axis)


@public  # Tensor.hsplit stays in tensor_methods.py: torch's method names it sections
def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-D input); an int must divide the size."""
    axis = 1 if input.dim() > 1 else 0
    return _named_split("hsplit", input, indices_or_sections, axis, 1)


@public  # Tensor.vsplit stays in tensor_methods.py: torch's method names it sections
def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of an at least 2-D input."""
    return _named_split("vsplit", input, indices_or_sections, 0, 2)


@public  # Tensor.dsplit stays in tensor_methods.py: torch's method names it sections
def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of an at least 3-D input."""
    return _named_split("dsplit", input, indices_or_sections, 2, 3)
