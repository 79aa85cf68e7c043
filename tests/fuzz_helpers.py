"""Shared pieces of the file-format fuzz tests: byte mutations and a hang guard."""
import contextlib
import io
import signal

from hypothesis import strategies as st


class NamedBytes(io.BytesIO):
    """Bytes that a reader sees as a file called `name` (so errors must name it)."""

    def __init__(self, data, name):
        super().__init__(data)
        self.name = name


def mutate_bytes(rng, data, max_ops=3):
    """`data` after 1..max_ops random truncations, bit flips, byte writes, inserts and
    deletions (the corruption a disk, a network or a killed writer produces).

    The fuzz tests draw one seed per case and mutate with `random.Random(seed)`: a
    draw per mutation would cost hypothesis ~10 ms a case, far over the time budget.
    """
    data = bytearray(data)
    for _ in range(rng.randint(1, max_ops)):
        op = rng.choice(["truncate", "flip", "set", "insert", "delete"])
        pos = rng.randrange(max(len(data), 1))
        if op == "truncate":
            del data[pos:]
        elif op == "flip" and data:
            data[pos] ^= 1 << rng.randrange(8)
        elif op == "set" and data:
            data[pos] = rng.randrange(256)
        elif op == "insert":
            data[pos:pos] = rng.randbytes(rng.randint(1, 8))
        elif op == "delete":
            del data[pos:pos + rng.randint(1, 8)]
    return bytes(data)


seeds = st.integers(0, 2**64 - 1)


@contextlib.contextmanager
def fails_if_slower_than(seconds):
    """Turn a hang into a test failure (SIGALRM; a no-op where there is none)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum, frame):
        raise TimeoutError(f"a reader ran for more than {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
