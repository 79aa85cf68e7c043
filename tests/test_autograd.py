"""Autograd semantics against torch: accumulation, retain_graph, hooks, grad modes,
in-place checks, custom Functions, autograd.grad, gradcheck.

Each test runs the same small program with `lib = minitorch` and `lib = torch` (via the
`both` helper) and compares what comes out, or checks torch's error wording.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

import minitorch

# public names whose behaviour is tested here (read by tests/test_op_registry.py)
COVERED = {
    "Tensor.backward", "Tensor.register_hook", "Tensor.retain_grad", "Tensor.retains_grad",
    "Tensor.detach", "Tensor.detach_", "Tensor.requires_grad_", "Tensor.is_leaf",
    "Tensor.data", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "inference_mode", "Tensor.grad", "Tensor.grad_fn",
}

LIBS = [minitorch, torch]


def tensor(lib, values, device="cpu", **kwargs):
    kwargs.setdefault("dtype", lib.float64)
    t = lib.tensor(values, dtype=kwargs.pop("dtype"), device=device)
    return t.requires_grad_(kwargs.pop("requires_grad", False))


def grad_np(t):
    return None if t.grad is None else np.asarray(t.grad.detach().cpu().numpy())


def run_both(program, device="cpu"):
    """program(lib, device) -> a list of Tensors/None/values; compared elementwise."""
    mine, ref = program(minitorch, device), program(torch, "cpu")
    assert len(mine) == len(ref)
    for i, (m, r) in enumerate(zip(mine, ref)):
        if r is None or m is None:
            assert m is None and r is None, f"item {i}: {m!r} vs {r!r}"
        elif isinstance(r, torch.Tensor):
            np.testing.assert_allclose(m.detach().cpu().numpy(), r.detach().numpy(),
                                       rtol=1e-12, atol=1e-12, err_msg=f"item {i}")
        else:
            assert m == r, f"item {i}: {m!r} vs {r!r}"


# ---- accumulation, retain_graph, gradient argument ---------------------------------------------
def test_gradients_accumulate_over_two_backward_calls(device):
    def program(lib, dev):
        x = tensor(lib, [1.0, -2.0, 3.0], dev, requires_grad=True)
        (x * x).sum().backward()
        first = x.grad.clone()
        (x * 3).sum().backward()
        return [first, x.grad]

    run_both(program, device)


def test_backward_twice_needs_retain_graph(device):
    for lib in LIBS:
        x = tensor(lib, [1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()  # allowed: the first call kept the graph
        with pytest.raises(RuntimeError,
                           match="Trying to backward through the graph a second time"):
            y.backward()
        np.testing.assert_allclose(grad_np(x), 2 * (np.exp([1, 2]) * np.array([2, 3])))


def test_backward_with_gradient_on_non_scalar(device):
    def program(lib, dev):
        x = tensor(lib, [[1.0, 2.0], [3.0, 4.0]], dev, requires_grad=True)
        y = x * x
        y.backward(tensor(lib, [[1.0, 0.5], [-1.0, 2.0]], dev))
        return [x.grad]

    run_both(program, device)
    for lib in LIBS:
        y = tensor(lib, [1.0, 2.0], requires_grad=True) * 2
        with pytest.raises(RuntimeError,
                           match="grad can be implicitly created only for scalar outputs"):
            y.backward()
        with pytest.raises(RuntimeError, match="Mismatch in shape"):
            y.backward(tensor(lib, [1.0, 2.0, 3.0]))


def test_backward_on_tensor_without_grad_raises():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
            tensor(lib, [1.0]).sum().backward()


# ---- hooks and retain_grad -----------------------------------------------------------------------
def test_hooks_read_and_replace_gradients(device):
    def program(lib, dev):
        seen = []
        x = tensor(lib, [1.0, 2.0, 3.0], dev, requires_grad=True)
        h = x * 2
        h.register_hook(lambda g: seen.append(g.clone()))      # read
        h.register_hook(lambda g: g * 10)                       # replace
        handle = x.register_hook(lambda g: g + 1)               # on a leaf
        (h * h).sum().backward()
        first = x.grad.clone()
        handle.remove()
        x.grad = None
        (x * 1).sum().backward()
        return [seen[0], first, x.grad]

    run_both(program, device)


def test_retain_grad_and_non_leaf_grad_is_none(device):
    def program(lib, dev):
        x = tensor(lib, [1.0, 2.0], dev, requires_grad=True)
        h = x * 3
        k = h * 2
        h.retain_grad()
        (k ** 2).sum().backward()
        return [h.grad, k.grad, x.grad, h.is_leaf, k.is_leaf, x.is_leaf, h.retains_grad,
                k.retains_grad]

    with pytest.warns(UserWarning):  # torch warns when .grad of a non-leaf is read
        run_both(program, device)


def test_retain_grad_on_tensor_without_grad_raises():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="^can't retain_grad on Tensor that has "
                                               "requires_grad=False$"):
            lib.ones(2).retain_grad()


def test_hook_on_tensor_without_grad_raises():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that "
                                               "doesn't require gradient"):
            tensor(lib, [1.0]).register_hook(lambda g: g)


# ---- detach, grad modes, requires_grad propagation -----------------------------------------------
def test_detach_shares_memory_and_stops_gradients(device):
    for lib in LIBS:
        x = tensor(lib, [1.0, 2.0], requires_grad=True)
        d = x.detach()
        assert not d.requires_grad and d.grad_fn is None and d.is_leaf
        d.zero_()  # same memory: the change shows in x
        assert x.detach().sum().item() == 0
        y = x * 2
        y.detach_()
        assert not y.requires_grad and y.grad_fn is None
        assert not x.data.requires_grad


def test_no_grad_enable_grad_set_grad_enabled(device):
    for lib in LIBS:
        x = tensor(lib, [1.0], requires_grad=True)
        with lib.no_grad():
            assert not (x * 2).requires_grad and not lib.is_grad_enabled()
            with lib.enable_grad():
                assert (x * 2).requires_grad
            assert not (x * 2).requires_grad
        assert lib.is_grad_enabled()

        @lib.no_grad()
        def f(t):
            return t * 2

        assert not f(x).requires_grad and lib.is_grad_enabled()
        with lib.set_grad_enabled(False):
            assert not (x * 2).requires_grad
        assert (x * 2).requires_grad
        lib.set_grad_enabled(False)  # a plain call switches right away
        try:
            assert not lib.is_grad_enabled()
        finally:
            lib.set_grad_enabled(True)
        with lib.inference_mode():
            assert not (x * 2).requires_grad


def test_requires_grad_propagation():
    for lib in LIBS:
        a = tensor(lib, [1.0], requires_grad=True)
        b = tensor(lib, [2.0])
        assert (a + b).requires_grad and not (b * 2).requires_grad
        assert (a + b).grad_fn is not None and (b * 2).grad_fn is None
        assert not (a > b).requires_grad  # bool outputs never require grad
        assert not a.argmax().requires_grad
        with pytest.raises(RuntimeError,
                           match="you can only change requires_grad flags of leaf variables"):
            (a * 2).requires_grad_(False)


def test_integer_tensors_cannot_require_grad():
    # torch words the check differently at creation and in requires_grad_()
    at_creation = "^Only Tensors of floating point and complex dtype can require gradients$"
    for lib in LIBS:
        with pytest.raises(RuntimeError,
                           match="^only Tensors of floating point dtype can require gradients$"):
            lib.tensor([1, 2, 3]).requires_grad_()
        with pytest.raises(RuntimeError, match=at_creation):
            lib.tensor([1, 2], requires_grad=True)
        with pytest.raises(RuntimeError, match=at_creation):
            lib.ones(2, dtype=lib.int64, requires_grad=True)
        with pytest.raises(RuntimeError, match=at_creation):
            lib.nn.Parameter(lib.tensor([1, 2]))


def test_variable_alias():
    x = minitorch.autograd.Variable(minitorch.tensor([1.0, 2.0]), requires_grad=True)
    y = torch.autograd.Variable(torch.tensor([1.0, 2.0]), requires_grad=True)
    assert isinstance(x, minitorch.Tensor) and x.requires_grad and y.requires_grad
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_reading_grad_of_a_non_leaf_warns_like_torch():
    # seed 000 reads `.grad` of intermediate tensors; torch answers None with a hint
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        y.sum().backward()
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
            assert y.grad is None
        x.grad = None
        y2 = x * 3
        y2.retain_grad()
        y2.sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert y2.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [3.0, 3.0]


def test_variable_is_a_new_leaf_and_leaves_its_data_alone():
    # seed 000: `variable = Variable(tensor, requires_grad=True)`, later `Variable(tensor)`
    for lib in LIBS:
        t = lib.tensor([1.0, 2.0])
        v = lib.autograd.Variable(t, requires_grad=True)
        assert v is not t and v.requires_grad and v.is_leaf and not t.requires_grad
        assert not lib.autograd.Variable(t).requires_grad
        assert not lib.autograd.Variable(v).requires_grad   # a detached alias
        with lib.no_grad():
            v.add_(1)                                       # shares t's memory
        assert t.tolist() == [2.0, 3.0]
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            lib.autograd.Variable([1, 2])


# ---- in-place checks -----------------------------------------------------------------------------
def test_inplace_on_saved_tensor_raises_at_backward():
    for lib in LIBS:
        x = tensor(lib, [1.0, 2.0], requires_grad=True)
        y = x.exp()           # saves its output
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_inplace_on_saved_output_of_a_custom_function_raises_at_backward():
    """A Function whose forward saves its own result: changing the result in place must
    fail backward, naming the Function, as torch does (it used to give a wrong gradient:
    the result did not share the saved tensor's version counter)."""
    messages = []
    for lib in LIBS:
        class MyExp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad):
                (y,) = ctx.saved_tensors
                return grad * y

        y = MyExp.apply(tensor(lib, [1.0, 2.0], requires_grad=True))
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as err:
            y.sum().backward()
        messages.append(str(err.value).split(" Hint:")[0].replace(lib.__name__, "torch"))
    assert messages[0] == messages[1]


def test_inplace_on_leaf_requiring_grad_raises():
    for lib in LIBS:
        x = tensor(lib, [1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being "
                                               "used in an in-place operation"):
            x.add_(1)
        with lib.no_grad():
            x.add_(1)   # fine without recording (an optimizer step)
        assert x.detach().tolist() == [2.0, 3.0]


def test_inplace_on_non_leaf_keeps_the_chain(device):
    def program(lib, dev):
        x = tensor(lib, [1.0, -2.0, 3.0], dev, requires_grad=True)
        y = x * 2
        y.mul_(x)
        y[0] = 5.0
        y.sum().backward()
        return [y, x.grad]

    run_both(program, device)


# ---- graphs: reuse, diamonds ---------------------------------------------------------------------
def test_tensor_used_twice_and_diamond_graph(device):
    def program(lib, dev):
        x = tensor(lib, [0.5, -1.0, 2.0], dev, requires_grad=True)
        twice = x * x + x                        # x used twice in one op and again
        a, b = x.sin(), x.exp()                  # diamond: x -> a, b -> c
        c = a * b + a
        (twice.sum() + c.sum()).backward()
        return [x.grad]

    run_both(program, device)


def test_multi_output_with_unused_output(device):
    def program(lib, dev):
        x = tensor(lib, [[1.0, 5.0], [4.0, 2.0]], dev, requires_grad=True)
        values, indices = x.max(dim=1)
        first, _second = x.split(1, dim=1)
        (values * 2).sum().backward(retain_graph=True)
        (first * 3).sum().backward()
        return [x.grad, indices]

    run_both(program, device)


# ---- custom Function -----------------------------------------------------------------------------
def _make_function(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x ** 3 * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2 * ctx.scale, None

    return Cube


def test_custom_function_matches_torch(device):
    def program(lib, dev):
        Cube = _make_function(lib)
        x = tensor(lib, [1.0, -2.0, 0.5], dev, requires_grad=True)
        y = Cube.apply(x, 2.0)
        (y * tensor(lib, [1.0, 2.0, 3.0], dev)).sum().backward()
        return [y, x.grad, y.requires_grad, type(y.grad_fn).__name__.startswith("Cube")]

    run_both(program, device)


def test_custom_function_saved_tensors_freed_after_backward():
    for lib in LIBS:
        Cube = _make_function(lib)
        x = tensor(lib, [1.0], requires_grad=True)
        y = Cube.apply(x, 1.0).sum()
        y.backward()
        with pytest.raises(RuntimeError,
                           match="Trying to backward through the graph a second time"):
            y.backward()


# ---- autograd.grad, gradcheck --------------------------------------------------------------------
def test_autograd_grad(device):
    def program(lib, dev):
        x = tensor(lib, [1.0, 2.0], dev, requires_grad=True)
        w = tensor(lib, [3.0, -1.0], dev, requires_grad=True)
        y = (x * w).sum() + (x ** 2).sum()
        gx, gw = lib.autograd.grad(y, [x, w])
        (gv,) = lib.autograd.grad(x * 2, x, grad_outputs=tensor(lib, [1.0, -1.0], dev))
        return [gx, gw, gv, x.grad, w.grad]   # .grad untouched

    run_both(program, device)
    for lib in LIBS:
        x = tensor(lib, [1.0], requires_grad=True)
        z = tensor(lib, [1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
            lib.autograd.grad((x * 2).sum(), [x, z])
        assert lib.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)[1] is None


def test_autograd_backward_several_roots(device):
    def program(lib, dev):
        x = tensor(lib, [1.0, 2.0], dev, requires_grad=True)
        lib.autograd.backward([x.sum(), (x * x).sum()])
        return [x.grad]

    run_both(program, device)


@pytest.mark.parametrize("fn", [
    lambda x, y: (x * y).sin().sum(dim=0),
    lambda x, y: (x @ y.T).softmax(dim=-1),
    lambda x, y: x.exp().log1p() / (y * y + 1),
    lambda x, y: x.var(dim=1) + y.max(dim=0).values.sum(),
])
def test_gradcheck(fn):
    rng = np.random.default_rng(0)
    x = minitorch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = minitorch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert minitorch.autograd.gradcheck(fn, (x, y))


def test_gradcheck_catches_a_wrong_backward():
    class Wrong(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return grad  # should be 2x * grad

    x = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64, requires_grad=True)
    with pytest.raises(minitorch.autograd.GradcheckError):
        minitorch.autograd.gradcheck(Wrong.apply, (x,))
    assert not minitorch.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


# ---- devices -------------------------------------------------------------------------------------
def test_mixed_device_error():
    if not minitorch.cuda.is_available():
        pytest.skip("needs a GPU: the error is raised by real cuda tensors")
    a = minitorch.ones(2)
    b = minitorch.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + b


def test_gradient_flows_back_across_devices():
    if not minitorch.cuda.is_available():
        pytest.skip("needs a GPU")
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    (x.cuda() * 3).sum().backward()
    assert x.grad.device.type == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


# ---- backward(inputs=...): only the given tensors get .grad ----------------------------------
@pytest.mark.parametrize("call", ["method", "function"])
def test_backward_inputs_accumulates_only_into_them(call):
    def program(lib, device):
        a = tensor(lib, [1.0, 2.0], requires_grad=True)
        b = tensor(lib, [3.0, -4.0], requires_grad=True)
        fired = []
        b.register_hook(lambda g: fired.append("b"))  # b is not needed: its hook never runs
        h = a * b
        h.register_hook(lambda g: fired.append("h"))
        y = (h * h).sum()
        run = (lambda **k: y.backward(**k)) if call == "method" else \
            (lambda **k: lib.autograd.backward(y, **k))
        run(inputs=[a], retain_graph=True)
        first = a.grad.clone()
        run(inputs=h, retain_graph=True)  # a non-leaf: its .grad is set, as torch does
        run(inputs=(a, b))
        return [first, a.grad, b.grad, h.grad, fired == ["h", "h", "h", "b"]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warning about reading a non-leaf's .grad
        run_both(program)


def test_backward_inputs_unreached_and_create_graph():
    def program(lib, device):
        a = tensor(lib, [0.5, -1.5], requires_grad=True)
        unused = tensor(lib, [1.0], requires_grad=True)
        y = (a.sin() * a).sum()
        y.backward(inputs=[unused, a], create_graph=True)
        g = a.grad
        (second,) = lib.autograd.grad(g.sum(), a)
        return [unused.grad, g, second, g.requires_grad]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about create_graph=True in backward
        run_both(program)


@pytest.mark.parametrize("inputs, exc, match", [
    ([], RuntimeError, "`inputs` argument to `backward()` cannot be empty."),
    ((), RuntimeError, "`inputs` argument to `backward()` cannot be empty."),
    ("no_grad", RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"),
    (5, TypeError, "'int' object is not iterable"),
])
@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
@pytest.mark.parametrize("call", ["method", "function"])
def test_backward_inputs_errors_as_torch(lib, call, inputs, exc, match):
    a = tensor(lib, [1.0, 2.0], requires_grad=True)
    y = (a * a).sum()
    if inputs == "no_grad":
        inputs = [tensor(lib, [1.0])]
    with pytest.raises(exc, match=re.escape(match)):
        if call == "method":
            y.backward(inputs=inputs)
        else:
            lib.autograd.backward(y, inputs=inputs)
    assert a.grad is None


def test_next_functions_name_the_output_of_the_next_node():
    def program(lib, device):
        a = tensor(lib, [1.0, 2.0], requires_grad=True)
        b = tensor(lib, [3.0, 4.0])
        _, second = a.split(1)
        y = second * b
        nexts = y.grad_fn.next_functions
        leaf_nexts = nexts[0][0].next_functions[0][0].next_functions
        return [nexts[0][0].name(), nexts[0][1], nexts[1], leaf_nexts]

    mine, ref = program(minitorch, "cpu"), program(torch, "cpu")
    assert mine == ref
