"""Registry specs for Tensor methods whose function has its own spec elsewhere (x.lerp,
x.greater, ...), the in-place forms (x.tril_(), x.gt_(y), x.t_(), ...), and the
Tensor-only methods: sum_to_size, stride, nbytes, itemsize, ndimension, is_complex; also
addr. (Imported by op_specs.py.)

In-place methods run on `x * 1`, a non-leaf: torch refuses them on a leaf that requires
grad (see the error cases). may_raise: an in-place op can't grow its tensor to a bigger
broadcast shape, and torch then raises.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import (
    A,
    ErrorCase,
    S,
    broadcast_to_sample,
    fn,
    spec,
    squeeze_sample,
    three_way,
    two_dims,
    unsqueeze_sample,
)
from op_specs_linalg import _no_nan_unless_ignored, add_product_sample, beta_alpha, triangle_sample
from strategies import Arr, arrays, binary, dim_of, maybe_empty_shapes, shapes, unary

ONES = np.ones((2, 3))
LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def _inplace(name):
    """A caller running `(x * 1).<name>(*args)`: the in-place method on a non-leaf."""
    return fn(["Tensor." + name], lambda L, x, *a, **k: getattr(x * 1, name)(*a, **k))


def _leaf_error(name, *args):
    """torch's error for the in-place method on a leaf that requires grad."""
    return ErrorCase(S(A(ONES), *args), RuntimeError, LEAF_ERROR,
                     call=fn(["Tensor." + name], lambda L, x, *a: getattr(x, name)(*a)))


# ---- methods of functions specified elsewhere ------------------------------------------------
spec("broadcast_to", broadcast_to_sample(), calls=(".broadcast_to",), variant="method")
spec("lerp", st.builds(lambda p, w: S(*p, w),
                       st.tuples(arrays(st.just((2, 3))), arrays(st.just((3,)))),
                       st.sampled_from([0.25, 1.5])),
     calls=(".lerp",), variant="method")
spec("addcmul", three_way(), calls=(".addcmul",), variant="method")
spec("addcdiv", three_way("nonzero"), calls=(".addcdiv",), variant="method", tol32=(1e-4, 1e-4))
spec("comparison_aliases", binary("int", "int"), grad=False,
     calls=(".greater", ".greater_equal", ".less", ".less_equal", ".not_equal"))

# ---- in-place comparisons: 0/1 in x's dtype, recorded with a zero gradient ------------------
_COMPARE_ = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_",
             "less_equal_", "not_equal_"]
spec("comparison_", binary("int", "int"), may_raise=True,
     calls=tuple(_inplace(name) for name in _COMPARE_),
     errors=[_leaf_error("gt_", 0.0),
             ErrorCase(S(A(ONES), None), TypeError, "eq_() received an invalid combination",
                       call=_inplace("eq_"))])
# an integer tensor compared with a float: written as 0/1 into the integers
spec("comparison_", st.builds(lambda x, s: S(x, s), arrays(shapes(), "int64"),
                              st.sampled_from([0.5, -1, 2.5])),
     calls=(_inplace("lt_"), _inplace("ge_")), grad=False, variant="int")

# ---- in-place forms of existing ops ----------------------------------------------------------
spec("multiply_", binary("int", "int"), may_raise=True,
     calls=(_inplace("multiply_"), _inplace("mul_")))
spec("divide_", binary("normal", "nonzero"), may_raise=True, tol32=(1e-5, 1e-4),
     calls=(_inplace("divide_"), _inplace("true_divide_"), _inplace("div_")))
spec("divide_", binary("normal", "nonzero",
                       kwargs=st.sampled_from([{"rounding_mode": "floor"},
                                               {"rounding_mode": "trunc"}])),
     may_raise=True, calls=(_inplace("divide_"), _inplace("div_")), variant="rounding")
spec("remainder_", binary("normal", "nonzero"), may_raise=True, tol64=(1e-9, 1e-11),
     tol32=(1e-4, 1e-4), calls=(_inplace("remainder_"),))
spec("square_", unary(), calls=(_inplace("square_"),), errors=[_leaf_error("square_")])
# logical_not has no derivative: torch does not record the in-place form at all, so the
# gradient passes x * 1 unchanged (and a leaf that requires grad may be overwritten)
spec("logical_not_", unary("small_int"),
     calls=(_inplace("logical_not_"), fn(["Tensor.logical_not_"],
                                         lambda L, x: x.detach().clone().logical_not_())))
for name in ["tril_", "triu_"]:
    spec(name, triangle_sample("normal"), calls=(_inplace(name),), errors=[_leaf_error(name)])


def _full_input(sample, name):
    """The sample with `input` broadcast to the product's shape, which the in-place form
    needs. (torch's addbmm_ even resizes a smaller input to it: a quirk not copied.)"""
    x, a, b = sample.args
    out = np.matmul(np.zeros(a.values.shape), np.zeros(b.values.shape)).shape
    out = out[1:] if name == "addbmm" else out
    x = Arr(np.broadcast_to(x.values, out).copy(), x.layout if x.values.shape == out else None)
    return S(x, a, b, **sample.kwargs)


for name in ["addmm", "addmv", "baddbmm", "addbmm"]:
    spec(name + "_", add_product_sample(name).filter(_no_nan_unless_ignored)
         .map(lambda s, name=name: _full_input(s, name)),
         tol32=(1e-4, 1e-5), calls=(_inplace(name + "_"),))


# ---- addr: beta * input + alpha * outer(vec1, vec2) --------------------------------------------
@st.composite
def addr_sample(draw):
    n, m = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    own = (n, m)[draw(st.integers(0, 2)):]
    own = tuple(1 if draw(st.booleans()) else s for s in own)
    kind = "special" if draw(st.integers(0, 4)) == 0 else "normal"
    return S(draw(arrays(st.just(own), kind)), draw(arrays(st.just((n,)))),
             draw(arrays(st.just((m,)))), **draw(beta_alpha))


spec("addr", addr_sample().filter(_no_nan_unless_ignored), may_raise=True,
     calls=("addr", ".addr", _inplace("addr_")), errors=[
         ErrorCase(S(A(ONES), A(np.ones((2, 1))), A(np.ones(3))), RuntimeError,
                   "addr: Expected 1-D argument vec1, but got 2-D"),
         ErrorCase(S(A(ONES), A(np.ones(2)), A(np.ones(4))), RuntimeError,
                   "The expanded size of the tensor (4) must match the existing size (3)"),
         ErrorCase(S(A(ONES, dtype=np.int64), A(np.ones(2), dtype=np.int64),
                     A(np.ones(3), dtype=np.int64), beta=1.5), RuntimeError,
                   "For integral input tensors, argument beta must not be a floating point"),
         _leaf_error("addr_", A(np.ones(2)), A(np.ones(3)))])
spec("addr", st.builds(lambda a, b, c: S(a, b, c, beta=2, alpha=3),
                       arrays(st.just((2, 3)), "int64"), arrays(st.just((2,)), "int64"),
                       arrays(st.just((3,)), "int64")),
     calls=("addr",), grad=False, variant="int")
# dtypes promote (addmm's don't): a float64 vector with float inputs
spec("addr", st.builds(lambda a, b, c: S(a, b, c), arrays(st.just((2, 3))), arrays(st.just((2,))),
                       arrays(st.just((3,)), "int64")),
     calls=("addr", ".addr"), variant="promote", grad=False)  # torch's backward refuses it


# ---- sum_to_size -------------------------------------------------------------------------------
@st.composite
def sum_to_size_sample(draw):
    x = draw(arrays(draw(maybe_empty_shapes(0, 4))))
    shape = x.values.shape
    size = tuple(1 if draw(st.booleans()) else s for s in shape[draw(st.integers(0, len(shape))):])
    return S(x, *size) if size and draw(st.booleans()) else S(x, size)


spec("sum_to_size", sum_to_size_sample(), calls=(".sum_to_size",), errors=[
    ErrorCase(S(A(np.ones((3, 4))), 2, 4), RuntimeError,
              "size {[2, 4]} is not expandable to size {[3, 4]}."),
    ErrorCase(S(A(np.ones((3, 4))), (1, 3, 4)), RuntimeError,
              "size {[1, 3, 4]} is not expandable to size {[3, 4]}.")])


# ---- shape-changing in-place methods: same memory, new shape and strides ---------------------
spec("squeeze_", squeeze_sample(), calls=(_inplace("squeeze_"),), errors=[
    _leaf_error("squeeze_"),
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range", call=_inplace("squeeze_"))])
spec("unsqueeze_", st.builds(unsqueeze_sample, arrays(maybe_empty_shapes(0, 3)),
                             st.integers(-4, 3)), calls=(_inplace("unsqueeze_"),),
     errors=[_leaf_error("unsqueeze_", 0)])
spec("transpose_", two_dims(),
     calls=(_inplace("transpose_"), _inplace("swapaxes_"), _inplace("swapdims_")),
     errors=[_leaf_error(name, 0, 1) for name in ("transpose_", "swapaxes_", "swapdims_")])
spec("t_", unary(max_dims=2), calls=(_inplace("t_"),), errors=[
    _leaf_error("t_"),
    ErrorCase(S(A(np.ones((2, 2, 2)))), RuntimeError, "t_() expects a tensor with <= 2 dimensions",
              call=_inplace("t_"))])


def _restrided_view(L, x, d0, d1):
    """transpose_ on a view, then an in-place write through it: the base's CopySlices
    must replay the view with the transpose (the new strides)."""
    base = x * 1
    view = base[:]
    view.transpose_(d0, d1)
    view.mul_(2)
    return base, view, view.stride(), view.shape


def _restrided_base(L, x, d0, d1):
    """transpose_ on a base that has a view, then a write through the view: the view's
    replay from the base must first undo the transpose."""
    base = x * 1
    view = base[:1]
    base.transpose_(d0, d1).unsqueeze_(0)
    view.mul_(3)
    return base, view, base.stride(), base.shape


# float32 only, which keeps it out of test_double_backward: create_graph=True through any
# in-place write via a view raises in minitorch (the view node's input, the base, changed
# version), unlike torch, whose view nodes keep no input
spec("transpose_", two_dims().filter(lambda s: s.args[0].values.size > 0), dtypes=("float32",),
     calls=(fn(["Tensor.transpose_"], _restrided_view),
            fn(["Tensor.transpose_", "Tensor.unsqueeze_"], _restrided_base)),
     variant="views", errors=[
         # the version counter moves: a backward that saved the old tensor refuses to run
         ErrorCase(S(A(ONES)), RuntimeError, "modified by an inplace operation",
                   call=fn(["Tensor.t_"], lambda L, x: (lambda y: (y * y, y.t_())[0])(x * 1)
                           .sum().backward()))])


# ---- stride, nbytes, itemsize, ndimension, is_complex -----------------------------------------
def _strides(L, shape, d):
    """A fresh tensor's strides and those of views of it: transposed, sliced, expanded."""
    y = L.zeros(shape)
    views = [y, y.transpose(0, -1), y[::2], y.unsqueeze(0).expand(3, *shape), y[..., 1:]]
    return [v.stride() for v in views] + [v.stride(d) for v in views[:3]]


@st.composite
def stride_sample(draw):
    shape = draw(shapes(1, 4, 1, 4))
    return S(shape, draw(dim_of(len(shape))))


spec("stride", stride_sample(), calls=(fn(["Tensor.stride"], _strides),), grad=False, errors=[
    ErrorCase(S(A(ONES), 2), IndexError, "Dimension out of range",
              call=fn(["Tensor.stride"], lambda L, x, d: x.stride(d)))])
spec("tensor_facts", unary(), grad=False, calls=(
    fn(["Tensor.nbytes", "Tensor.itemsize", "Tensor.ndimension", "Tensor.is_complex"],
       lambda L, x: (x.nbytes, x.itemsize, x.ndimension(), x.is_complex(),
                     x.expand(2, *x.shape).nbytes)),))
