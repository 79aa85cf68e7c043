"""Fuzzing minitorch.load with damaged checkpoints (2,000 cases per run).

Each case starts from a small valid file (a nested checkpoint, a model's state dict, a
plain safetensors file) and damages it: truncation, bit flips, byte edits, or an edit
of the JSON header (a shape, an offset, a dtype, the structure metadata) written back
with a correct length. `load` must then either return data of the saved kinds (equal
to the original when the bytes are unchanged, the same layout when only tensor bytes
changed) or raise a minitorch RuntimeError naming the file; never a NumPy, json,
UnicodeDecodeError or struct error, never a module or class object, never a hang.
"""
import collections
import json
import random
import struct

import numpy as np
import safetensors.numpy
from fuzz_helpers import NamedBytes, fails_if_slower_than, mutate_bytes, seeds
from hypothesis import HealthCheck, given, settings

import minitorch
from minitorch import backend, dtypes, serialization
from minitorch.nn.parameter import Parameter
from minitorch.serialization import load, save

NAME = "fuzz-checkpoint.pt"


def _valid_files():
    rng = np.random.default_rng(0)
    nested = collections.OrderedDict(
        w=minitorch.from_numpy(rng.standard_normal((2, 3)).astype(np.float32)),
        b=Parameter(minitorch.zeros(3)),
        idx=minitorch.tensor([1, 2, 3]), mask=minitorch.tensor([True, False]),
        h=minitorch.ones(2, dtype=minitorch.float16), u=minitorch.arange(3).to(minitorch.uint8))
    checkpoint = {"model": nested, "epoch": 3, "loss": float("nan"), "tag": "run",
                  "betas": (0.9, 0.999), "arr": np.arange(3, dtype=np.int16),
                  "np": np.float64(2.5), "dt": minitorch.float64,
                  "dev": minitorch.device("cpu"), "none": None, "keys": {1: "a", None: [2]}}
    model = minitorch.nn.Linear(3, 2).state_dict()
    files = []
    for obj in (checkpoint, model):
        buf = NamedBytes(b"", NAME)
        save(obj, buf)
        files.append((buf.getvalue(), obj))
    plain = {"a": np.arange(4, dtype=np.float32), "b": np.ones((2, 2), dtype=np.int64)}
    files.append((safetensors.numpy.save(plain), plain))
    return files


VALID = _valid_files()
# exact types a load may return: what save writes, nothing that can run code
SAFE_TYPES = {type(None), bool, int, float, str, list, tuple, dict, collections.OrderedDict,
              minitorch.Tensor, Parameter, np.ndarray, dtypes.dtype, backend.device}
SAFE_NUMPY = {np.dtype(n) for n in ("float16", "float32", "float64", "int8", "int16",
                                    "int32", "int64", "uint8", "bool")}


def assert_only_safe_kinds(obj, depth=0):
    assert type(obj) in SAFE_TYPES or (isinstance(obj, np.generic)
                                       and obj.dtype in SAFE_NUMPY), type(obj)
    if isinstance(obj, np.ndarray):
        assert obj.dtype in SAFE_NUMPY
    if isinstance(obj, minitorch.Tensor):
        assert obj.detach().numpy().dtype in SAFE_NUMPY
    if isinstance(obj, dict):
        for key, value in obj.items():
            assert type(key) in (type(None), bool, int, float, str)
            assert_only_safe_kinds(value, depth + 1)
    if isinstance(obj, (list, tuple)):
        for value in obj:
            assert_only_safe_kinds(value, depth + 1)


def layout(obj):
    """obj with every tensor/array replaced by (type, dtype, shape): what bytes can't change."""
    if isinstance(obj, (minitorch.Tensor, np.ndarray)):
        array = obj.detach().numpy() if isinstance(obj, minitorch.Tensor) else obj
        return (type(obj).__name__, str(array.dtype), array.shape)
    if isinstance(obj, dict):
        return (type(obj).__name__, [(repr(k), layout(v)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [layout(v) for v in obj])
    return repr(obj)  # repr: nan == nan


def same(a, b):
    if isinstance(a, (minitorch.Tensor, np.ndarray)):
        x = a.detach().numpy() if isinstance(a, minitorch.Tensor) else a
        y = b.detach().numpy() if isinstance(b, minitorch.Tensor) else b
        return x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return repr(a) == repr(b)


# ---- JSON-level header edits -------------------------------------------------------------
NAMES = ["np", "builtins", "os", "float32", "F32", "I64", "BOOL", "BF16", "object", "cpu",
         "tpu", "w", "model.w", "", "nan", "inf", "__class__", "promote_types"]
KEYS = ["tensor", "ndarray", "list", "tuple", "dict", "odict", "dtype", "float", "value",
        "numpy_scalar", "device", "device_obj", "requires_grad", "parameter", "_metadata",
        "shape", "data_offsets", "__metadata__"]
NUMBERS = [0, 1, 2, 3, 4, 8, 16, 24, 69, 75, 2**31, 2**62, 2**63, 2**64, -1, 0.5, 1e300]


def random_json(rng, depth=0):
    """A JSON value built from the names, keys and numbers a checkpoint header uses."""
    kind = rng.randrange(6 if depth < 2 else 4)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice(NAMES)
    if kind in (2, 3):
        return rng.choice(NUMBERS) if kind == 2 else rng.randint(-10, 100)
    if kind == 4:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(KEYS): random_json(rng, depth + 1) for _ in range(rng.randrange(4))}


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def edit_header(rng, data, in_structure=False):
    """data with one value of its JSON header (or of the structure in it) replaced or
    deleted."""
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    meta = header.get("__metadata__") or {}
    if serialization.STRUCTURE_KEY in meta:
        meta[serialization.STRUCTURE_KEY] = json.loads(meta[serialization.STRUCTURE_KEY])
    paths = list(_paths(header))
    if in_structure:  # the structure is where a file could ask for Python objects
        paths = [p for p in paths if p[:2] == ("__metadata__", serialization.STRUCTURE_KEY)]
    path = rng.choice(paths or [()])
    if path:
        parent = header
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[path[-1]]
        else:
            parent[path[-1]] = random_json(rng)
    else:
        header = random_json(rng)
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if isinstance(meta, dict) and serialization.STRUCTURE_KEY in meta:
        meta[serialization.STRUCTURE_KEY] = json.dumps(meta[serialization.STRUCTURE_KEY])
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data[8 + size:]


def damaged_file(seed):
    """(index of the valid file, its damaged bytes) for one fuzz case."""
    rng = random.Random(seed)
    index = rng.randrange(len(VALID))
    data = VALID[index][0]
    how = rng.choice(["bytes", "header", "structure", "structure", "header+bytes",
                      "length"])
    if how.startswith("header") or how == "structure":
        data = edit_header(rng, data, in_structure=how == "structure")
    if how.endswith("bytes"):
        data = mutate_bytes(rng, data)
    if how == "length":  # a wrong header length, the rest intact
        size = rng.choice([rng.randint(0, len(data) + 16), 2**63, 2**64 - 1])
        data = struct.pack("<Q", size) + data[8:]
    return index, data


def check_load(index, data):
    """Load damaged bytes; return the error (checked clean) or None after checking the data."""
    original, _ = VALID[index]
    try:
        out = load(NamedBytes(data, NAME))
    except RuntimeError as exc:
        assert type(exc).__module__.startswith("minitorch"), repr(exc)
        assert NAME in str(exc), str(exc)
        return exc
    assert_only_safe_kinds(out)
    (size,) = struct.unpack("<Q", original[:8])
    if data == original:
        assert same(load(NamedBytes(original, NAME)), out)
    elif len(data) == len(original) and data[:8 + size] == original[:8 + size]:
        # only tensor bytes changed: the values may differ, the layout may not
        assert layout(out) == layout(load(NamedBytes(original, NAME)))
    return None


@settings(max_examples=2000, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(seeds)
def test_damaged_checkpoints_load_or_fail_cleanly(seed):
    with fails_if_slower_than(20):
        check_load(*damaged_file(seed))


def test_the_valid_files_round_trip():
    """The fuzz starts from files that load, equal to what was saved."""
    for data, obj in VALID:
        out = load(NamedBytes(data, NAME))
        assert_only_safe_kinds(out)
        if isinstance(obj, dict) and all(isinstance(v, np.ndarray) for v in obj.values()):
            # the plain safetensors file: its writer orders the tensors its own way
            obj = {k: minitorch.from_numpy(obj[k]) for k in out}
        assert same(obj, out)


def test_the_fuzz_reaches_every_outcome():
    """A fuzz that only ever hit one error would prove little: these mutations produce
    loads that succeed, layout refusals and structure refusals."""
    outcomes = collections.Counter()

    @settings(max_examples=300, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(seeds)
    def run(seed):
        exc = check_load(*damaged_file(seed))
        outcomes["loaded" if exc is None else
                 "structure" if "structure" in str(exc) else "layout"] += 1

    run()
    assert min(outcomes["loaded"], outcomes["structure"], outcomes["layout"]) >= 10, outcomes
