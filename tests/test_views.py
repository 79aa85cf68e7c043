"""Views and in-place ops, against torch: every alias sees the new values, and gradients
flow through the base, the view and its siblings as torch's CopySlices makes them.

Each program gets the library `L`, a leaf `a` (2x3) and a leaf `w` (2x3), both requiring
grad, and returns the tensors to compare (a base and its views). They are compared by
value, requires_grad, is_leaf and whether they are views; then backpropagated together
with random upstream gradients, and the leaves' gradients compared. Where torch raises,
minitorch must raise the same type with the same message (up to the op names).
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch

A = [[0.5, -1.5, 0.25], [2.0, -0.75, 1.0]]
W = [[0.3, -0.7, 1.1], [1.5, 0.4, -0.9]]


def gist(message):
    """A message without the op names, which differ (torch's View is our Reshape), and
    for the version error only its first clause (the rest names torch's internals)."""
    if message.startswith("one of the variables needed"):
        return message.split(":")[0]
    return re.sub(r"Output \d+ of \w+", "Output N of OP", message)


def run(L, program, seed=0):
    a = L.tensor(A, dtype=L.float64, requires_grad=True)
    w = L.tensor(W, dtype=L.float64, requires_grad=True)
    try:
        outs = program(L, a, w)
        if isinstance(outs, tuple):  # (outputs, the leaves whose gradients to compare)
            outs, (a, w) = outs
        seen = [(np.array(t.detach().numpy()), t.requires_grad, t.is_leaf,
                 t._base is not None) for t in outs]
        rng = np.random.default_rng(seed)
        pairs = [(t, L.tensor(rng.standard_normal(tuple(t.shape)), dtype=L.float64))
                 for t in outs if t.requires_grad]
        if pairs:
            L.autograd.backward([t for t, _ in pairs], [g for _, g in pairs])
    except RuntimeError as exc:
        return gist(str(exc))
    grads = [None if g is None else np.array(g.numpy()) for g in (a.grad, w.grad)]
    return seen, grads


def check(program, seed=0):
    mine, ref = run(minitorch, program, seed), run(torch, program, seed)
    if isinstance(ref, str):
        assert mine == ref, f"torch raised {ref!r}; minitorch gave {mine!r}"
        return
    assert not isinstance(mine, str), f"minitorch raised {mine!r}; torch did not"
    (seen, grads), (ref_seen, ref_grads) = mine, ref
    assert len(seen) == len(ref_seen)
    for i, ((m, *m_flags), (r, *r_flags)) in enumerate(zip(seen, ref_seen)):
        np.testing.assert_allclose(m, r, rtol=1e-12, atol=1e-12, err_msg=f"tensor {i}")
        assert m_flags == r_flags, f"tensor {i}: (requires_grad, is_leaf, is view)"
    for name, m, r in zip(("a.grad", "w.grad"), grads, ref_grads):
        assert (m is None) == (r is None), name
        if r is not None:
            np.testing.assert_allclose(m, r, rtol=1e-12, atol=1e-12, err_msg=name)


def setitem(t, index, value):
    t[index] = value
    return t


def then(*steps):
    """Run steps in order (each may return anything); the program returns the last."""
    return steps[-1]


def split_modified_later(L, a):
    b = a * 1
    s = b.split(1)
    b.mul_(2)
    return [b, s[0] * 2]


def no_grad_view(L, a, w, derived=False):
    b = a * 1
    with L.no_grad():
        v = b[0]
    if derived:
        v = v.view(3)
    v.mul_(w[0])
    return [b, v]


def no_grad_inplace(L, a, w):
    b = a * 1
    v = b[0]
    with L.no_grad():
        v.mul_(2)
    return [b, v, b * w]


def base_then_views(L, a, w):
    b = a * 1
    v, u, r = b[:, 1:], b.t(), b.view(6)
    b.mul_(w)
    return [b, v * 2, u, r]


def view_then_siblings(L, a, w):
    b = a * 1
    v1, v2, v3 = b[0], b[:, 0], b.unsqueeze(0)
    v1.copy_(w[1])
    return [b, v1, v2, v3]


def chain(L, a, w):
    b = a * 1
    v = b[1:]
    u = v.t()
    u[0].mul_(3)
    u.add_(w[1:].t())
    return [b, v, u]


def saved_then_changed(L, a, w):
    b = a * 1
    v = b[0]
    y = v * w[0]     # saves v (and w): changing b afterwards must raise in backward
    b.add_(1)
    return [y]


def output_saved(L, a, w):
    b = a * 1
    v = b.view(3, 2)
    v.exp_()         # exp_ saves its result, which is b's memory
    b[0].mul_(2)
    return [b]


PROGRAMS = {
    # the examples of the bug report
    "b[0].exp_()": lambda L, a, w: then(b := a * 1, b[0].exp_(), [b]),
    "b.view(3, 2).mul_(3)": lambda L, a, w: then(b := a * 1, v := b.view(3, 2), v.mul_(3),
                                                 [b, v]),
    "b[0] = 7 seen by v = b[0]": lambda L, a, w: then(b := a * 1, v := b[0],
                                                      setitem(b, 0, 7.0), [b, v]),
    # in place through a view: CopySlices on the base
    "b.t()[1].add_(w[0, :2])": lambda L, a, w: then(b := a * 1, v := b.t(),
                                                    v[1].add_(w[0, :2]), [b, v]),
    "b[:, 1:].mul_(w[:, :2])": lambda L, a, w: then(b := a * 1, v := b[:, 1:],
                                                    v.mul_(w[:, :2]), [b, v]),
    "b[0, 1].mul_(5) (0-d view)": lambda L, a, w: then(b := a * 1, v := b[0, 1],
                                                       v.mul_(5), [b, v]),
    "b[..., None][1].sigmoid_()": lambda L, a, w: then(b := a * 1, v := b[..., None][1],
                                                       v.sigmoid_(), [b, v]),
    "b.permute(1, 0)[::2].tanh_()": lambda L, a, w: then(
        b := a * 1, v := b.permute(1, 0)[::2], v.tanh_(), [b, v]),
    "b.T.unsqueeze(0).relu_()": lambda L, a, w: then(b := a * 1, v := b.T.unsqueeze(0),
                                                     v.relu_(), [b, v]),
    "b.view(1, 6).squeeze(0).clamp_": lambda L, a, w: then(
        b := a * 1, v := b.view(1, 6).squeeze(0), v.clamp_(-0.5, 0.6), [b, v]),
    "b.flatten()[2:5].zero_()": lambda L, a, w: then(b := a * 1, v := b.flatten()[2:5],
                                                     v.zero_(), [b, v]),
    "b.reshape(3, 2).fill_(2)": lambda L, a, w: then(b := a * 1, v := b.reshape(3, 2),
                                                     v.fill_(2.0), [b, v]),
    "b.unflatten(1, (3, 1))[1].neg_()": lambda L, a, w: then(
        b := a * 1, v := b.unflatten(1, (3, 1))[1], v.neg_(), [b, v]),
    "b.mT[2].div_(w[1, :2])": lambda L, a, w: then(b := a * 1, v := b.mT[2],
                                                   v.div_(w[1, :2]), [b, v]),
    "b[1][1:] = w[0, :2]": lambda L, a, w: then(b := a * 1, v := b[1],
                                                setitem(v, slice(1, None), w[0, :2]), [b, v]),
    "b[:, 0] = 3 (setitem on b)": lambda L, a, w: then(b := a * 1, v := b[:, 1],
                                                       setitem(b, (slice(None), 0), 3.0),
                                                       [b, v]),
    "b.t()[mask] = w (advanced)": lambda L, a, w: then(
        b := a * 1, v := b.t(), setitem(v, v > 0.3, 0.0), [b, v]),
    "b[0].addcmul_(w[0], w[1])": lambda L, a, w: then(b := a * 1, v := b[0],
                                                      v.addcmul_(w[0], w[1]), [b, v]),
    "b[0].lerp_(w[1], 0.3)": lambda L, a, w: then(b := a * 1, v := b[0],
                                                  v.lerp_(w[1], 0.3), [b, v]),
    "view of a view, twice": chain,
    "siblings see and differentiate": view_then_siblings,
    # in place on the base: the views see it and use the new graph
    "base.mul_(w) then its views": base_then_views,
    "b.exp_() then b[0] * w[0]": lambda L, a, w: then(b := a * 1, v := b[0], b.exp_(),
                                                      [b, v * w[0]]),
    "b[0] = w[1] then b.t()": lambda L, a, w: then(b := a * 1, v := b.t(),
                                                   setitem(b, 0, w[1]), [b, v]),
    # a base that needs no grad until a view receives one
    "zeros[0].copy_(a[0] * 2)": lambda L, a, w: then(c := L.zeros(2, 3, dtype=L.float64),
                                                     v := c[0], v.copy_(a[0] * 2),
                                                     [c, v, c[1]]),
    "zeros.t()[1] = w[:, 2]": lambda L, a, w: then(c := L.zeros(2, 3, dtype=L.float64),
                                                   setitem(c.t(), 1, w[:, 2]), [c]),
    "zeros.view(6).add_(a.view(6))": lambda L, a, w: then(
        c := L.zeros(2, 3, dtype=L.float64), v := c[1], c.view(6).add_(a.view(6)),
        [c, v]),
    # nothing requires grad: plain aliasing
    "ones[0].mul_(3) (no grad)": lambda L, a, w: then(c := L.ones(2, 3), v := c.t(),
                                                      c[0].mul_(3), [c, v]),
    "no_grad(): v.mul_(2)": no_grad_inplace,
    "detach() aliases": lambda L, a, w: then(b := a * 1, d := b.detach(), d[0].mul_(2),
                                             [b, d]),
    "b.data[1] = 0": lambda L, a, w: then(b := a * 1, setitem(b.data, 1, 0.0), [b]),
    # version counter shared by base and views
    "v saved, base changed": saved_then_changed,
    "exp_ result changed through another view": output_saved,
    "v.exp_() then b.mul_(2)": lambda L, a, w: then(b := a * 1, v := b[0], v.exp_(),
                                                    b.mul_(2), [b]),
    # narrow, select, movedim, diagonal, unfold (minitorch/ops/view_ops.py)
    "b.diagonal().mul_(3)": lambda L, a, w: then(b := a * 1, v := b.diagonal(), v.mul_(3),
                                                [b, v]),
    "b.diagonal(1).mul_(w[0, :2])": lambda L, a, w: then(
        b := a * 1, v := b.diagonal(1), v.mul_(w[0, :2]), [b, v]),
    "b.narrow(1, 1, 2).add_(w[:, 1:])": lambda L, a, w: then(
        b := a * 1, v := b.narrow(1, 1, 2), v.add_(w[:, 1:]), [b, v]),
    "b.select(1, -1).copy_(w[:, 0])": lambda L, a, w: then(
        b := a * 1, v := b.select(1, -1), v.copy_(w[:, 0]), [b, v]),
    "b.movedim(0, 1)[2].mul_(w[1, :2])": lambda L, a, w: then(
        b := a * 1, v := b.movedim(0, 1), v[2].mul_(w[1, :2]), [b, v]),
    "b.unfold(1, 2, 2).exp_()": lambda L, a, w: then(b := a * 1, v := b.unfold(1, 2, 2),
                                                    v.exp_(), [b, v]),
    "b.unfold(1, 2, 1)[:, 1].mul_(w[:, 1:])": lambda L, a, w: then(
        b := a * 1, v := b.unfold(1, 2, 1), v[:, 1].mul_(w[:, 1:]), [b, v]),
    "stack(a, w).diagonal(0, 2, 0).mul_(3)": lambda L, a, w: then(
        b := L.stack([a, w]), v := b.diagonal(0, 2, 0), v.mul_(3), [b, v]),
    "diagonal, narrow, select, movedim in turn": lambda L, a, w: then(
        b := a.clone(), b.diagonal().mul_(3), b.narrow(1, 1, 2).add_(1),
        b.select(0, 1).zero_(), b.movedim(0, 1)[0].mul_(2), [b]),
    "b.mul_(w) then its new views": lambda L, a, w: then(
        b := a * 1, views := [b.diagonal(), b.narrow(1, 0, 2), b.select(0, 1),
                              b.moveaxis(1, 0), b.unfold(1, 2, 1)],
        b.mul_(w), [b, views[0] * 2] + views[1:]),
    "b.exp_() then b.diagonal() * w[0, :2]": lambda L, a, w: then(
        b := a * 1, v := b.diagonal(), b.exp_(), [b, v * w[0, :2]]),
    "diagonal of a leaf": lambda L, a, w: [a.diagonal().mul_(2)],
    "unfold of a leaf": lambda L, a, w: [a.unfold(1, 1, 1).zero_()],
    # torch's errors
    "view of a leaf": lambda L, a, w: [a[0].mul_(2)],
    "view(6) of a leaf": lambda L, a, w: [a.view(6).add_(1)],
    "setitem on a view of a leaf": lambda L, a, w: [setitem(a.t(), 0, 1.0)],
    "split output": lambda L, a, w: [(a * 1).split(1)[1].mul_(2)],
    "split with sizes output": lambda L, a, w: [(a * 1).split([1, 2], 1)[0].mul_(2)],
    "chunk output": lambda L, a, w: [(a * 1).chunk(2)[1].exp_()],
    "unbind output": lambda L, a, w: [(a * 1).unbind(1)[2].zero_()],
    "view of a split output": lambda L, a, w: [(a * 1).split(1)[1].view(-1).mul_(2)],
    "split of a base without grad": lambda L, a, w: [L.ones(2, 3).split(1)[0].copy_(a[0])],
    "split output after its base changed": lambda L, a, w: split_modified_later(L, a),
    "view made in no_grad": no_grad_view,
    "view of a view made in no_grad": lambda L, a, w: no_grad_view(L, a, w, derived=True),
    "expanded": lambda L, a, w: [(a * 1)[0:1].expand(3, 3).mul_(2)],
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_view_program_matches_torch(name):
    check(PROGRAMS[name])


def test_split_outputs_may_change_without_grad():
    c = minitorch.ones(2, 3)
    c.split(1)[1].mul_(2)
    assert c.tolist() == [[1.0] * 3, [2.0] * 3]


# ---- random programs: a chain of view ops, one in-place op on the view or the base -----

@st.composite
def view_chain(draw):
    """A random 2- or 3-d shape and a list of view steps valid for it (applied to both
    libraries by `apply_step`)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=3)))
    steps, cur = [], shape
    if draw(st.booleans()):  # a view of the (contiguous) base to another shape
        new = (cur[0] * cur[1],) + cur[2:] if draw(st.booleans()) else (-1,)
        steps.append(("view", new))
        cur = (int(np.prod(cur)),) + cur[2:] if new != (-1,) else (int(np.prod(cur)),)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["index", "transpose", "permute", "unsqueeze",
                                     "squeeze", "int"]))
        nd = len(cur)
        if kind == "index" and nd:
            d = draw(st.integers(0, nd - 1))
            lo = draw(st.integers(0, cur[d] - 1))
            hi = draw(st.integers(lo + 1, cur[d]))
            step = draw(st.integers(1, 2))
            steps.append(("index", d, lo, hi, step))
            cur = cur[:d] + (len(range(lo, hi, step)),) + cur[d + 1:]
        elif kind == "int" and nd > 1:
            d = draw(st.integers(0, nd - 1))
            i = draw(st.integers(-cur[d], cur[d] - 1))
            steps.append(("int", d, i))
            cur = cur[:d] + cur[d + 1:]
        elif kind == "transpose" and nd >= 2:
            d0, d1 = draw(st.permutations(range(nd)))[:2]
            steps.append(("transpose", d0, d1))
            c = list(cur)
            c[d0], c[d1] = c[d1], c[d0]
            cur = tuple(c)
        elif kind == "permute" and nd:
            perm = tuple(draw(st.permutations(range(nd))))
            steps.append(("permute", perm))
            cur = tuple(cur[p] for p in perm)
        elif kind == "unsqueeze":
            d = draw(st.integers(-nd - 1, nd))
            steps.append(("unsqueeze", d))
            c = list(cur)
            c.insert(d % (nd + 1), 1)
            cur = tuple(c)
        elif kind == "squeeze" and 1 in cur:
            d = cur.index(1)
            steps.append(("squeeze", d))
            cur = cur[:d] + cur[d + 1:]
    return shape, steps


def apply_step(t, step):
    kind, *args = step
    if kind == "view":
        return t.view(*args[0])
    if kind == "index":
        d, lo, hi, s = args
        return t[(slice(None),) * d + (slice(lo, hi, s),)]
    if kind == "int":
        d, i = args
        return t[(slice(None),) * d + (i,)]
    return getattr(t, kind)(*args)


INPLACE = {
    "mul_(2.5)": lambda t, o: t.mul_(2.5),
    "add_(o, alpha=2)": lambda t, o: t.add_(o, alpha=2),
    "mul_(o)": lambda t, o: t.mul_(o),
    "copy_(o)": lambda t, o: t.copy_(o),
    "exp_": lambda t, o: t.exp_(),
    "sigmoid_": lambda t, o: t.sigmoid_(),
    "tanh_": lambda t, o: t.tanh_(),
    "relu_": lambda t, o: t.relu_(),
    "neg_": lambda t, o: t.neg_(),
    "clamp_": lambda t, o: t.clamp_(-0.3, 0.4),
    "zero_": lambda t, o: t.zero_(),
    "[...] = o": lambda t, o: setitem(t, Ellipsis, o),
    "[0] = 1.5": lambda t, o: setitem(t, 0, 1.5) if t.dim() else t.fill_(1.5),
}


@given(chain_=view_chain(), op=st.sampled_from(sorted(INPLACE)),
       on_base=st.booleans(), seed=st.integers(0, 2**16))
def test_random_view_chain_matches_torch(chain_, op, on_base, seed):
    shape, steps = chain_
    rng = np.random.default_rng(seed)
    base_values = rng.standard_normal(shape)

    def program(L, a, w):
        x = L.tensor(base_values, dtype=L.float64, requires_grad=True)
        b = x * 1
        sibling = b.unsqueeze(0)  # a view made before the in-place op
        v = b
        for step in steps:
            v = apply_step(v, step)
        target = b if on_base else v
        other_values = np.random.default_rng(seed + 1).standard_normal(tuple(target.shape))
        other = L.tensor(other_values, dtype=L.float64, requires_grad=True)
        INPLACE[op](target, other * 1)
        after = b[-1]  # a view made after it
        return [b, v, sibling, after], (x, other)

    check(program, seed)
