"""minitorch.backends.reference: run the short textbook versions of the engineered ops.

Conv and conv-transpose, max/avg pooling, fused cross-entropy, the LSTM/GRU cells and fold
each have two implementations side by side: a reference one that reads like the textbook
(im2col as a strided view, then one matmul) and a fast one (cache-sized chunks, a thread
split, fused kernels). Both give the same numbers (tests check each against the other and
against torch). Which one runs is decided here, and only here:

    MINITORCH_REFERENCE=1 python examples/mnist_cnn.py     # for the whole run
    minitorch.backends.reference.enabled = True            # from now on
    with minitorch.backends.reference.flags(enabled=True):  # for a block
        ...

(The same pattern as `torch.backends.cudnn.enabled` / `torch.backends.cudnn.flags`.)
"""
from __future__ import annotations

import contextlib
import os

enabled = os.environ.get("MINITORCH_REFERENCE", "0") not in ("", "0")


@contextlib.contextmanager
def flags(enabled: bool = False):
    """Run the block with the reference versions on (`enabled=True`) or off."""
    global_ns = globals()
    old, global_ns["enabled"] = global_ns["enabled"], bool(enabled)
    try:
        yield
    finally:
        global_ns["enabled"] = old
