"""The ops: every differentiable operation, its forward and backward side by side.

This package re-exports the tensor-level functions (`ops.add`, `ops.matmul`, ...); they are
`minitorch.add`, ... and the Tensor methods of the same name. Functions declared with
`@public` (ops/registry.py) arrive by the last line, not a list here; the few imported by
name below are internal or Tensor-only in torch (view, expand, contiguous, unfold).

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
  gamma_functions.py  lgamma digamma polygamma mvlgamma sinc signbit absolute positive;
                 bessel.py i0 (and special.i1)
  rounding.py    trunc frac fmod sgn copysign heaviside nan_to_num
  sorting.py     sort argsort msort topk kthvalue median
  nan_reduce.py  nansum nanmean nanmedian aminmax quantile nanquantile mode
  scan.py        cumprod cummax cummin logcumsumexp
  lookup.py      searchsorted bucketize unique bincount take
  view_ops.py    narrow select movedim diagonal unfold (views)
  diag.py        tril triu diag diag_embed trace block_diag tril/triu_indices
  linalg.py      addmm addmv mv baddbmm addbmm outer tensordot kron cdist;  einsum.py
  linalg_legacy.py  det logdet slogdet cholesky qr svd pinverse matrix_power matrix_exp inner cross
  layout.py      roll tile repeat_interleave flips rot90 diff meshgrid broadcast_tensors
  joining.py     hstack vstack dstack column_stack atleast_nd tensor_split hsplit ...
  moments.py     var_mean std_mean
  index_write.py  index_add index_copy index_fill index_put masked_scatter put take_along_dim;
                 scatter_reduce.py
  shape.py, indexing.py, matmul.py, and the nn ops: nn_ops.py conv.py pool.py loss.py ...
"""
# ruff: noqa: I001  (the names are grouped compactly, not one per line)
# the op modules; importing them runs their @public declarations
from . import arithmetic, bessel, comparison, diag, einsum, fill, gamma_functions  # noqa: F401
from . import index_write, indexing, joining, layout, linalg, linalg_legacy  # noqa: F401
from . import lookup, matmul, minmax, moments, nan_reduce, promotion, reduce  # noqa: F401
from . import rounding, scan, scatter_reduce, shape, softmax, sorting, special  # noqa: F401
from . import trig, unary, view_ops  # noqa: F401
from . import registry
# by name: used across minitorch, but no public function in torch (internal, or a Tensor
# method only: view, expand, contiguous, unfold)
from .fill import copy_from, full_like_of  # noqa: F401
from .indexing import getitem  # noqa: F401
from .promotion import cast, to_device  # noqa: F401
from .shape import contiguous, expand, view  # noqa: F401
from .view_ops import unfold  # noqa: F401

# every function declared with @public in the modules above (ops/registry.py)
registry.export_functions(__name__)
