"""Every op in the registry (tests/op_specs.py) against torch: values, dtypes, gradients, errors.

One test body per check, parametrized over the registry, the float dtype and the device
(cuda runs are reported as skipped without a GPU). Inputs come from each spec's
hypothesis strategy; the same values (in the same non-contiguous layout) go to
minitorch and to torch, and the backward pass uses one random upstream gradient for both.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from op_specs import DT, SPECS, call_spec
from strategies import Arr

import minitorch

# MINITORCH_NO_SHRINK=1 reports the first failing example as drawn (fast when debugging
# many failures at once); CI keeps hypothesis' shrinking for minimal examples.
if os.environ.get("MINITORCH_NO_SHRINK"):
    settings.register_profile("no_shrink", settings.get_profile("ci"),
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("no_shrink")

FLOAT = {"float64": np.float64, "float32": np.float32}
SPEC_IDS = [s.id for s in SPECS]


# ---- building inputs --------------------------------------------------------------------------
def build(obj, lib, dtype, device, leaves):
    """Turn Arr/DT placeholders (also inside lists, tuples, dicts) into `lib` objects.
    Floating Arr inputs that require grad become leaves and are appended to `leaves`."""
    if isinstance(obj, Arr):
        arr = obj.make(FLOAT[dtype])
        if lib is torch:
            t = torch.from_numpy(arr)
        else:
            t = minitorch.from_numpy(arr)
            if device != "cpu":
                t = t.to(device)
        if obj.is_float and obj.requires_grad:
            t.requires_grad_(True)
            leaves.append(t)
        return t
    if isinstance(obj, DT):
        return getattr(lib, obj.name)
    if isinstance(obj, (list, tuple)):
        return type(obj)(build(o, lib, dtype, device, leaves) for o in obj)
    if isinstance(obj, dict):
        return {k: build(v, lib, dtype, device, leaves) for k, v in obj.items()}
    return obj


def run(spec, caller, sample, lib, dtype, device):
    leaves = []
    args = build(sample.args, lib, dtype, device, leaves)
    kwargs = build(sample.kwargs, lib, dtype, device, leaves)
    return call_spec(spec, caller, lib, args, kwargs), leaves


def flat(out):
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in flat(item)]
    return [out]


def host(t):
    return np.asarray(minitorch.Tensor.cpu(t).detach().numpy())


def assert_close(mine, ref, spec, dtype, what):
    """Same type, dtype, shape and values (exact for ints/bools, tolerances for floats)."""
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{what}: expected a Tensor, got {mine!r}"
        ref_dtype = str(ref.dtype).replace("torch.", "")
        assert mine.dtype.name == ref_dtype, f"{what}: dtype {mine.dtype.name} != {ref_dtype}"
        assert tuple(mine.shape) == tuple(ref.shape), \
            f"{what}: shape {tuple(mine.shape)} != {tuple(ref.shape)}"
        got, want = host(mine), ref.detach().numpy()
    else:
        assert not isinstance(mine, minitorch.Tensor), f"{what}: expected {ref!r}, got a Tensor"
        assert type(mine) is type(ref) or {type(mine), type(ref)} <= {int, float}, \
            f"{what}: type {type(mine).__name__} != {type(ref).__name__}"
        got, want = np.asarray(mine), np.asarray(ref)
    if want.dtype.kind == "f":  # tolerances follow the output's dtype, not the input's
        rtol, atol = spec.tolerance("float64" if want.dtype == np.float64 else "float32")
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def draw_case(spec, data):
    caller = data.draw(st.sampled_from(spec.calls), label="call")
    sample = data.draw(spec.sample, label="sample")
    return caller, sample


def run_both(spec, caller, sample, dtype, device):
    """Torch first; if torch rejects the sample (allowed for `may_raise` specs), minitorch
    must raise the same exception type. Returns None in that case."""
    try:
        ref = run(spec, caller, sample, torch, dtype, "cpu")
    except Exception as exc:
        if not spec.may_raise:
            raise AssertionError(f"torch rejected a drawn sample: {exc!r}") from exc
        with pytest.raises(type(exc)):
            run(spec, caller, sample, minitorch, dtype, device)
        return None
    return run(spec, caller, sample, minitorch, dtype, device), ref


# ---- the parametrized tests ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
@given(data=st.data())
def test_forward(spec, dtype, device, data):
    """Values, dtypes, shapes and requires_grad of every output match torch."""
    if dtype not in spec.dtypes:
        pytest.skip(f"{spec.id} is not run in {dtype}")
    caller, sample = draw_case(spec, data)
    both = run_both(spec, caller, sample, dtype, device)
    if both is None:
        return
    (mine, _), (ref, _) = both
    mine_flat, ref_flat = flat(mine), flat(ref)
    assert len(mine_flat) == len(ref_flat), f"{len(mine_flat)} outputs, torch has {len(ref_flat)}"
    for i, (m, r) in enumerate(zip(mine_flat, ref_flat)):
        assert_close(m, r, spec, dtype, f"output {i}")
        if isinstance(r, torch.Tensor):
            assert m.requires_grad == r.requires_grad, f"output {i}: requires_grad"
    if isinstance(ref, tuple) and hasattr(ref, "_fields"):  # (values, indices) namedtuple
        assert_close(mine.values, ref.values, spec, dtype, "values")
        assert_close(mine.indices, ref.indices, spec, dtype, "indices")


GRAD_SPECS = [s for s in SPECS if s.grad]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", GRAD_SPECS, ids=[s.id for s in GRAD_SPECS])
@given(data=st.data())
def test_gradients(spec, dtype, device, data):
    """Every input's gradient, for a random upstream gradient, matches torch."""
    if dtype not in spec.dtypes:
        pytest.skip(f"{spec.id} is not run in {dtype}")
    caller, sample = draw_case(spec, data)
    both = run_both(spec, caller, sample, dtype, device)
    if both is None:
        return
    (mine, mine_leaves), (ref, ref_leaves) = both
    pairs = [(m, r) for m, r in zip(flat(mine), flat(ref))
             if isinstance(r, torch.Tensor) and r.requires_grad]
    if not pairs:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="grad seed"))
    upstream = [rng.standard_normal(tuple(r.shape)).astype(FLOAT[dtype]) for _, r in pairs]
    torch.autograd.backward([r for _, r in pairs], [torch.from_numpy(g) for g in upstream])
    minitorch.autograd.backward(
        [m for m, _ in pairs], [minitorch.tensor(g, device=device) for g in upstream])
    for i, (m, r) in enumerate(zip(mine_leaves, ref_leaves)):
        if r.grad is None or (r.grad.numel() == 0 and m.grad is None):
            assert m.grad is None or not host(m.grad).any(), \
                f"input {i}: torch gives no gradient, minitorch a non-zero one"
            continue
        assert m.grad is not None, f"input {i}: no gradient"
        assert_close(m.grad, r.grad, spec, dtype, f"grad of input {i}")


ERROR_CASES = [(s, i, e) for s in SPECS for i, e in enumerate(s.errors)]


@pytest.mark.parametrize("spec,case", [(s, e) for s, _, e in ERROR_CASES],
                         ids=[f"{s.id}-{i}" for s, i, _ in ERROR_CASES])
def test_errors(spec, case, device):
    """Invalid inputs raise torch's exception type, with a message naming the problem."""
    caller = case.call if case.call is not None else spec.calls[0]
    with pytest.raises(case.exc) as ref_info:
        run(spec, caller, case.sample, torch, "float32", "cpu")
    if case.match:
        assert case.match in str(ref_info.value), f"torch says: {ref_info.value}"
    with pytest.raises(case.exc) as info:
        run(spec, caller, case.sample, minitorch, "float32", device)
    if case.match:
        assert case.match in str(info.value), f"minitorch says: {info.value}"
