"""Batches of variable-length sequences (torch.nn.utils.rnn): pad_sequence, PackedSequence,
pack_padded_sequence, pad_packed_sequence, pack_sequence, unpad_sequence, unpack_sequence.

Packed layout, as in torch: the sequences sorted by decreasing length, stored time-major
without padding.  Sequences "abc" and "xy" pack as data = a x b y c and
batch_sizes = [2, 2, 1] (how many sequences are still running at each time step).
Packing and padding move rows with one index_select each, so gradients flow back through
them like through any other op.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from itertools import pairwise

from ... import ops
from ...creation import full, tensor
from ...dtypes import float32, float64, int64
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence",
           "pad_packed_sequence", "pad_sequence", "unpack_sequence", "unpad_sequence"]


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """data (sum(batch_sizes), *), batch_sizes (T,) int64 on the CPU, and the permutation
    that sorted the batch by length (None when it was already sorted).

    Made by pack_padded_sequence / pack_sequence; the RNN layers accept it as input.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes), ...)
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """Moves or casts `data` (and the indices to its device); batch_sizes stays."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self

        def move(t):
            return None if t is None else t.to(data.device)
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cuda(self, *args, **kwargs):
        return self.to("cuda", *args, **kwargs)

    def cpu(self):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    @property
    def is_cuda(self):
        return self.data.is_cuda


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    inverse = [0] * permutation.numel()
    for position, index in enumerate(permutation.tolist()):
        inverse[index] = position
    return tensor(inverse, dtype=int64, device=permutation.device)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks sequences of shapes (L_i, *) into (T, B, *) (or (B, T, *) if batch_first),
    T = max L_i, filling with padding_value on padding_side ('right' or 'left').

    >>> pad_sequence([minitorch.ones(2, 3), minitorch.ones(1, 3)]).shape
    minitorch.Size([2, 2, 3])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError(  # noqa: TRY004  (torch's type)
            f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
            f"{type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError("Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    first = sequences[0]
    if any(s.dim() == 0 for s in sequences):
        raise RuntimeError("pad_sequence: every sequence needs a length dimension, but got a "
                           "0-D tensor")
    trailing = tuple(first.shape[1:])
    for s in sequences:
        for dim, (a, b) in enumerate(zip(trailing, s.shape[1:]), start=1):
            if a != b:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor "
                                   f"b ({b}) at non-singleton dimension {dim}")
    longest = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        s = s.to(first.dtype)
        if s.size(0) < longest:
            fill = full((longest - s.size(0),) + trailing, padding_value, dtype=first.dtype,
                        device=first.device)
            s = ops.cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return ops.stack(padded, 0 if batch_first else 1)


def _lengths_list(lengths):
    return [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch (T, B, *) (or (B, T, *) if batch_first) of sequences with the
    given lengths.  enforce_sorted=True expects lengths in decreasing order; False sorts
    the batch and records the permutation in the result.
    """
    if isinstance(lengths, Tensor) and lengths.dim() != 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    lengths = _lengths_list(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])  # stable, like torch
        lengths = [lengths[i] for i in order]
        sorted_indices = tensor(order, dtype=int64, device=input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={batch})")
    if any(a < b for a, b in pairwise(lengths)):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if lengths and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lengths and lengths[0] > steps:  # torch reads past the end of its input here
        raise RuntimeError(f"pack_padded_sequence: the longest length ({lengths[0]}) is "
                           f"larger than the padded input's length ({steps})")
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(lengths[0] if lengths else 0)]
    rows = [t * batch + b for t, size in enumerate(batch_sizes) for b in range(size)]
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = flat.index_select(0, tensor(rows, dtype=int64, device=input.device))
    return PackedSequence(data, tensor(batch_sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: returns (padded, lengths), padded of shape
    (T, B, *) (or (B, T, *)) in the original batch order, T = total_length or the longest
    length, and lengths an int64 tensor."""
    batch_sizes = _lengths_list(sequence.batch_sizes)
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             "sequence in input, but got "
                             f"total_length={total_length} and max sequence length being "
                             f"{steps}")
        steps = total_length
    data = sequence.data
    batch = batch_sizes[0] if batch_sizes else 0
    # row `len(data)` is one extra row holding padding_value: every padded slot points at it
    pad_row = len(data) if data.dim() else 0
    index, offset = [pad_row] * (steps * batch), 0
    for t, size in enumerate(batch_sizes):
        index[t * batch: t * batch + size] = range(offset, offset + size)
        offset += size
    fill = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                device=data.device)
    rows = ops.cat([data, fill]).index_select(0, tensor(index, dtype=int64,
                                                        device=data.device))
    padded = rows.reshape((steps, batch) + tuple(data.shape[1:]))
    lengths = [sum(1 for size in batch_sizes if size > b) for b in range(batch)]
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = [lengths[i] for i in sequence.unsorted_indices.tolist()]
    return padded, tensor(lengths, dtype=int64)


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of sequences (L_i, *); see pack_padded_sequence for enforce_sorted."""
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences (L_i, *) inside a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:n] for seq, n in zip(padded_sequences.unbind(0), _lengths_list(lengths))]


def unpack_sequence(packed_sequences):
    """The list of sequences inside a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
