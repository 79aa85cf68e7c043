"""einsum: Einstein summation, `einsum("ij,jk->ik", a, b)` is a @ b.

The equation names every dim of every operand with a letter; letters shared by
operands are multiplied elementwise, letters missing from the output are summed over.
`...` stands for the dims not named (they broadcast, like in elementwise ops).

Parsing turns the equation into one label list per operand and one for the output
(with `...` spelled out as extra labels); the forward is `xp.einsum` on those labels.
The gradient of an operand is another einsum: the upstream gradient times all the other
operands, keeping the operand's own labels -- "ij,jk->ik" gives "ik,jk->ij" for a.
Two wrinkles: a label only this operand has (summed out, "ij->i") is broadcast back, and
a label repeated inside one operand ("ii->i", a diagonal) gets its gradient written
onto that diagonal of zeros.
"""
from __future__ import annotations

import string

from .. import backend, dtypes
from ..autograd.function import Op
from .indexing import GetItemBackward
from .registry import public
from .shape import expand, reshape

LETTERS = string.ascii_letters  # the labels xp.einsum accepts: a-z then A-Z


def _label(c):
    """A letter as a label that sorts like torch's implicit output: A-Z before a-z."""
    return ord(c)


def _parse_operands(equation, num_operands):
    """Per operand: its labels (ints) and where `...` was (None when absent); and the
    part of the equation after '->' (None when implicit)."""
    arrow = equation.find("->")
    lhs_end = arrow if arrow >= 0 else len(equation)
    terms, labels, ellipsis, dots = [], [], None, 0
    for i in range(lhs_end):
        c = equation[i]
        if c == " ":
            continue
        if c == ".":
            if ellipsis is not None and dots == 0:
                raise RuntimeError(f"einsum(): found '.' for operand {len(terms)} for which an "
                                   "ellipsis was already found")
            dots += 1
            if dots == 3:
                ellipsis, dots = len(labels), 0
            continue
        if dots:
            raise RuntimeError(f"einsum(): found '.' for operand {len(terms)} that is not part "
                               "of any ellipsis")
        if c == ",":
            terms.append((labels, ellipsis))
            labels, ellipsis = [], None
            if len(terms) == num_operands:
                raise RuntimeError("einsum(): fewer operands were provided than specified in "
                                   "the equation")
            continue
        if c not in LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation "
                               "string, subscripts must be in [a-zA-Z]")
        labels.append(_label(c))
    if dots:
        raise RuntimeError(f"einsum(): found '.' for operand {len(terms)} that is not part of "
                           "any ellipsis")
    terms.append((labels, ellipsis))
    if len(terms) < num_operands:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    return terms, (equation[arrow + 2:] if arrow >= 0 else None)


def _parse_output(rhs, seen, counts, ell_labels, offset):
    """The output's labels: as written after '->', or (implicit) the ellipsis dims and
    then the letters used exactly once, in alphabetical order."""
    if rhs is None:
        return ell_labels + sorted(label for label in counts if counts[label] == 1)
    out, dots, found_ellipsis = [], 0, False
    for i, c in enumerate(rhs):
        if c == " ":
            continue
        if c == ".":
            if found_ellipsis and dots == 0:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was "
                                   "already found")
            dots += 1
            if dots == 3:
                out += ell_labels
                found_ellipsis, dots = True, 0
            continue
        if dots:
            raise RuntimeError("einsum(): found '.' for output that is not part of any "
                               "ellipsis (...)")
        if c not in LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {offset + i} in "
                               "the equation string, subscripts must be in [a-zA-Z]")
        label = _label(c)
        if label in out:
            raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                               "output")
        if label not in seen:
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                               "equation for any input operand")
        out.append(label)
    return out


def _spell_out(terms, operands):
    """Replace each `...` with labels of its own (the ellipsis dims, right-aligned across
    operands) and check every operand's rank; returns label lists and the ellipsis
    labels."""
    ell_ndim = 0
    for k, ((labels, ellipsis), op) in enumerate(zip(terms, operands)):
        if ellipsis is None and len(labels) != op.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(labels)}) does not match the number of dimensions "
                               f"({op.dim()}) for operand {k} and no ellipsis was given")
        if ellipsis is not None and len(labels) > op.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                               f"({len(labels)}) is more than the number of dimensions "
                               f"({op.dim()}) for operand {k}")
        if ellipsis is not None:
            ell_ndim = max(ell_ndim, op.dim() - len(labels))
    ell_labels = [1000 + i for i in range(ell_ndim)]  # above every letter's label
    spelled = []
    for (labels, ellipsis), op in zip(terms, operands):
        if ellipsis is None:
            spelled.append(list(labels))
        else:
            own = op.dim() - len(labels)
            spelled.append(labels[:ellipsis] + ell_labels[ell_ndim - own:] + labels[ellipsis:])
    return spelled, ell_labels


def _label_sizes(spelled, operands):
    """The size of every label: equal within an operand, broadcast (1 stretches) across."""
    sizes = {}
    for k, (labels, op) in enumerate(zip(spelled, operands)):
        own = {}
        for label, n in zip(labels, op.shape):
            if label in own and own[label] != n:
                raise RuntimeError(f"einsum(): subscript {chr(label)} is repeated for operand "
                                   f"{k} but the sizes don't match, {n} != {own[label]}")
            own[label] = n
        for label, n in own.items():
            seen = sizes.get(label, 1)
            if seen != 1 and n != 1 and seen != n:
                if label >= 1000:
                    raise RuntimeError(
                        f"einsum(): dimension {label - 1000} covered by ellipsis in operand "
                        f"{k}has size {n} which does not broadcast with previously seen "
                        f"ellipsis with size {seen} for the respective dimension")
                raise RuntimeError(f"einsum(): subscript {chr(label)} has size {n} for operand "
                                   f"{k} which does not broadcast with previously seen size "
                                   f"{seen}")
            sizes[label] = n if seen == 1 else seen
    return sizes


def _subscripts(labels, letter_of):
    return "".join(letter_of[label] for label in labels)


class Einsum(Op):
    """out = xp.einsum(equation, *operands), each operand's dims named by `spelled`.

    d/d(operand k) = einsum(grad, the other operands -> k's labels), then broadcast over
    the labels only k has, then (for a label repeated inside k) written on the diagonal.
    """

    @staticmethod
    def forward(ctx, *arrays, spelled, output):
        xp = backend.array_module(arrays[0])
        used = sorted({label for labels in spelled for label in labels})
        letter_of = dict(zip(used, LETTERS))
        ctx.save_for_backward(*arrays)
        ctx.spelled, ctx.output, ctx.letter_of = spelled, output, letter_of
        equation = ",".join(_subscripts(s, letter_of) for s in spelled)
        equation += "->" + _subscripts(output, letter_of)
        return xp.einsum(equation, *arrays, optimize=len(arrays) > 1)

    @staticmethod
    def backward(ctx, grad):
        arrays = ctx.saved_tensors
        xp = backend.array_module(grad)
        letter_of, grads = ctx.letter_of, []
        for k, (own, array) in enumerate(zip(ctx.spelled, arrays)):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [(s, a) for j, (s, a) in enumerate(zip(ctx.spelled, arrays)) if j != k]
            unique = list(dict.fromkeys(own))
            reachable = set(ctx.output).union(*(s for s, _ in others))
            kept = [label for label in unique if label in reachable]
            terms = [ctx.output] + [s for s, _ in others]
            equation = ",".join(_subscripts(s, letter_of) for s in terms)
            equation += "->" + _subscripts(kept, letter_of)
            g = xp.einsum(equation, grad, *(a for _, a in others),
                          optimize=len(terms) > 2)
            # the labels only this operand had were summed out: broadcast them back
            size = dict(zip(own, array.shape))
            g = g.reshape([size[label] if label in kept else 1 for label in unique])
            g = xp.broadcast_to(g, [size[label] for label in unique])
            if len(unique) < len(own):  # a repeated label: write g on that diagonal
                g = _onto_diagonal(xp, g, own, unique, array.shape)
            grads.append(g)
        return tuple(grads)

    @staticmethod
    def backward_graph(ctx, grad, *operands):
        # backward's steps with Einsum itself on Tensors, so they are recorded
        grads = []
        for k, (own, x) in enumerate(zip(ctx.spelled, operands)):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [(s, a) for j, (s, a) in enumerate(zip(ctx.spelled, operands)) if j != k]
            unique = list(dict.fromkeys(own))
            reachable = set(ctx.output).union(*(s for s, _ in others))
            kept = [label for label in unique if label in reachable]
            g = Einsum.apply(grad, *(a for _, a in others),
                             spelled=[ctx.output] + [s for s, _ in others], output=kept)
            size = dict(zip(own, x.shape))
            g = reshape(g, tuple(size[label] if label in kept else 1 for label in unique))
            g = expand(g, tuple(size[label] for label in unique))
            if len(unique) < len(own):  # a repeated label: g goes onto that diagonal
                index = _diagonal_index(backend.array_module(g._data), own, unique, x.shape)
                g = GetItemBackward.apply(g, tuple(x.shape), index, False)
            grads.append(g)
        return tuple(grads)


def _diagonal_index(xp, own, unique, shape):
    """The index of out[i, i, j] (labels `own` = 'iij') in terms of g's dims (`unique`)."""
    index = []
    for label in own:
        axis = unique.index(label)
        open_shape = [1] * len(unique)
        open_shape[axis] = shape[own.index(label)]
        index.append(xp.arange(open_shape[axis]).reshape(open_shape))
    return tuple(index)


def _onto_diagonal(xp, g, own, unique, shape):
    """out (shape, labels `own`) = zeros with out[i, i, j] = g[i, j] for own 'iij'."""
    out = xp.zeros(shape, dtype=g.dtype)
    out[_diagonal_index(xp, own, unique, shape)] = g
    return out


@public
def einsum(equation, *operands):
    """Einstein summation over the operands' dims named in `equation`.

    Args:
        equation: e.g. "ij,jk->ik" (matmul), "bij,bjk->bik", "ii->i" (diagonal),
            "...ij->...ji"; without '->' the output is the letters used once, sorted.
        operands: the tensors, as separate arguments or one list.

    >>> minitorch.einsum("i,i->", x, y)  # the dot product
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str) or not operands:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    for k, op in enumerate(operands):
        if not hasattr(op, "_data"):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got "
                            f"{type(op).__name__}")
    terms, rhs = _parse_operands(equation, len(operands))
    spelled, ell_labels = _spell_out(terms, operands)
    seen, counts = set(), {}
    for labels, _ in terms:
        seen.update(labels)
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    output = _parse_output(rhs, seen, counts, ell_labels, equation.find("->") + 2)
    for op in operands[1:]:
        if op.dtype != operands[0].dtype:
            raise RuntimeError(f"expected scalar type {dtypes.scalar_type_name(operands[0].dtype)}"
                               f" but found {dtypes.scalar_type_name(op.dtype)}")
    if operands[0].dtype is dtypes.bool:
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    sizes = _label_sizes(spelled, operands)
    # size-1 dims stretch to the label's size (expand is a view; its backward sums back)
    operands = [expand(op, tuple(sizes[label] for label in labels))
                for op, labels in zip(operands, spelled)]
    return Einsum.apply(*operands, spelled=spelled, output=output)
