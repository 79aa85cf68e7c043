"""The op, layer and optimizer code must run on NumPy and CuPy alike.

Code there gets its array module from the data (`xp = backend.array_module(x)`); an
`np.exp(x)` on a CuPy array fails only on a GPU machine, which most contributors don't
have. So importing NumPy is allowed only in the modules listed below, each with its reason;
everywhere else the import itself fails this test.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "minitorch"
CHECKED = ("ops", "nn", "optim")

ALLOWED = {
    "ops/resample.py": "builds the small interpolation matrices and padding indices on "
                       "the host; nn.functional moves them to the input's device",
    "optim/adam.py": "dtype constants, and `xp is np` to pick the fused CuPy kernel",
    "optim/optimizer.py": "torch keeps an optimizer's `step` as a CPU tensor",
}


def imports_numpy(path):
    """Line numbers of `import numpy` / `from numpy ... import` anywhere in the file."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "numpy" or name.startswith("numpy.") for name in names):
            lines.append(node.lineno)
    return lines


def checked_files():
    return sorted(p for sub in CHECKED for p in (PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_numpy_import_outside_the_allowed_modules(path):
    name = path.relative_to(PACKAGE).as_posix()
    lines = imports_numpy(path)
    if name in ALLOWED:
        assert lines, f"{name} no longer imports numpy: remove it from ALLOWED"
    else:
        assert not lines, (
            f"minitorch/{name} imports numpy (line {lines[0]}); op code must also run on "
            "CuPy: use `xp = backend.array_module(x)` and `xp.<fn>`, or add the module "
            "to ALLOWED with the reason")


def test_the_check_sees_every_import_form(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nimport numpy as np\ndef f():\n    from numpy.linalg import norm\n"
                      "from . import numpy_like\n")
    assert imports_numpy(sample) == [2, 4]


# NumPy features CuPy lacks, each of which once broke the GPU path while every CPU test
# passed. backend.py wraps each of them once (as_strided, ignore_float_errors); anywhere
# else they are banned. (name, what it is, the way to write it)
CUPY_LACKS = [
    ("stride_tricks", "xp.lib.stride_tricks.as_strided (CuPy's takes no `writeable=`)",
     "backend.as_strided(array, shape, strides, writeable=...)"),
    ("errstate", "xp.errstate (CuPy has no errstate)", "backend.ignore_float_errors(xp)"),
    ("seterr", "np.seterr (global, and CuPy has none)", "backend.ignore_float_errors(xp)"),
]


def cupy_incompatible_uses(path):
    """(line, name) of every attribute access named in CUPY_LACKS."""
    banned = {name for name, _, _ in CUPY_LACKS}
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr in banned:
            found.append((node.lineno, node.attr))
    return sorted(found)


def all_package_files():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "backend.py")


@pytest.mark.parametrize("path", all_package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_numpy_only_feature_outside_backend(path):
    hints = {name: (what, fix) for name, what, fix in CUPY_LACKS}
    problems = [f"line {line}: {hints[name][0]}; use {hints[name][1]}"
                for line, name in cupy_incompatible_uses(path)]
    assert not problems, f"minitorch/{path.relative_to(PACKAGE)}: " + "; ".join(problems)


def test_the_ban_sees_attributes_and_keywords(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("with xp.errstate(divide='ignore'):\n    pass\n"
                      "v = xp.lib.stride_tricks.as_strided(a, s, t,\n    writeable=False)\n"
                      "errstate = 1\n")
    assert cupy_incompatible_uses(sample) == [(1, "errstate"), (3, "stride_tricks")]
