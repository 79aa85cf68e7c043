"""Meta-test: every public op is exercised against torch somewhere.

Public ops are (1) the functions in `minitorch`'s namespace, (2) the public methods and
properties of `minitorch.Tensor` and (3), when it exists, the functions of
`minitorch.nn.functional`. A name counts as covered when

* a spec in the registry (tests/op_specs.py) calls it, or
* a test file (tests/test_*.py, e.g. test_tensor.py, test_autograd.py) lists it in a
  module-level `COVERED = {...}` set (creation, dtypes, devices, autograd semantics), or
* for nn.functional: a test file test_nn_*.py / test_losses.py / test_conv_pool.py lists
  it in a `COVERED` set, or -- when that file defines no `COVERED` -- mentions it in its
  source as `F.<name>`, `F_.<name>` or `functional.<name>` (called or passed along, as
  in `(F.relu, TF.relu)`) or as a string literal `"<name>"` (parametrized tests look
  functions up by name). Those files are written by others who may not know the
  `COVERED` convention; using the function in a test is taken as coverage.

Files are read with `ast`, not imported, so a broken test file elsewhere cannot break
this test. Names that are neither covered nor listed in EXEMPT fail the test.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from op_specs import SPECS

import minitorch

TESTS = Path(__file__).parent
NN_TEST_GLOBS = ["test_nn_*.py", "test_losses.py", "test_conv_pool.py"]

# Short, justified exemptions: names with nothing to compare against torch.
EXEMPT = {
    # minitorch-only convenience: torch has Tensor.repeat but no torch.repeat function
    "repeat",
    # serialization (minitorch.save/load) is owned and tested by the utils/serialization
    # helper; a round trip has no op semantics to compare here
    "save", "load",
}


def covered_sets(paths):
    """Union of the module-level `COVERED = {...}` literals in `paths`; files without one
    are returned separately (for the source fallback)."""
    names, without = set(), []
    for path in paths:
        tree = ast.parse(path.read_text())
        found = False
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "COVERED" for t in node.targets):
                names |= set(ast.literal_eval(node.value))
                found = True
        if not found:
            without.append(path)
    return names, without


def public_functions(module):
    return {n for n, obj in vars(module).items()
            if not n.startswith("_") and callable(obj) and not inspect.isclass(obj)
            and not inspect.ismodule(obj)
            and getattr(obj, "__module__", "").startswith("minitorch")}


def public_tensor_attributes():
    return {"Tensor." + n for n in dir(minitorch.Tensor) if not n.startswith("_")}


def registry_names():
    return set().union(*(s.covered_names() for s in SPECS))


def test_every_public_op_has_a_spec_or_a_test():
    core, _ = covered_sets(sorted(TESTS.glob("test_*.py")))
    covered = registry_names() | core
    missing = sorted((public_functions(minitorch) | public_tensor_attributes())
                     - covered - EXEMPT)
    assert not missing, (
        f"{len(missing)} public names have no registry entry (tests/op_specs.py) and no "
        f"test listing them in COVERED: {missing}")


def test_every_nn_functional_function_is_tested():
    try:
        F = importlib.import_module("minitorch.nn.functional")
    except ImportError:
        pytest.skip("minitorch.nn.functional does not exist yet")
    files = [p for g in NN_TEST_GLOBS for p in sorted(TESTS.glob(g))]
    if not files:
        pytest.skip("no nn test files (test_nn_*.py, test_losses.py, test_conv_pool.py) yet")
    names, without = covered_sets(files)
    for path in without:  # fallback: uses in the source count
        source = path.read_text()
        names |= set(re.findall(r"\b(?:F|F_|functional)\.(\w+)", source))
        names |= set(re.findall(r"[\"'](\w+)[\"']", source))
    names |= {n.split(".", 1)[1] for n in registry_names() if n.startswith("F.")}
    missing = sorted(public_functions(F) - names - EXEMPT)
    assert not missing, f"nn.functional functions without tests: {missing}"


def test_registry_names_exist_in_torch_and_minitorch():
    """Every covered name exists in both libraries (a typo in a spec would hide a gap)."""
    import torch

    for name in registry_names():
        owner, attr = (("Tensor", name[7:]) if name.startswith("Tensor.") else ("", name))
        if owner:
            assert hasattr(minitorch.Tensor, attr), name
            assert hasattr(torch.Tensor, attr), name
        elif not name.startswith("F."):
            assert hasattr(minitorch, attr), name
            assert hasattr(torch, attr), name
