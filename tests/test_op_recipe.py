"""The op recipe (docs/adding_an_op.md) works as written, and `@public` names stay sound.

The recipe tests copy the doc's code blocks (those that start `# file: ...`) into a scratch
op module and a scratch spec module, import them, and check that the op appears as
`minitorch.logit`, `Tensor.logit` and `Tensor.logit_`, that the registry's own tests
(test_op_parity.py, test_double_backward.py, the meta-test's helpers) pick up the spec and
pass -- and that they fail once the doc's backward or backward_graph is made wrong. The
toy op and its spec are withdrawn afterwards, so no other test sees them.
"""
from __future__ import annotations

import contextlib
import gc
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import op_specs
import pytest
import test_double_backward
import test_op_parity
import test_op_registry
import torch

import minitorch
from minitorch.ops import registry

# a name the registry adds with no spec of its own: @public(aliases=...) on an in-place op
COVERED = {"Tensor.negative_"}

DOC = Path(__file__).resolve().parents[1] / "docs" / "adding_an_op.md"
BLOCK = re.compile(r"```python\n# file: (\S+)\n(.*?)```", re.S)
OP_FILE, SPEC_FILE = "minitorch/ops/special.py", "tests/op_specs_math.py"
# the scratch op module lives in minitorch.ops, so the doc's relative imports resolve as
# they would in special.py
OP_MODULE, SPEC_MODULE = "minitorch.ops._recipe_op", "op_specs_recipe"
# the two formulas the doc writes, and wrong versions of them (the checks must notice)
BACKWARD = "xp.where(inside, grad / (x * (1 - x)), outside)"
GRAPH = "return where(inside, grad / (x * (1 - x)), outside)"


def doc_code():
    """{file: code} of the doc's `# file:` blocks, the blocks of one file joined in order."""
    code = {}
    for path, body in BLOCK.findall(DOC.read_text()):
        code[path] = code.get(path, "") + body + "\n"
    return code


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def recipe_op(tmp_path, old=None, new=None):
    """The doc's op and spec imported as scratch modules (with `old` replaced by `new` in
    the op's code); yields (op module, the specs it added). Withdrawn on exit."""
    if hasattr(minitorch, "logit") and minitorch.logit.__module__ != OP_MODULE:
        pytest.skip("minitorch has logit now: docs/adding_an_op.md needs a new example")
    code = doc_code()
    op_code = code[OP_FILE]
    if old is not None:
        assert op_code.count(old) == 1, f"docs/adding_an_op.md no longer has {old!r}"
        op_code = op_code.replace(old, new)
    (tmp_path / "recipe_op.py").write_text(op_code)
    (tmp_path / "recipe_spec.py").write_text(code[SPEC_FILE])
    n_specs = len(op_specs.SPECS)
    try:
        module = _load(OP_MODULE, tmp_path / "recipe_op.py")
        _load(SPEC_MODULE, tmp_path / "recipe_spec.py")
        yield module, op_specs.SPECS[n_specs:]
    finally:
        del op_specs.SPECS[n_specs:]
        for fn in {f for f in registry.FUNCTIONS.values() if f.__module__ == OP_MODULE}:
            registry.withdraw(fn)
        sys.modules.pop(OP_MODULE, None)
        sys.modules.pop(SPEC_MODULE, None)
        gc.collect()  # the toy Op class leaves Op.__subclasses__() (test_double_backward)


def _run_registry_checks(spec, device):
    """The registry tests' own bodies (hypothesis included) on one spec."""
    for dtype in ("float64", "float32"):
        test_op_parity.test_forward(spec=spec, dtype=dtype, device=device)
        test_op_parity.test_gradients(spec=spec, dtype=dtype, device=device)
    if device == "cpu":
        test_double_backward.test_second_derivatives_match_torch(spec=spec)
        test_double_backward.test_gradgradcheck_registry(spec=spec)


def test_the_doc_has_the_recipe_blocks():
    code = doc_code()
    assert set(code) == {OP_FILE, SPEC_FILE}
    assert "@public(" in code[OP_FILE] and "backward_graph" in code[OP_FILE]


def test_recipe_op_appears_everywhere_and_goes_away(tmp_path):
    with recipe_op(tmp_path) as (module, specs):
        assert minitorch.logit is module.logit and minitorch.ops.logit is module.logit
        assert inspect.getattr_static(minitorch.Tensor, "logit") is module.logit
        values = [0.25, 0.5, 2.0]
        mine = minitorch.tensor(values, requires_grad=True)
        ref = torch.tensor(values, requires_grad=True)
        assert mine.logit(0.1).grad_fn.name() == ref.logit(0.1).grad_fn.name()
        with minitorch.no_grad():
            out = minitorch.tensor(values).logit_()
        torch.testing.assert_close(torch.from_numpy(out.numpy()), torch.tensor(values).logit_(),
                                   equal_nan=True)
        assert "LogitBackward0" in repr(minitorch.logit(mine))
        # the meta-test (test_op_registry) sees the three public names, each with a spec
        names = {"logit", "Tensor.logit", "Tensor.logit_"}
        public = (test_op_registry.public_functions(minitorch)
                  | test_op_registry.public_tensor_attributes())
        assert names <= public
        assert [s.name for s in specs] == ["logit"] and names <= specs[0].covered_names()
        assert names <= test_op_registry.registry_names()
    assert not hasattr(minitorch, "logit") and not hasattr(minitorch.ops, "logit")
    assert not hasattr(minitorch.Tensor, "logit") and not hasattr(minitorch.Tensor, "logit_")
    assert "logit" not in registry.FUNCTIONS and "logit" not in test_op_registry.registry_names()


def test_recipe_op_passes_the_registry_tests(tmp_path, device):
    with recipe_op(tmp_path) as (_, specs):
        for spec in specs:
            _run_registry_checks(spec, device)


def _fails(check):
    """Whether `check()` fails with an assertion (hypothesis may group several)."""
    try:
        check()
    except AssertionError:
        return True
    except BaseExceptionGroup as group:  # noqa: F821 -- a builtin since Python 3.11
        return group.subgroup(AssertionError) is not None
    return False


def test_registry_tests_catch_a_wrong_backward(tmp_path):
    with recipe_op(tmp_path, BACKWARD, BACKWARD.replace("(1 - x)", "(1 + x)")) as (_, specs):
        assert _fails(lambda: test_op_parity.test_gradients(
            spec=specs[0], dtype="float64", device="cpu"))


def test_registry_tests_catch_a_wrong_backward_graph(tmp_path):
    with recipe_op(tmp_path, GRAPH, GRAPH.replace("(1 - x)", "(1 + x)")) as (_, specs):
        test_op_parity.test_gradients(spec=specs[0], dtype="float64", device="cpu")
        assert _fails(lambda: test_double_backward.test_second_derivatives_match_torch(
            spec=specs[0]))


# ---- the registry itself (minitorch/ops/registry.py) ------------------------------------------
def test_declared_names_are_what_minitorch_exposes():
    """No declared name collides with an explicit definition (ops/__init__.py,
    minitorch/__init__.py, TensorMethods): the explicit one would win, silently."""
    assert registry.CLASHES == []
    assert registry.FUNCTIONS, "nothing is declared with @public"
    for name, fn in registry.FUNCTIONS.items():
        assert getattr(minitorch, name) is fn, f"minitorch.{name}"
        assert getattr(minitorch.ops, name) is fn, f"minitorch.ops.{name}"
    for name, fn in registry.METHODS.items():
        assert inspect.getattr_static(minitorch.Tensor, name) is fn, f"Tensor.{name}"
    for name, fn in registry.INPLACE.items():
        assert inspect.getattr_static(minitorch.Tensor, name).declared is fn, f"Tensor.{name}"


def test_a_declared_name_never_replaces_an_explicit_one():
    """`view` is explicit in minitorch.ops (imported by hand) and on Tensor (its dtype
    check); a declaration of the same name must leave both alone."""
    def view(input, *shape):
        raise AssertionError("the explicit view must stay")

    n_clashes = len(registry.CLASHES)
    try:
        registry.public(method=True)(view)
        assert {"minitorch.ops.view", "TensorMethods.view"} <= set(
            registry.CLASHES[n_clashes:])
        assert minitorch.ops.view is minitorch.ops.shape.view
        assert minitorch.ones(2, 3).view(3, 2).shape == (3, 2)
    finally:
        registry.withdraw(view)
        del registry.CLASHES[n_clashes:]
    assert minitorch.ops.view is minitorch.ops.shape.view
    assert not hasattr(minitorch, "view")  # the toy's minitorch.view went with it


def test_a_name_declared_by_two_modules_is_an_error():
    def exp(input):
        return input

    with pytest.raises(ValueError, match="'exp' is declared by minitorch.ops.unary and"):
        registry.public(exp)
    assert minitorch.exp is minitorch.ops.unary.exp


def test_an_alias_gets_the_inplace_method_too():
    """neg is declared with aliases=("negative",): Tensor.negative_ as torch's."""
    results = []
    for lib in (minitorch, torch):
        x = lib.tensor([1.5, -2.0, 0.0], dtype=lib.float64, requires_grad=True)
        y = (x * 1).negative_()
        y.backward(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64))
        results.append((y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()))
    (y, grad, node), (ref_y, ref_grad, ref_node) = results
    assert (y == ref_y).all() and (grad == ref_grad).all() and node == ref_node
