"""torch.backends.mps: Apple's Metal GPUs. minitorch has no Metal backend, so both
answers are False on every machine (tutorials check them to pick "mps" over "cpu")."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
