"""The ops: every differentiable operation, its forward and backward side by side.

This package re-exports the tensor-level functions (`ops.add`, `ops.matmul`, ...); they are
`minitorch.add`, ... and the Tensor methods of the same name.
"""
from . import elementwise, indexing, matmul, reduce, shape  # noqa: F401
from .elementwise import (  # noqa: F401
    abs, add, addcdiv, addcmul, allclose, cast, ceil, clamp, clip, copy_from, cos, div,
    divide, eq, equal, exp, floor, floor_divide, full_like_of, ge, greater, greater_equal,
    gt, isclose, isfinite, isinf, isnan, le, lerp, less, less_equal, log, log1p, log2,
    logical_and, logical_not, logical_or, logical_xor, lt, maximum, minimum, mul, ne, neg,
    negative, not_equal, pow, reciprocal, relu, remainder, round, rsqrt, sigmoid, sign, sin,
    sqrt, square, sub, tanh, to_device, true_divide, where,
)
from .indexing import (  # noqa: F401
    gather, getitem, index_fill, index_put, index_select, masked_fill, masked_select,
    nonzero, scatter, scatter_add,
)
from .matmul import bmm, dot, matmul, mm  # noqa: F401
from .reduce import (  # noqa: F401
    all, amax, amin, any, argmax, argmin, count_nonzero, cumsum, log_softmax, logsumexp,
    max, mean, min, norm, prod, softmax, std, sum, var,
)
from .shape import (  # noqa: F401
    broadcast_to, cat, chunk, clone, concat, concatenate, contiguous, expand, flatten, flip,
    permute, repeat, reshape, split, squeeze, stack, swapaxes, t, transpose, unbind,
    unflatten, unsqueeze, view,
)

subtract, multiply = sub, mul
