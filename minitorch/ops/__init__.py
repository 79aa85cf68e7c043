"""The ops: every differentiable operation, its forward and backward side by side.

This package re-exports the tensor-level functions (`ops.add`, `ops.matmul`, ...); they are
`minitorch.add`, ... and the Tensor methods of the same name. Functions declared with
`@public` (ops/registry.py; unary.py, trig.py, special.py, rounding.py, arithmetic.py,
comparison.py, reduce.py, minmax.py, softmax.py, matmul.py, scan.py, sorting.py, lookup.py,
moments.py so far) arrive by the last line, not a list here.

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
from .arithmetic import add  # noqa: F401  (by hand: see the comment at arithmetic.add)
from .fill import copy_from, full_like_of  # noqa: F401
from .indexing import getitem, index_fill, index_put  # noqa: F401
from .promotion import cast, to_device  # noqa: F401
from .shape import contiguous, expand, view  # noqa: F401  (Tensor methods only, in torch)
from .view_ops import unfold  # noqa: F401  (Tensor.unfold only, in torch)
from . import joining, layout, linalg  # noqa: F401  (their functions: @public)
from . import diag, einsum, lookup, matmul, moments, scan, softmax, sorting  # noqa: F401  (@public)

# every function declared with @public in the modules above (ops/registry.py)
registry.export_functions(__name__)
