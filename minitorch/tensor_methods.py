"""The math methods of Tensor (its operators, + == &= x[i] ..., are tensor_operators.py's).

Most methods are not here: an op function declared with `@public(method=True)` is its own
Tensor method (`x.exp()` is `exp(x)`, ops/registry.py). What stays here is a method that
differs from its function: another signature or argument order, torch's error naming
position 1, an in-place method with its own checks, or a method with no function. In-place
methods (`add_`, ...) compute the result out of place and then write it back; see
`_inplace` for the autograd rules.
"""
from __future__ import annotations

import numbers

from . import backend, dtypes, ops
from . import random as mt_random
from .autograd import grad_mode, views
from .ops import registry
from .tensor_operators import TensorOperators


def _tensor_arg(fn_name, other):
    """A method's operand that must be a Tensor: torch counts it as position 1."""
    return ops.promotion.require_tensor(fn_name, other, "other", 1)


def _castable(self, other):
    """`other` after the check that self (an in-place op's output) holds self op other."""
    result = dtypes.result_type(self, other)
    if result != self.dtype and not dtypes.can_cast(result, self.dtype):
        raise RuntimeError(
            f"result type {dtypes.scalar_type_name(result)} can't be cast to the "
            f"desired output type {dtypes.scalar_type_name(self.dtype)}")
    return other


def _inplace(self, result_fn, *args, **kwargs):
    """Run `result_fn(self, *args)` and write the result into self's memory.

    The write is always in place, so views of self, its base and `.data` aliases see the
    new values. With autograd the op runs on a private copy of self at self's place in the
    graph (torch's "original self", which later writes can't change); then self (for a
    view: its base, see autograd/views.py) takes over the result's graph node. The
    version counter is bumped either way, so a backward that saved the old values raises
    instead of using changed numbers.
    """
    from .tensor import Tensor

    others_need_grad = any(isinstance(a, Tensor) and a.requires_grad
                           for a in (*args, *kwargs.values()))  # x.atan2_(other=t)
    recording = grad_mode._enabled and (self.requires_grad or others_need_grad)
    if recording:
        views.check_inplace(self)
    if self._data.size > 1 and any(
            step == 0 and n > 1 for step, n in zip(self._data.strides, self._data.shape)):
        raise RuntimeError(  # x.expand(...): several elements share one memory location
            "unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation.")
    source = views.private_copy(self) if recording else self
    with grad_mode.set_grad_enabled(recording):
        result = result_fn(source, *args, **kwargs)
    if result.dtype != self.dtype and not dtypes.can_cast(result.dtype, self.dtype):
        raise RuntimeError(
            f"result type {dtypes.scalar_type_name(result.dtype)} can't be cast to the "
            f"desired output type {dtypes.scalar_type_name(self.dtype)}")
    if result.shape != self.shape:  # an in-place op can't grow self to the broadcast shape
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(result.shape)}")
    if isinstance(self._data, backend.np.generic):  # a NumPy scalar: no memory to share
        self._data = backend.np.array(result._data, dtype=self._data.dtype)
    else:
        self._data[...] = result._data
    self._version[0] += 1
    if recording:
        views.rebase(self, result)
        if result.grad_fn is not None:
            _track_saved_after_inplace(result.grad_fn, self, result)
    return self


def _track_saved_after_inplace(node, self, result):
    """Version-check what the in-place op's node saved the way torch does.

    - the op's *output*: in torch that is self itself, so changing self again later
      (`x.exp_().mul_(2)`) makes backward raise; the entry now watches self.
    - self's *old* values: the op ran on a private copy, so later changes to self are
      fine; but when self is also an argument (`x.mul_(x)`), that saved argument is self
      as it is now and stays watched, so backward raises, as in torch.
    Some ops differentiate from the input out of place but from the output in place, as
    torch's leaky_relu_/elu_ do; `became_inplace` lets them switch.
    """
    # self's grad_fn is now `node`, so the node watches self through a detached alias
    # sharing its version counter (holding self would be a reference cycle, see
    # autograd/function.py's _versions_of_saved)
    watch = self.detach()
    if node.became_inplace(result._data):
        node._saved_versions = ((watch, self._version[0]),)
    elif node._saved_versions:
        node._saved_versions = tuple(
            (watch, self._version[0]) if t._version is result._version
            else (watch, v) if t is self else (t, v) for t, v in node._saved_versions)
    if node._saved_versions:
        node._saved_results = ((watch, self._output_nr),)


def _compare_into(name, other):
    """The result function of the in-place comparison `name` (eq_, ...), after torch's
    check that `other` is a Tensor or a number."""
    from .tensor import Tensor

    # a NumPy bool scalar is a number to torch too (it is not a numbers.Number)
    is_numpy_bool = type(other).__name__ == "bool" and type(other).__module__ == "numpy"
    if not isinstance(other, (Tensor, numbers.Number)) and not is_numpy_bool:
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(other).__name__}), but expected one of:\n"
                        " * (Tensor other)\n * (Number other)\n")
    return ops.comparison.compare_into


def _restride(self, view_fn):
    """Make self show its memory as `view_fn(self)` (x.t_(), x.squeeze_(), ...): a new shape
    and strides, the same values. torch records it like the view op (x.t_() gets
    TBackward) and bumps the version counter. Views of self replay from their base, so
    their replay (or self's, if self is a view) learns the change too."""
    from .tensor import Tensor

    recording = grad_mode._enabled and self.requires_grad
    if recording:
        views.check_inplace(self)
    old_shape = self.shape
    alias = Tensor._wrap(self._data)  # self as it is now, at its place in the graph
    alias._requires_grad, alias.grad_fn, alias._output_nr = (
        self._requires_grad, self.grad_fn, self._output_nr)
    with grad_mode.set_grad_enabled(recording):
        out = view_fn(alias)
    self._data = out._data
    self._version[0] += 1
    if recording:
        self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
    if self._base is not None:
        parent_fn = self._view_fn
        self._view_fn = lambda base: view_fn(parent_fn(base))
    elif self._views is not None:
        # each view of self was taken from the old layout: undo the change first (shapes
        # alone say it for squeeze_/unsqueeze_; a transpose is its own inverse)
        undo = ((lambda t: ops.shape.view(t, old_shape)) if out.dim() != len(old_shape)
                else view_fn)
        for v in list(self._views):
            v._view_fn = lambda base, replay=v._view_fn: replay(undo(base))
    return self


def _t_in_place(t):
    if t.dim() > 2:  # t()'s check, with the in-place name
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {t.dim()}D")
    return ops.t(t)


def _set_strides(self, steps):
    """Give self's array these strides (in elements): for size-1 dims only, where any
    stride addresses the same memory, so that stride() shows torch's."""
    if self._data.size > 0:
        item = self._data.dtype.itemsize
        self._data = backend.as_strided(self._data, self._data.shape, [s * item for s in steps])
    return self


def _fill_random(self, sample):
    """Write freshly drawn numbers into self (no graph; used by uniform_, normal_)."""
    with grad_mode.no_grad():
        self._data[...] = sample
    self._version[0] += 1
    return self


class TensorMethods(TensorOperators):
    _inplace = _inplace  # what the in-place operators of TensorOperators write through

    # ---- math that differs from its function ------------------------------------------
    # (mul, div, clamp, eq, mean, max, sort, ... are the @public functions themselves)
    # alpha may be positional here, keyword-only in the functions
    def add(self, other, alpha=1): return ops.add(self, other, alpha=alpha)
    def sub(self, other, alpha=1): return ops.sub(self, other, alpha=alpha)
    subtract = sub
    # torch names a method's operand position 1 (ops.maximum would say 2)
    def maximum(self, other): return ops.maximum(self, _tensor_arg("maximum", other))
    def minimum(self, other): return ops.minimum(self, _tensor_arg("minimum", other))
    def equal(self, other): return ops.equal(self, _tensor_arg("equal", other))
    def allclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False):
        return ops.allclose(self, _tensor_arg("allclose", other), rtol, atol, equal_nan)
    def isclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False):
        return ops.isclose(self, _tensor_arg("isclose", other), rtol, atol, equal_nan)
    def logical_and(self, other): return ops.logical_and(self, _tensor_arg("logical_and", other))
    def logical_or(self, other): return ops.logical_or(self, _tensor_arg("logical_or", other))
    def logical_xor(self, other): return ops.logical_xor(self, _tensor_arg("logical_xor", other))
    # x.where(condition, y) is where(condition, x, y)
    def where(self, condition, other): return ops.where(condition, self, other)
    # dtype may be positional here, keyword-only in the function
    def sum(self, dim=None, keepdim=False, dtype=None):
        return ops.sum(self, dim, keepdim, dtype=dtype)

    # ---- shape --------------------------------------------------------------------------
    # reshape, squeeze, transpose, permute, narrow, gather, masked_fill, ... (and scatter_add_,
    # masked_fill_) come from @public in ops/shape.py, view_ops.py, indexing.py; the methods
    # here are torch's Tensor-only ones, or differ from the function of their name
    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
            raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
        return ops.view(self, *shape)
    def view_as(self, other): return ops.view(self, other.shape)
    def reshape_as(self, other): return ops.reshape(self, other.shape)
    def expand(self, *sizes): return ops.expand(self, *sizes)
    def expand_as(self, other): return ops.expand(self, other.shape)
    def contiguous(self, *, memory_format=None): return ops.contiguous(self)
    def clone(self, *, memory_format=None): return ops.clone(self)
    def split(self, split_size, dim=0): return ops.split(self, split_size, dim)
    def unfold(self, dimension, size, step): return ops.unfold(self, dimension, size, step)
    def sum_to_size(self, *size):
        """Sum self down to `size`, a shape self expands from (the gradient of expand)."""
        size = ops.shape._sizes(size)
        lead = self.dim() - len(size)
        if lead < 0 or any(n not in (1, m) for n, m in zip(size, self.shape[lead:])):
            raise RuntimeError(f"size {{{list(size)}}} is not expandable to size "
                               f"{{{list(self.shape)}}}.")
        dims = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(size) if n == 1 and self.shape[lead + i] != 1)
        if not dims:
            return self
        return ops.reshape(ops.sum(self, dims, keepdim=True), size)
    # torch's method takes value positionally too: x.scatter(dim, index, value)
    def scatter(self, dim, index, src=None, value=None, reduce=None):
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)
    def type_as(self, other): return self.to(other.dtype)
    def new_zeros(self, *size, dtype=None, device=None):
        from . import creation
        return creation.zeros(*size, dtype=dtype or self.dtype, device=device or self.device)
    def new_ones(self, *size, dtype=None, device=None):
        from . import creation
        return creation.ones(*size, dtype=dtype or self.dtype, device=device or self.device)
    def new_full(self, size, fill_value, dtype=None, device=None):
        from . import creation
        return creation.full(size, fill_value, dtype=dtype or self.dtype,
                             device=device or self.device)
    def new_tensor(self, data, dtype=None, device=None):
        from . import creation
        return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device)

    @property
    def T(self): return ops.permute(self, tuple(reversed(range(self.dim()))))
    @property
    def mT(self):
        if self.dim() < 2:  # transpose(-2, -1) would say "Dimension out of range"
            raise RuntimeError("tensor.mT is only supported on matrices or batches of "
                               f"matrices. Got {self.dim()}-D tensor.")
        return ops.transpose(self, -2, -1)

    # ---- diagonals, layout, linear algebra (ops/diag.py, layout.py, joining.py, linalg.py) --
    # tril, roll, rot90, tensor_split, addmm, outer, kron, ...: @public there
    def tile(self, *dims):
        one_sequence = len(dims) == 1 and isinstance(dims[0], (tuple, list))
        return ops.tile(self, dims[0] if one_sequence else dims)
    # torch's methods name the count `sections` (its functions: indices_or_sections)
    def hsplit(self, sections): return ops.hsplit(self, sections)
    def vsplit(self, sections): return ops.vsplit(self, sections)
    def dsplit(self, sections): return ops.dsplit(self, sections)
    # torch.polygamma(n, input) takes n first; the methods take n alone
    def polygamma(self, n): return ops.polygamma(n, self)

    # ---- in-place ----------------------------------------------------------------------
    # torch checks the cast into self before add's alpha rules
    def add_(self, other, alpha=1):
        return _inplace(self, ops.add, _castable(self, other), alpha=alpha)
    def sub_(self, other, alpha=1):
        other = _castable(self, ops.arithmetic.check_sub_operands(self, other))
        return _inplace(self, ops.sub, other, alpha=alpha)
    # (mul_/multiply_, div_/divide_/true_divide_ come from @public(inplace=True) in
    # ops/arithmetic.py)
    def pow_(self, exponent): return _inplace(self, ops.pow, exponent)
    def clamp_(self, min=None, max=None): return _inplace(self, ops.clamp, min, max)
    clip_ = clamp_
    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _inplace(self, ops.addcmul, tensor1, tensor2, value=value)
    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _inplace(self, ops.addcdiv, tensor1, tensor2, value=value)
    def lerp_(self, end, weight): return _inplace(self, ops.lerp, end, weight)
    def polygamma_(self, n): return _inplace(self, lambda x: ops.polygamma(n, x))
    def scatter_(self, dim, index, src=None, value=None, reduce=None):
        return _inplace(self, ops.scatter, dim, index, src, value=value, reduce=reduce)
    def index_fill_(self, dim, index, value):
        return _inplace(self, ops.index_fill, dim, index, value)
    # not @public(inplace=True): the in-place comparisons write 0/1 in self's dtype and,
    # unlike the bool result of gt(), stay in the graph with a zero gradient (torch's
    # GtBackward0)
    def eq_(self, other): return _inplace(self, _compare_into("eq_", other), other, "equal")
    def ne_(self, other): return _inplace(self, _compare_into("ne_", other), other, "not_equal")
    def lt_(self, other): return _inplace(self, _compare_into("lt_", other), other, "less")
    def le_(self, other): return _inplace(self, _compare_into("le_", other), other, "less_equal")
    def gt_(self, other): return _inplace(self, _compare_into("gt_", other), other, "greater")
    def ge_(self, other):
        return _inplace(self, _compare_into("ge_", other), other, "greater_equal")
    greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_
    # torch's logical_not has no derivative, and its in-place form is not recorded at all:
    # self keeps its grad_fn (even a leaf that requires grad may be overwritten)
    def logical_not_(self):
        with grad_mode.no_grad():
            return _inplace(self, ops.logical_not)

    # ---- in-place changes of shape: same memory, new shape and strides ---------------------
    # squeeze_/unsqueeze_: the shape squeeze/unsqueeze would give, as a view (they may
    # reshape through a copy), with torch's strides for the size-1 dims (which any stride
    # addresses alike): squeeze keeps the others' strides, unsqueeze(d) puts
    # size[d] * stride[d] (1 at the end) at d
    def squeeze_(self, dim=None):
        steps, shape = self.stride(), self.shape
        _restride(self, lambda t: ops.shape.view(t, ops.squeeze(t.detach(), dim).shape))
        named = range(len(shape)) if dim is None or not shape else (
            ops.shape.normalize_dims(dim, len(shape)))
        gone = {i for i in named if shape[i] == 1}
        return _set_strides(self, tuple(s for i, s in enumerate(steps) if i not in gone))
    def unsqueeze_(self, dim):
        steps, shape = self.stride(), self.shape
        _restride(self, lambda t: ops.shape.view(t, ops.unsqueeze(t.detach(), dim).shape))
        d = ops.shape.normalize_dim(dim, len(shape) + 1)
        inserted = shape[d] * steps[d] if d < len(shape) else 1
        return _set_strides(self, steps[:d] + (inserted,) + steps[d:])
    def transpose_(self, dim0, dim1):
        return _restride(self, lambda t: ops.transpose(t, dim0, dim1))
    def swapaxes_(self, axis0, axis1):
        return _restride(self, lambda t: ops.swapaxes(t, axis0, axis1))
    def swapdims_(self, dim0, dim1):
        return _restride(self, lambda t: ops.swapdims(t, dim0, dim1))
    def t_(self): return _restride(self, _t_in_place)

    # (the in-place trig/special/rounding methods, tan_ ..., come from @public, inplace=True)
    def clamp_min_(self, min): return _inplace(self, ops.clamp_min, min)
    def clamp_max_(self, max): return _inplace(self, ops.clamp_max, max)

    def float_power_(self, exponent):
        if self.dtype is not dtypes.float64:  # float_power's result is always float64
            raise RuntimeError(
                f"the base given to float_power_ has dtype {dtypes.scalar_type_name(self.dtype)}"
                " but the operation's result requires dtype Double")
        return _inplace(self, ops.float_power, exponent)

    def copy_(self, src, non_blocking=False):
        return _inplace(self, ops.copy_from, src)

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        return _inplace(self, ops.full_like_of, value)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return _fill_random(
            self, mt_random.uniform(self.shape, a, b, self.dtype, self.device, generator))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _fill_random(
            self, mt_random.normal(self.shape, mean, std, self.dtype, self.device, generator))

    def bernoulli_(self, p=0.5, *, generator=None):
        sample = mt_random.uniform(self.shape, 0.0, 1.0, self.dtype, self.device, generator) < p
        return _fill_random(self, sample)

    def random_(self, low=0, high=None, *, generator=None):
        if high is None:
            low, high = 0, low
        return _fill_random(self, mt_random.integers(self.shape, low, high, self.device, generator))


# The methods declared with @public(method=True) beside their op (ops/registry.py), for
# the names TensorMethods does not define above.
registry.install_methods(TensorMethods, _inplace)
