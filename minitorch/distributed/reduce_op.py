"""ReduceOp: how a collective combines the tensors of all ranks (torch.distributed.ReduceOp).

`ReduceOp.SUM` is `ReduceOp.RedOpType.SUM`, as in torch, with torch's numeric values.
Each backend maps these to its own constants (MPI.SUM, NCCL_SUM, ...).
"""
from __future__ import annotations

import enum


class RedOpType(enum.Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


class ReduceOp:
    """The reduction of `all_reduce`, `reduce` and `reduce_scatter_tensor`.

    AVG is SUM followed by a division by the group size (MPI has no average).
    """

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


def check_op(op):
    """torch rejects a string or other value where a ReduceOp belongs, with a TypeError."""
    if not isinstance(op, RedOpType):
        raise TypeError(f"Invalid reduce op: expected a ReduceOp (ReduceOp.SUM, "
                        f"ReduceOp.AVG, ...) but got {op!r}")
    return op
