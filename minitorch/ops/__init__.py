"""The ops: every differentiable operation, its forward and backward side by side.

This package re-exports the tensor-level functions (`ops.add`, `ops.matmul`, ...); they are
`minitorch.add`, ... and the Tensor methods of the same name. Functions declared with
`@public` (ops/registry.py; unary.py, trig.py, special.py, rounding.py so far) arrive
by the last line, not a list here.

  promotion.py   torch's type promotion; cast, to_device
  arithmetic.py  add sub mul div remainder pow lerp
  unary.py       exp log sqrt trig rounding abs, relu sigmoid tanh
  comparison.py  maximum minimum where clamp, eq lt ..., logical ops, isnan
  fill.py        what fill_ and copy_ write
  reduce.py      sum mean prod var std norm all any cumsum
  minmax.py      max min amax amin argmax argmin
  softmax.py     softmax log_softmax logsumexp
  trig.py        tan asin acos atan sinh cosh asinh acosh atanh atan2 hypot deg2rad rad2deg
  special.py     erf erfc erfinv (error_function.py) expm1 exp2 log10 xlogy logaddexp float_power
  rounding.py    trunc frac fmod sgn copysign heaviside nan_to_num
  sorting.py     sort argsort msort topk kthvalue median
  scan.py        cumprod cummax cummin logcumsumexp
  lookup.py      searchsorted bucketize unique bincount take
  view_ops.py    narrow select movedim diagonal unfold (views)
  diag.py        tril triu diag diag_embed trace block_diag tril/triu_indices
  linalg.py      addmm addmv mv baddbmm addbmm outer tensordot kron cdist;  einsum.py
  layout.py      roll tile repeat_interleave flips rot90 diff meshgrid broadcast_tensors
  joining.py     hstack vstack dstack column_stack atleast_nd tensor_split hsplit ...
  moments.py     var_mean std_mean
  shape.py, indexing.py, matmul.py, and the nn ops: nn_ops.py conv.py pool.py loss.py ...
"""
# ruff: noqa: I001  (the names are grouped compactly by submodule, not one per line)
from . import arithmetic, comparison, fill, indexing, minmax, promotion, reduce, shape, unary  # noqa: F401
from . import rounding, special, trig  # noqa: F401  (their functions: @public, below)
from . import registry, view_ops  # noqa: F401
from .arithmetic import (  # noqa: F401
    add, addcdiv, addcmul, div, divide, floor_divide, lerp, mul, pow, remainder, sub,
    true_divide,
)
from .comparison import (  # noqa: F401
    allclose, clamp, clamp_max, clamp_min, clip, eq, equal, ge, greater, greater_equal, gt,
    isclose, isfinite, isinf, isnan, le, less, less_equal, logical_and, logical_not,
    logical_or, logical_xor, lt, maximum, minimum, ne, not_equal, where,
)
from .fill import copy_from, full_like_of  # noqa: F401
from .indexing import (  # noqa: F401
    gather, getitem, index_fill, index_put, index_select, masked_fill, masked_select,
    nonzero, scatter, scatter_add,
)
from .matmul import bmm, dot, matmul, mm  # noqa: F401
from .minmax import amax, amin, argmax, argmin, max, min  # noqa: F401
from .promotion import cast, to_device  # noqa: F401
from .reduce import all, any, count_nonzero, cumsum, mean, norm, prod, std, sum, var  # noqa: F401
from .shape import (  # noqa: F401
    broadcast_to, cat, chunk, clone, concat, concatenate, contiguous, expand, flatten, flip,
    permute, repeat, reshape, split, squeeze, stack, swapaxes, t, transpose, unbind,
    unflatten, unsqueeze, view,
)
from .softmax import log_softmax, logsumexp, softmax  # noqa: F401
from .view_ops import diagonal, moveaxis, movedim, narrow, select, unfold  # noqa: F401
from .diag import (  # noqa: F401
    block_diag, diag, diag_embed, trace, tril, tril_indices, triu, triu_indices,
)
from .einsum import einsum  # noqa: F401
from .joining import (  # noqa: F401
    atleast_1d, atleast_2d, atleast_3d, column_stack, dsplit, dstack, hsplit, hstack,
    row_stack, tensor_split, vsplit, vstack,
)
from .layout import (  # noqa: F401
    broadcast_shapes, broadcast_tensors, cartesian_prod, diff, fliplr, flipud, meshgrid,
    repeat_interleave, roll, rot90, swapdims, tile,
)
from .linalg import addbmm, addmm, addmv, baddbmm, cdist, ger, kron, mv, outer, tensordot  # noqa: F401
from .lookup import bincount, bucketize, searchsorted, take, unique  # noqa: F401
from .moments import std_mean, var_mean  # noqa: F401
from .scan import cummax, cummin, cumprod, logcumsumexp  # noqa: F401
from .sorting import argsort, kthvalue, median, msort, sort, topk  # noqa: F401

subtract, multiply = sub, mul

# every function declared with @public in the modules above (ops/registry.py)
registry.export_functions(__name__)
