"""Tensors on different devices in one call raise torch's error, not a NumPy/CuPy one.

For every registry spec (tests/op_specs*.py) and nn functional that takes two or more
tensors, one fixed sample is called with each tensor argument in turn on "cuda" and the
others on the CPU. torch refuses such calls with

    RuntimeError: Expected all tensors to be on the same device, but found at least two
    devices, cuda:0 and cpu!

and so must minitorch -- before anything runs, so no CuPy "Unsupported type
<class 'numpy.ndarray'>" or NumPy "Implicit conversion" error reaches the user.
torch allows a few mixes on purpose (`ALLOWED`, each with the reason); those must succeed
with torch's values, so the list stays exact.

The sample is fixed, not drawn anew each run: the first example, in hypothesis'
derandomized order, whose tensors all have at least one dimension and one element (0-dim
CPU tensors are torch's "CPU scalars", allowed beside CUDA tensors in elementwise ops;
`test_cpu_scalar_cuda` checks that rule on its own).

Needs a GPU or the simulated CuPy: `PYTHONPATH=../shared/simcupy pytest -k cuda`.
"""
from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
import test_op_parity as parity
import torch
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample
from op_specs import SPECS, call_spec
from strategies import Arr, Sample
from test_no_numpy_leaks import FUNCTIONAL, _arrays_in, _f, _ints, _probs, _x

import minitorch

pytestmark = pytest.mark.skipif(
    not minitorch.cuda.is_available(),
    reason="mixed devices need a GPU or the simulated CuPy: put ../shared/simcupy on "
           "PYTHONPATH (it is not part of the project)")

DEVICE_ERROR = "Expected all tensors to be on the same device, but found at least two devices"

# Calls torch runs although a tensor argument is on another device, each with torch's
# reason: (spec id or functional name, index of the tensor argument on cuda) -> reason. The
# index counts tensor arguments in order, positional then keyword; None: every index.
ALLOWED = {
    ("view_as", None): "view_as/reshape_as read only other's shape",
    ("expand_as", None): "expand_as reads only other's shape",
    ("broadcast_tensors", None): "broadcast_tensors expands each tensor where it is",
    ("atleast_1d", None): "atleast_Nd reshapes each tensor on its own",
    # torch wants the indices on the CPU and refuses CUDA ones; minitorch reads them on the
    # host from either device (the registry's cuda runs put every tensor on cuda)
    ("tensor_split", None): "the split indices are read on the host",
    ("getitem", 0): "a CPU index tensor is copied to the indexed tensor's device",
    ("setitem", None): "x[basic index] = v copies v across devices (copy_)",
    ("narrow", None): "a 0-dim start tensor is read as a number (start.item())",
    ("masked_fill-tensor_value", 2): "the 0-dim value is read as a number (value.item())",
    # this caller computes (-1) ** b + 2 ** b + 1 ** b: the first tensor is not used
    ("pow-int_negative_exponent", None, "call:Tensor.__rpow__"): "the call ignores tensor 0",
}

# torch's own message where the op checks devices itself (else: DEVICE_ERROR)
OWN_MESSAGE = {
    "meshgrid": "meshgrid expects all tensors to have the same device",
    "meshgrid-xy": "meshgrid expects all tensors to have the same device",
    "cartesian_prod": "meshgrid expects all tensors to have the same device",
    "getitem": "indices should be either on cpu or on the same device as the indexed tensor "
               "(cpu)",
    "masked_fill": "expected self and mask to be on the same device, but got mask on",
    "masked_fill-tensor_value": "expected self and mask to be on the same device, but got mask "
                                "on",
    **{k: "torch.searchsorted(): boundaries and input value tensors should have same device "
          "type, but got boundaries tensor device type"
       for k in ("searchsorted", "searchsorted-nd", "searchsorted-nan", "bucketize")},
    "searchsorted-sorter": "torch.searchsorted(): ",
}


def allowed(name, index, caller):
    caller = getattr(caller, "__name__", caller)
    return any(key in ALLOWED for key in
               ((name, index), (name, None), (name, index, caller), (name, None, caller)))


# ---- one fixed sample per spec ----------------------------------------------------------------
class _OneTensor(Exception):
    """The spec's samples hold fewer than two tensors: nothing to mix."""


_FIXED = settings(database=None, derandomize=True, max_examples=200, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))


_FIXED_FIRST = _FIXED  # enough draws that a sample without 0-dim tensors turns up


def _tensors(sample):
    return [a for _, a in _arrays_in((sample.args, sample.kwargs))]


def fixed_sample(spec):
    """The first sample (in a fixed order) with >= 2 tensors, none 0-dim or empty, that
    torch accepts on the CPU (failing that, one with 0-dim or empty tensors); None for a
    spec that takes one tensor (none with two in its first 20 samples: specs with a tensor
    index or value draw those often)."""
    seen = {"draws": 0, "two": False}

    def usable(sample, strict=True):
        arrs = _tensors(sample)
        seen["draws"] += 1
        seen["two"] |= len(arrs) >= 2
        if not seen["two"] and seen["draws"] >= 20:
            raise _OneTensor
        if len(arrs) < 2 or strict and any(a.values.ndim == 0 or a.values.size == 0
                                           for a in arrs):
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parity.run(spec, spec.calls[0], sample, torch, "float64", "cpu")
        except Exception:  # noqa: BLE001 -- an invalid draw of a may_raise spec
            return False
        return True

    try:
        try:
            return find(spec.sample, usable, settings=_FIXED_FIRST, random=random.Random(0))
        except NoSuchExample:  # the spec always has a 0-dim or empty tensor: take it
            if not seen["two"]:
                return None  # a fixed sample (st.just) with one tensor
            return find(spec.sample, lambda s: usable(s, strict=False), settings=_FIXED,
                        random=random.Random(0))
    except _OneTensor:
        return None


# ---- building and calling -----------------------------------------------------------------------
def build_mixed(sample, on_cuda):
    """The sample as minitorch tensors, tensor number `on_cuda` on cuda, the rest on cpu."""
    count = [0]

    def make(obj):
        if isinstance(obj, Arr):
            i, count[0] = count[0], count[0] + 1
            t = minitorch.from_numpy(obj.make(np.float64))
            return t.to("cuda") if i == on_cuda else t
        if isinstance(obj, (list, tuple)) and not isinstance(obj, str):
            return type(obj)(make(o) for o in obj)
        if isinstance(obj, dict):
            return {k: make(v) for k, v in obj.items()}
        if isinstance(obj, parity.DT):
            return getattr(minitorch, obj.name)
        return obj

    return make(sample.args), make(sample.kwargs)


def check_mixed(name, spec, caller, sample, torch_sample=None):
    """Each tensor argument on cuda in turn: torch's device error, or (ALLOWED) torch's
    result."""
    for index in range(len(_tensors(sample))):
        args, kwargs = build_mixed(sample, index)
        what = f"{name} via {getattr(caller, '__name__', caller)}, tensor {index} on cuda"
        if allowed(name, index, caller):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref, _ = parity.run(spec, caller, sample, torch, "float64", "cpu")
                mine = call_spec(spec, caller, minitorch, args, kwargs)  # must not raise
            mine_flat, ref_flat = parity.flat(mine), parity.flat(ref)
            assert len(mine_flat) == len(ref_flat), what
            for m, r in zip(mine_flat, ref_flat):
                parity.assert_close(m, r, spec or _TOL, "float64", what)
            continue
        with pytest.raises(RuntimeError) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call_spec(spec, caller, minitorch, args, kwargs)
        message = str(info.value)
        expected = OWN_MESSAGE.get(name, DEVICE_ERROR)
        assert expected in message, f"{what}: torch says {expected!r}..., minitorch {message!r}"
        if expected is DEVICE_ERROR:
            assert "cuda:0" in message and "cpu" in message, f"{what}: {message}"


class _TOL:
    """Tolerances for the functionals (float64, same data as torch)."""

    @staticmethod
    def tolerance(dtype):
        return 1e-10, 1e-12


# ---- the registry -------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=[f"cuda-{s.id}" for s in SPECS])
def test_registry_mixed_devices(spec):
    """Every spec with two or more tensor arguments (the others have nothing to mix)."""
    sample = fixed_sample(spec)
    if sample is None:
        return  # one tensor argument: the cuda cases of test_op_parity cover it
    for caller in spec.calls:
        check_mixed(spec.id, spec, caller, sample)


# ---- nn.functional ------------------------------------------------------------------------------
FUNCTIONAL_MIXED = {name: s for name, s in FUNCTIONAL.items() if len(_tensors(s)) >= 2}
FUNCTIONAL_MIXED.update({
    "binary_cross_entropy_with_logits": Sample((_x(3, 4), _probs(3, 4))),
    "kl_div": Sample((_x(3, 4), _probs(3, 4)), {"reduction": "batchmean"}),
    "huber_loss": Sample((_x(3, 4), _x(3, 4))),
    "margin_ranking_loss": Sample((_x(4), _x(4), _x(4))),
    "cosine_embedding_loss": Sample((_x(3, 4), _x(3, 4), _x(3))),
    "hinge_embedding_loss": Sample((_x(3, 4), _x(3, 4))),
    "soft_margin_loss": Sample((_x(3, 4), _x(3, 4))),
    "multilabel_soft_margin_loss": Sample((_x(3, 4), _probs(3, 4))),
    "poisson_nll_loss": Sample((_x(3, 4), _probs(3, 4))),
    "gaussian_nll_loss": Sample((_x(3, 4), _x(3, 4), _probs(3, 4))),
    "triplet_margin_loss": Sample((_x(3, 4), _x(3, 4), _x(3, 4))),
    "multi_margin_loss": Sample((_x(4, 5), _ints(5, 4))),
    "pairwise_distance": Sample((_x(3, 4), _x(3, 4))),
    "prelu": Sample((_x(2, 3, 4), _probs(3))),
    "bilinear": Sample((_x(2, 3), _x(2, 4), _x(5, 3, 4), _x(5))),
    "conv_transpose1d": Sample((_x(1, 2, 5), _x(2, 3, 3))),
    "instance_norm": Sample((_x(2, 3, 4), None, None, _x(3), _x(3))),
    "scaled_dot_product_attention": Sample((_x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 4))),
})
FUNCTIONAL_MIXED["layer_norm"] = Sample((_x(2, 3, 4), (4,), _x(4), _x(4)))
FUNCTIONAL_MIXED["group_norm"] = Sample((_x(2, 4, 3), 2, _x(4), _x(4)))


@pytest.mark.parametrize("name", sorted(FUNCTIONAL_MIXED),
                         ids=[f"cuda-{n}" for n in sorted(FUNCTIONAL_MIXED)])
def test_functional_mixed_devices(name):
    check_mixed(name, None, _f(name), FUNCTIONAL_MIXED[name])



# ---- torch's CPU scalars -----------------------------------------------------------------
# A 0-dim CPU tensor beside a CUDA tensor in an elementwise op counts as a number (torch's
# TensorIterator "CPU scalar"); a 0-dim CUDA tensor beside CPU tensors does not.
SCALAR_CASES = {
    "cuda + cpu0d": lambda L, c, s: c + s,
    "cpu0d + cuda": lambda L, c, s: s + c,
    "cpu0d * cuda": lambda L, c, s: L.mul(s, c),
    "cuda ** cpu0d": lambda L, c, s: c ** s,
    "cuda > cpu0d": lambda L, c, s: c > s,
    "where": lambda L, c, s: L.where(c > 0, s, c),
    "clamp(min=cpu0d)": lambda L, c, s: L.clamp(c, min=s),
    "maximum": lambda L, c, s: L.maximum(s, c),
    "in-place mul_": lambda L, c, s: c.clone().mul_(s),
}


@pytest.mark.parametrize("case", sorted(SCALAR_CASES),
                         ids=[f"cuda-{c}" for c in sorted(SCALAR_CASES)])
def test_cpu_scalar_cuda(case):
    """Runs, on cuda, with torch's values; the CPU scalar's gradient comes back to the CPU."""
    values, scalar = np.array([-1.5, 0.25, 2.0]), np.array(0.5)
    ref_s = torch.tensor(scalar, requires_grad=True)
    ref = SCALAR_CASES[case](torch, torch.tensor(values), ref_s)
    s = minitorch.tensor(scalar, requires_grad=True)
    out = SCALAR_CASES[case](minitorch, minitorch.tensor(values, device="cuda"), s)
    assert out.device.type == "cuda"
    parity.assert_close(out, ref, _TOL, "float64", case)
    if ref.requires_grad:
        ref.sum().backward()
        out.sum().backward()
        assert s.grad.device.type == "cpu"
        parity.assert_close(s.grad, ref_s.grad, _TOL, "float64", f"{case}: grad")


@pytest.mark.parametrize("order", ["cuda0d first", "cpu first"],
                         ids=["cuda-0d-first", "cuda-0d-second"])
def test_cuda_scalar_with_cpu_tensor_raises(order):
    c0, cpu = minitorch.tensor(2.0, device="cuda"), minitorch.ones(3)
    with pytest.raises(RuntimeError, match=DEVICE_ERROR):
        _ = c0 + cpu if order == "cuda0d first" else cpu * c0
