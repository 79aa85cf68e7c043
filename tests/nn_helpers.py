"""Shared checks for the nn tests: run a minitorch function and its torch twin on the same
inputs, then compare outputs and every gradient (with a random upstream gradient)."""
import numpy as np
import torch

import minitorch

TOL = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 2e-5, "atol": 2e-6},
       "int64": {"rtol": 0, "atol": 0}}


def to_torch(a, requires_grad=False):
    t = torch.tensor(np.asarray(a))
    return t.requires_grad_(requires_grad) if requires_grad else t


def to_mt(a, device="cpu", requires_grad=False):
    return minitorch.tensor(np.asarray(a), device=device, requires_grad=requires_grad)


def to_np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return t.detach().cpu().numpy()


def assert_close(mt_value, torch_value, dtype="float64", rtol=None, atol=None, what=""):
    tol = dict(TOL[dtype])
    if rtol is not None:
        tol["rtol"] = rtol
    if atol is not None:
        tol["atol"] = atol
    a, b = to_np(mt_value), to_np(torch_value)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != torch {b.dtype}"
    np.testing.assert_allclose(a, b, err_msg=what, **tol)


def check_fn(mt_fn, torch_fn, arrays, grad_idx=(0,), device="cpu", rtol=None, atol=None,
             rng=None):
    """Compare forward and the gradients of the inputs in grad_idx.

    arrays: NumPy arrays (float ones keep their dtype; int ones are class indices)."""
    rng = rng or np.random.default_rng(0)
    t_in = [to_torch(a, i in grad_idx) for i, a in enumerate(arrays)]
    m_in = [to_mt(a, device, i in grad_idx) for i, a in enumerate(arrays)]
    out_t = torch_fn(*t_in)
    out_m = mt_fn(*m_in)
    dtype = str(out_t.dtype).replace("torch.", "")
    assert_close(out_m, out_t, dtype, rtol, atol, "forward")
    if not grad_idx:
        return out_m
    upstream = rng.standard_normal(tuple(out_t.shape)).astype(to_np(out_t).dtype)
    out_t.backward(torch.tensor(upstream))
    out_m.backward(minitorch.tensor(upstream, device=device))
    for i in grad_idx:
        assert m_in[i].grad is not None, f"no gradient for input {i}"
        assert_close(m_in[i].grad, t_in[i].grad, dtype, rtol, atol, f"grad of input {i}")
    return out_m


def copy_state(mt_module, torch_module, device="cpu"):
    """Load torch's parameters and buffers into the minitorch module (exercising
    load_state_dict)."""
    sd = {k: minitorch.tensor(v.detach().numpy(), device=device)
          for k, v in torch_module.state_dict().items()}
    result = mt_module.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []


def check_module(mt_module, torch_module, arrays, device="cpu", rtol=None, atol=None,
                 grad_inputs=True):
    """Copy torch's weights, then compare forward, input grads and parameter grads."""
    copy_state(mt_module, torch_module)
    mt_module.to(device)
    rng = np.random.default_rng(1)
    t_in = [to_torch(a, grad_inputs and a.dtype.kind == "f") for a in arrays]
    m_in = [to_mt(a, device, grad_inputs and a.dtype.kind == "f") for a in arrays]
    out_t = torch_module(*t_in)
    out_m = mt_module(*m_in)
    dtype = str(out_t.dtype).replace("torch.", "")
    assert_close(out_m, out_t, dtype, rtol, atol, "forward")
    upstream = rng.standard_normal(tuple(out_t.shape)).astype(to_np(out_t).dtype)
    out_t.backward(torch.tensor(upstream))
    out_m.backward(minitorch.tensor(upstream, device=device))
    for i, (tm, tt) in enumerate(zip(m_in, t_in)):
        if tt.requires_grad:
            assert_close(tm.grad, tt.grad, dtype, rtol, atol, f"grad of input {i}")
    t_params = dict(torch_module.named_parameters())
    for name, p in mt_module.named_parameters():
        if t_params[name].grad is None:
            assert p.grad is None, name
            continue
        assert_close(p.grad, t_params[name].grad, dtype, rtol, atol, f"grad of {name}")
    for name, b in torch_module.named_buffers():
        assert_close(dict(mt_module.named_buffers())[name], b, str(b.dtype)[6:], rtol, atol,
                     f"buffer {name}")
    return out_m
