"""autograd.graph.to_dot / render: torchviz-style pictures of the autograd graph.

The DOT text is parsed back (a small regex parser, enough for the statements to_dot and
torchviz write) and checked against the graph itself and, when torchviz is installed,
against torchviz's picture of the torch twin.
"""
import collections
import importlib.util
import pathlib
import re
import shutil
import sys

import pytest
import torch

import minitorch
from minitorch.autograd import graph

ROOT = pathlib.Path(__file__).resolve().parents[1]
STATEMENT = re.compile(
    r'^\t(\d+) (?:-> (\d+))?\s*(?:\[(.*?)\])?$', re.M | re.S)
ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[\w.,]+)', re.S)


def parse(dot):
    """DOT text -> ({id: (label, fillcolor)}, [(src, dst)] for the gradient edges)."""
    nodes, edges = {}, []
    for src, dst, attrs in STATEMENT.findall(dot):
        found = dict(ATTR.findall(attrs))
        if dst:
            if found.get("dir") != "none":  # saved-tensor links are not graph edges
                edges.append((src, dst))
            continue
        label = found.get("label", "").strip('"').replace("\\n", "\n")
        nodes[src] = (label, found.get("fillcolor"))
    return nodes, edges


def load_cnn(side):
    """examples/mnist_cnn.py or reference/mnist_cnn.py, imported (not run) by path."""
    folder = str(ROOT / side)
    saved = sys.modules.pop("_data", None)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(f"{side}_mnist_cnn_graph",
                                                      f"{folder}/mnist_cnn.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
        sys.modules.pop("_data", None)
        if saved is not None:
            sys.modules["_data"] = saved
    return module


def cnn_loss(lib, side):
    model = load_cnn(side).CNN()
    x, y = lib.randn(2, 1, 28, 28), lib.tensor([3, 7])
    return lib.nn.CrossEntropyLoss()(model(x), y), dict(model.named_parameters())


def walk(root):
    """Every backward node behind `root` and every (input node, consumer) edge."""
    seen, edges, stack = {root}, [], [root]
    while stack:
        fn = stack.pop()
        for nxt in fn.edges:
            if nxt is not None:
                edges.append((nxt, fn))
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return seen, edges


def test_cnn_dot_has_one_node_per_grad_fn_and_parameter():
    loss, params = cnn_loss(minitorch, "examples")
    nodes, edges = parse(graph.to_dot(loss, params))
    fns, fn_edges = walk(loss.grad_fn)
    gray = [label for label, color in nodes.values() if color is None]
    assert collections.Counter(gray) == collections.Counter(fn.name() for fn in fns)
    leaves = {label for label, color in nodes.values() if color == "lightblue"}
    assert leaves == {f"{name}\n ({', '.join(map(str, p.shape))})"
                      for name, p in params.items()}
    assert [label for label, color in nodes.values() if color == "darkolivegreen1"] == ["\n ()"]
    # edges: the graph's node-to-node edges, plus leaf -> AccumulateGrad and grad_fn -> output
    assert len(edges) == len(fn_edges) + len(params) + 1
    names = {k: label for k, (label, _) in nodes.items()}
    assert (collections.Counter((names[a], names[b]) for a, b in edges
                                if nodes[a][1] is None and nodes[b][1] is None)
            == collections.Counter((a.name(), b.name()) for a, b in fn_edges))


# minitorch fuses two pairs of torch's nodes and names three differently; None: the torch
# node is part of the minitorch node next to it
TORCH_NAMES = {"NllLossBackward0": "CrossEntropyBackward0", "LogSoftmaxBackward0": None,
               "AddmmBackward0": "LinearBackward0", "TBackward0": None,
               "ViewBackward0": "ReshapeBackward0",
               "MaxPool2DWithIndicesBackward0": "MaxPool2dBackward0",
               "ConvolutionBackward0": "Conv2dBackward0"}


def paths_to_output(dot, rename=None):
    """For each parameter leaf: the node names on its way to the output tensor."""
    nodes, edges = parse(dot)
    after = collections.defaultdict(list)
    for a, b in edges:
        after[a].append(b)
    paths = {}
    for key, (label, color) in nodes.items():
        if color != "lightblue":
            continue
        path, node = [], key
        while after[node]:
            (node,) = after[node]  # in this CNN every node feeds exactly one other
            name = nodes[node][0]
            name = rename.get(name, name) if rename else name
            if name is not None:
                path.append(name)
        paths[label] = path
    return paths


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torchviz uses distutils
def test_cnn_matches_torchviz():
    torchviz = pytest.importorskip("torchviz", reason="pip install torchviz to compare")
    torch.manual_seed(0)
    loss, params = cnn_loss(torch, "reference")
    expected = torchviz.make_dot(loss, params).source
    mine_loss, mine_params = cnn_loss(minitorch, "examples")
    mine = graph.to_dot(mine_loss, mine_params)
    # the same leaves (names and shapes), each reaching the output through the same layers
    assert paths_to_output(mine) == paths_to_output(expected, TORCH_NAMES)
    count = collections.Counter
    torch_nodes, torch_edges = parse(expected)
    mine_nodes, mine_edges = parse(mine)
    assert (count(c for _, c in mine_nodes.values())["lightblue"]
            == count(c for _, c in torch_nodes.values())["lightblue"] == 6)
    fused = sum(name in TORCH_NAMES and TORCH_NAMES[name] is None
                for name, _ in torch_nodes.values())
    assert len(mine_nodes) == len(torch_nodes) - fused
    # each fused node took one edge with it (LogSoftmax -> NllLoss, T -> Addmm)
    assert len(mine_edges) == len(torch_edges) - fused


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torchviz uses distutils
def test_small_graph_matches_torchviz_exactly():
    torchviz = pytest.importorskip("torchviz", reason="pip install torchviz to compare")

    def labelled(dot):
        nodes, edges = parse(dot)
        return (collections.Counter(nodes.values()),
                collections.Counter((nodes[a], nodes[b]) for a, b in edges))

    def build(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor(0.5, requires_grad=True)
        return ((w * w).exp() + b).sum() * b, {"w": w, "b": b}

    assert labelled(graph.to_dot(*build(minitorch))) == labelled(
        torchviz.make_dot(*build(torch)).source)


def test_show_saved_and_after_backward():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    nodes, _ = parse(graph.to_dot(y, show_saved=True))
    assert ("saved[0]\n (2)", "orange") in nodes.values()
    assert "orange" not in {c for _, c in parse(graph.to_dot(y))[0].values()}
    y.backward()  # frees the saved values: the picture drops them, and still draws
    nodes, _ = parse(graph.to_dot(y, show_saved=True))
    assert "orange" not in {c for _, c in nodes.values()}
    assert ("ExpBackward0", None) in nodes.values()


def test_bad_arguments():
    x = minitorch.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="params\\['x'\\] is a list"):
        graph.to_dot(x * 2, {"x": [1.0]})
    with pytest.raises(ValueError, match="cannot infer the format"):
        graph.render(x * 2, "picture")


def test_dot_parses_with_graphviz_package():
    graphviz = pytest.importorskip("graphviz", reason="pip install graphviz (minitorch[viz])")
    loss, params = cnn_loss(minitorch, "examples")
    source = graphviz.Source(graph.to_dot(loss, params))
    assert source.source.startswith("digraph {")


def test_render_svg(tmp_path):
    pytest.importorskip("graphviz", reason="pip install graphviz (minitorch[viz])")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed")
    loss, params = cnn_loss(minitorch, "examples")
    path = graph.render(loss, tmp_path / "cnn.svg", params)
    text = pathlib.Path(path).read_text()
    assert "<svg" in text and "conv1.0.weight" in text and "Conv2dBackward0" in text


def test_render_without_graphviz_names_what_to_install(tmp_path, monkeypatch):
    x = minitorch.tensor([1.0], requires_grad=True)
    try:
        import graphviz
    except ImportError:
        with pytest.raises(ImportError, match="pip install graphviz"):
            graph.render(x * 2, tmp_path / "g.svg")
        return
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program here
    with pytest.raises(RuntimeError, match="dot program"):
        graph.render(x * 2, tmp_path / "g.svg")
    assert graphviz  # the package was found; only the program was missing
