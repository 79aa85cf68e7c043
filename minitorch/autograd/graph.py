"""Pictures of the autograd graph: Graphviz DOT text, and SVG/PNG files through `dot`.

`to_dot(loss, params=dict(model.named_parameters()))` follows torchviz's `make_dot`
(https://github.com/szagoruyko/pytorchviz) node for node, so a minitorch picture reads
like a torch one:

* gray boxes -- backward nodes, named as `y.grad_fn` prints them (`ReluBackward0`,
  `AccumulateGrad`); an edge `a -> b` means `b`'s backward sends a gradient to `a`'s;
* light blue -- the leaves that require grad (their `.grad` is filled by `.backward()`),
  labelled with the parameter name from `params` and the shape, each feeding its
  `AccumulateGrad`;
* green -- the tensor(s) you passed in (dark green: the base of a view);
* orange -- saved tensors (`show_saved=True`; a custom `Function`'s are always shown).

minitorch fuses some ops that torch splits, so the same model can draw fewer boxes:
`CrossEntropyBackward0` for torch's `NllLossBackward0 <- LogSoftmaxBackward0`,
`LinearBackward0` for `AddmmBackward0` + `TBackward0`.
"""
from __future__ import annotations

from .. import tensor as tensor_module
from .function import _FREED

_NODE_ATTR = ("align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box "
              "style=filled")


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(shape):
    return "(" + ", ".join(str(int(n)) for n in shape) + ")"


def to_dot(tensor, params=None, show_saved=False):
    """Graphviz DOT source of the graph that computed `tensor` (torchviz's `make_dot`).

    Args:
        tensor: the output Tensor, or a tuple of Tensors.
        params: optional dict name -> Tensor (`dict(model.named_parameters())`) naming
            the leaves.
        show_saved: also draw the tensors each backward node saved.

    Returns:
        str: a `digraph { ... }` for `dot -Tsvg`, `graphviz.Source`, or an online viewer.

    >>> print(to_dot(model(x).sum(), dict(model.named_parameters())))  # doctest: +SKIP
    """
    Tensor = tensor_module.Tensor
    if params is not None:
        for name, p in params.items():
            if not isinstance(p, Tensor):
                raise TypeError(f"to_dot: params[{name!r}] is a {type(p).__name__}, "
                                "not a Tensor")
    param_names = {id(p): name for name, p in (params or {}).items()}
    ids, body, seen = {}, [], set()

    def node_id(obj):
        # numbered in visit order (not id(obj)), so the same graph gives the same text
        return ids.setdefault(id(obj), str(len(ids)))

    def node(obj, label, color=None):
        fill = "" if color is None else f" fillcolor={color}"
        body.append(f"\t{node_id(obj)} [label={_quote(label)}{fill}]")

    def edge(src, dst, attrs=""):
        body.append(f"\t{node_id(src)} -> {node_id(dst)}{attrs}")

    def tensor_label(t, name=None):
        if not name:
            name = param_names.get(id(t), "")
        return f"{name}\n {_shape(t.shape)}"

    def add_saved(fn):
        saved = getattr(fn, "_saved", ())
        if saved is _FREED:  # released by an earlier backward (retain_graph=False)
            return
        for i, value in enumerate(saved):
            if not hasattr(value, "shape") or id(value) in seen:
                continue
            seen.add(id(value))
            node(value, tensor_label(value, f"saved[{i}]"), "orange")
            edge(fn, value, " [dir=none]")

    def add_nodes(root):
        stack = [root]
        while stack:
            fn = stack.pop()
            if id(fn) in seen:
                continue
            seen.add(id(fn))
            if show_saved or getattr(fn, "tensor_level", False):
                add_saved(fn)
            variable = getattr(fn, "variable", None)
            if variable is not None:  # AccumulateGrad: draw the leaf that owns `.grad`
                seen.add(id(variable))
                node(variable, tensor_label(variable), "lightblue")
                edge(variable, fn)
            node(fn, fn.name())
            for nxt in fn.edges:
                if nxt is not None:
                    edge(nxt, fn)
                    stack.append(nxt)

    def add_output(t, color="darkolivegreen1"):
        if id(t) in seen:
            return
        seen.add(id(t))
        node(t, tensor_label(t), color)
        if t.grad_fn is not None:
            add_nodes(t.grad_fn)
            edge(t.grad_fn, t)
        if getattr(t, "_base", None) is not None:
            add_output(t._base, "darkolivegreen3")
            edge(t._base, t, " [style=dotted]")

    for t in (tensor if isinstance(tensor, (tuple, list)) else (tensor,)):
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot: expected a Tensor or a tuple of Tensors, "
                            f"but got {type(t).__name__}")
        add_output(t)
    # torchviz's resize_graph: a bigger canvas for a bigger graph
    size = max(12, len(body) * 0.15)
    return "\n".join(["digraph {", f'\tgraph [size="{size},{size}"]',
                      f"\tnode [{_NODE_ATTR}]", *body, "}"]) + "\n"


def render(tensor, path, params=None, format=None, show_saved=False):
    """Draw the graph behind `tensor` into `path` (SVG, PNG, PDF, ...: the suffix picks
    the format unless `format` is given). Needs the `graphviz` Python package
    (`pip install graphviz`, or `minitorch[viz]`) and Graphviz's `dot` program.

    Returns:
        str: `path`.
    """
    import os

    if format is None:
        format = os.path.splitext(str(path))[1].lstrip(".").lower()
        if not format:
            raise ValueError(f"render: cannot infer the format of {str(path)!r}; give a "
                             "suffix such as .svg or .png, or format='svg'")
    try:
        import graphviz
    except ImportError as e:
        raise ImportError("minitorch.autograd.graph.render needs the graphviz Python "
                          "package: pip install graphviz (or pip install 'minitorch[viz]'), "
                          "and Graphviz's dot program (apt-get install graphviz, "
                          "brew install graphviz, or conda install graphviz)") from e
    source = graphviz.Source(to_dot(tensor, params=params, show_saved=show_saved))
    try:
        data = source.pipe(format=format)
    except graphviz.ExecutableNotFound as e:
        raise RuntimeError("minitorch.autograd.graph.render needs Graphviz's dot program on "
                           "PATH: apt-get install graphviz, brew install graphviz, or conda "
                           "install graphviz (to_dot() gives the DOT text without it)") from e
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


__all__ = ["to_dot", "render"]
