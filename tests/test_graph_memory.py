"""The autograd graph is freed by reference counting, as torch's is, with no help from
Python's cycle collector.

A node that held its own output (to version-check a saved output) made the cycle
output.grad_fn -> node -> output; each step's saved activations then lived until a gc
pass, and the freed memory came back as fresh pages (page faults) on the next step. These
tests turn the collector off, run a graph, drop it, and require every node to be gone.
"""
import contextlib
import gc
import weakref

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn


@contextlib.contextmanager
def no_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def graph_nodes(t):
    """Weak references to every node reachable from t.grad_fn, less the leaves' nodes
    (AccumulateGrad: the leaf keeps its own)."""
    seen, stack = {}, [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        if node.name() != "AccumulateGrad":
            seen[id(node)] = weakref.ref(node)
        stack.extend(nxt for nxt, _ in node.next_functions)
    return list(seen.values())


def assert_all_freed(refs):
    alive = [r() for r in refs if r() is not None]
    assert not alive, f"still alive without the cycle collector: {alive}"


OPS = {
    "relu (saves its output)": lambda x: minitorch.relu(x),
    "exp (saves its output)": lambda x: x.exp(),
    "tanh then sigmoid": lambda x: x.tanh().sigmoid(),
    "mul by itself": lambda x: x * x,
    "relu_ in place": lambda x: (x * 1).relu_(),
    "mul_(self) in place": lambda x: (x + 0).mul_(x),
    "exp_ then add": lambda x: (x * 1).exp_() + 1,
    "view of an output": lambda x: x.exp().view(-1)[1:],
}


@pytest.mark.parametrize("name", list(OPS))
def test_graph_of_one_op_is_freed_without_gc(name):
    x = minitorch.randn(3, 4, dtype=minitorch.float64, requires_grad=True)
    with no_cycle_collector():
        y = OPS[name](x)
        refs = graph_nodes(y)
        out_ref = weakref.ref(y)
        y.sum().backward()
        del y
        assert out_ref() is None
        assert_all_freed(refs)
    assert x.grad is not None


def test_graph_is_freed_without_backward():
    """A forward whose result is dropped (say, an evaluation forgetting no_grad)."""
    x = minitorch.randn(3, 4, dtype=minitorch.float64, requires_grad=True)
    with no_cycle_collector():
        y = x.exp().relu().sigmoid()
        refs = graph_nodes(y)
        del y
        assert_all_freed(refs)


def test_cnn_training_step_leaves_nothing_for_the_collector():
    """The seed MNIST CNN: after a step, no graph node and no activation survives."""
    net = nn.Sequential(nn.Conv2d(1, 4, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(4, 8, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(8 * 7 * 7, 10))
    opt = minitorch.optim.Adam(net.parameters())
    x = minitorch.tensor(np.random.default_rng(0).standard_normal((6, 1, 28, 28)),
                         dtype=minitorch.float32)
    y = minitorch.tensor([0, 1, 2, 3, 4, 5])
    with no_cycle_collector():
        loss = nn.functional.cross_entropy(net(x), y)
        refs = graph_nodes(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
        del loss
        assert_all_freed(refs)
        assert gc.collect() == 0


def test_lstm_step_leaves_nothing_for_the_collector():
    lstm = nn.LSTM(5, 7, batch_first=True)
    x = minitorch.randn(2, 4, 5)
    with no_cycle_collector():
        out, (h, c) = lstm(x)
        loss = out.sum() + h.sum() + c.sum()
        refs = graph_nodes(loss)
        loss.backward()
        del out, h, c, loss
        assert_all_freed(refs)


@pytest.mark.parametrize("op", ["relu", "exp", "tanh", "sigmoid", "sqrt"])
def test_an_op_that_saves_its_output_does_not_keep_its_input(op):
    """torch frees ReLU's input (the conv output before it) once nothing else needs it;
    the node keeps only its output, and its double backward is written on that."""
    x = minitorch.rand(3, 4, dtype=minitorch.float64, requires_grad=True)
    h = x * 2 + 1                      # an intermediate that only `op` reads
    y = getattr(h, op)()
    h_ref = weakref.ref(h)
    del h
    assert h_ref() is None
    # ... and the second derivative still matches torch's
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    yt = getattr(xt * 2 + 1, op)()
    (gm,) = minitorch.autograd.grad((y * y).sum(), x, create_graph=True)
    (gt,) = torch.autograd.grad((yt * yt).sum(), xt, create_graph=True)
    (ggm,) = minitorch.autograd.grad((gm * gm).sum(), x)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), xt)
    np.testing.assert_allclose(ggm.numpy(), ggt.numpy(), rtol=1e-12, atol=1e-14)
