"""The docs cite the source by file and name: every link in docs/*.md must point to a file
that exists, and a link whose text is a name (`Class.method`, `function`) must point to a
file that defines it. So when code moves (a function renamed, an op split into a
reference and a fast version), this test names the stale line of the tour.

Link forms checked, relative to the .md file:
    [`run_backward`](../minitorch/autograd/engine.py)       a def, class or assignment
    [`Optimizer.step`](../minitorch/optim/optimizer.py)     a method of a class there
    [`minitorch/_cpu.py`](../minitorch/_cpu.py)             a file (or folder) only
"""
import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
NAME = re.compile(r"^`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`$")


def _links(doc):
    """(line number, link text, target) of every relative link in doc."""
    for number, line in enumerate(doc.read_text().splitlines(), 1):
        for text, target in LINK.findall(line):
            if not re.match(r"^[a-z]+:", target):  # http:, mailto: are not ours to check
                yield number, text, target


def _defined(tree):
    """{name: node} of a module's top-level defs, classes and assigned names."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names[leaf.id] = node
    return names


def _defines(path, dotted):
    """Whether the Python file at path defines `dotted` (`f`, `Class` or `Class.method`)."""
    scope = _defined(ast.parse(path.read_text()))
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        node = scope.get(part)
        if node is None:
            return False
        if i + 1 < len(parts):
            if not isinstance(node, ast.ClassDef):
                return False
            scope = _defined(node)
    return True


CASES = [(doc, number, text, target) for doc in DOCS for number, text, target in _links(doc)]


def test_the_docs_exist_and_cite_the_source():
    assert (ROOT / "docs" / "tour.md") in DOCS
    tour = [case for case in CASES if case[0].name == "tour.md"]
    assert sum(NAME.match(text) is not None for _, _, text, _ in tour) >= 30


@pytest.mark.parametrize("doc, number, text, target", CASES,
                         ids=[f"{c[0].name}:{c[1]}:{c[2]}" for c in CASES])
def test_link_points_to_what_it_names(doc, number, text, target):
    file_part = target.split("#")[0]
    assert "#L" not in target, f"{doc.name}:{number}: line anchors go stale; cite a name"
    path = (doc.parent / file_part).resolve()
    assert path.exists(), f"{doc.name}:{number}: {target} does not exist"
    name = NAME.match(text)
    if name is None or path.suffix != ".py" or "/" in name.group(1):
        return  # a plain file link
    if name.group(1).replace(".", "/") + ".py" == file_part.lstrip("./"):
        return  # the link text is the file's own dotted path
    assert _defines(path, name.group(1)), (
        f"{doc.name}:{number}: {file_part} does not define {name.group(1)}")


def test_the_checker_catches_a_stale_name(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("class A:\n    def f(self):\n        pass\n\ng = h = 1\n")
    assert _defines(module, "A.f") and _defines(module, "g") and _defines(module, "h")
    assert not _defines(module, "A.g") and not _defines(module, "f") and \
        not _defines(module, "g.f")
