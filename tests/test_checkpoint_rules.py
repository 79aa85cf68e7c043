"""minitorch.load on bad files: safetensors' layout rules, a closed set of structure
nodes, and files in other formats named for what they are.

Where the safetensors library has a rule, the same bytes go through
`safetensors.numpy.load` too, so the two readers are checked to agree.
"""
import io
import json
import pickle
import struct
import zipfile

import numpy as np
import pytest
import safetensors.numpy
import torch

import minitorch
from minitorch import serialization, serialization_format
from minitorch.serialization import load, save


def blob(header, body=b"", raw_header=None):
    raw = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


def f32(shape, offsets):
    return {"dtype": "F32", "shape": shape, "data_offsets": offsets}


BODY = bytes(range(32))

# (header, body, words our message must hold); safetensors rejects every one of these
REJECTED_BY_BOTH = {
    "overlapping offsets": ({"a": f32([4], [0, 16]), "b": f32([4], [8, 24])}, BODY[:24],
                            "overlaps"),
    "same offsets twice": ({"a": f32([4], [0, 16]), "b": f32([4], [0, 16])}, BODY[:16],
                           "overlaps"),
    "offsets shifted into another tensor": (
        {"a": f32([4], [0, 16]), "b": f32([2], [8, 16])}, BODY[:16], "overlaps"),
    "gap before the first tensor": ({"a": f32([4], [16, 32])}, BODY, "gap"),
    "gap between tensors": ({"a": f32([2], [0, 8]), "b": f32([4], [16, 32])}, BODY, "gap"),
    "trailing bytes": ({"a": f32([4], [0, 16])}, BODY, "trailing bytes"),
    "truncated data": ({"a": f32([8], [0, 32])}, BODY[:20], "truncated"),
    "count overflows int64": ({"a": f32([2**32, 2**32], [0, 0])}, b"", "overflows int64"),
    # np.prod in int64 wraps 2**62 * 4 round to 0, which matches data_offsets [0, 0]
    "count wraps to the right byte length": ({"a": f32([2**62, 4], [0, 0])}, b"",
                                             "overflows int64"),
    "shape/offsets mismatch": ({"a": f32([3], [0, 16])}, BODY[:16], "needs 12 bytes"),
    "__metadata__ not a dict": ({"__metadata__": [1], "a": f32([4], [0, 16])}, BODY[:16],
                                "__metadata__"),
    "__metadata__ value not a string": (
        {"__metadata__": {"k": 1}, "a": f32([4], [0, 16])}, BODY[:16], "__metadata__"),
    "unknown dtype": ({"a": {"dtype": "XX", "shape": [1], "data_offsets": [0, 4]}},
                      BODY[:4], "dtype must be one of"),
    "negative dim": ({"a": f32([-1], [0, 0])}, b"", "shape must be"),
    "float dim": ({"a": f32([4.0], [0, 16])}, BODY[:16], "shape must be"),
    "bool dim": ({"a": f32([True], [0, 4])}, BODY[:4], "shape must be"),
    "offsets reversed": ({"a": f32([1], [4, 0])}, BODY[:4], "data_offsets"),
    "three offsets": ({"a": f32([1], [0, 4, 8])}, BODY[:4], "data_offsets"),
    "no offsets": ({"a": {"dtype": "F32", "shape": [1]}}, BODY[:4], "data_offsets"),
    "header is a list": (None, b"", "JSON object"),
}


@pytest.mark.parametrize("case", sorted(REJECTED_BY_BOTH))
def test_layout_rules_match_safetensors(case, tmp_path):
    header, body, words = REJECTED_BY_BOTH[case]
    data = blob(header, body, raw_header=b"[]" if header is None else None)
    with pytest.raises(safetensors.SafetensorError):
        safetensors.numpy.load(data)
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    with pytest.raises(RuntimeError, match=words) as info:
        load(path)
    assert "bad.safetensors" in str(info.value)


def test_shapes_numpy_cannot_hold_are_refused_with_the_file_name(tmp_path):
    # safetensors itself fails inside NumPy here ("array is too big")
    path = tmp_path / "zero.safetensors"
    path.write_bytes(blob({"a": f32([0, 2**62, 2**62], [0, 0])}))
    with pytest.raises(RuntimeError, match="zero.safetensors.*overflows int64"):
        load(path)
    path.write_bytes(blob({"a": f32([1] * 65, [0, 4])}, BODY[:4]))
    with pytest.raises(RuntimeError, match="zero.safetensors.*at most 64"):
        load(path)


def test_header_size_limit_and_short_files(tmp_path):
    path = tmp_path / "h.safetensors"
    for data, words in [(struct.pack("<Q", 100_000_001) + b"{}" + b" " * 64, "limit"),
                        (b"", "only 0 bytes"), (b"\x02\0\0", "only 3 bytes"),
                        (struct.pack("<Q", 0), "not valid JSON")]:
        with pytest.raises(safetensors.SafetensorError):
            safetensors.numpy.load(data)
        path.write_bytes(data)
        with pytest.raises(RuntimeError, match=words) as info:
            load(path)
        assert "h.safetensors" in str(info.value)


def test_stricter_than_safetensors_where_data_would_be_lost_or_invalid(tmp_path):
    path = tmp_path / "s.safetensors"
    # a repeated key: safetensors keeps one entry, silently dropping the other tensor
    raw = b'{"a":' + json.dumps(f32([1], [0, 4])).encode() + b',"a":' \
        + json.dumps(f32([1], [4, 8])).encode() + b"}"
    path.write_bytes(blob(None, BODY[:8], raw_header=raw))
    with pytest.raises(RuntimeError, match="s.safetensors.*duplicate key 'a'"):
        load(path)
    # a BOOL byte other than 0/1 is not a bool (NumPy would keep the raw byte)
    path.write_bytes(blob({"m": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}},
                          b"\x01\x02"))
    with pytest.raises(RuntimeError, match="s.safetensors.*BOOL"):
        load(path)


def test_what_safetensors_accepts_we_accept(tmp_path):
    cases = [blob({"__metadata__": None, "a": f32([4], [0, 16])}, BODY[:16]),
             blob({"a": {**f32([4], [0, 16]), "extra": 1}}, BODY[:16]),
             blob(None, BODY[:4], raw_header=b'  {"a":' + json.dumps(f32([1], [0, 4])).encode()
                  + b"}   "),
             blob({}), blob({"e": f32([0, 3], [0, 0]), "a": f32([1], [0, 4])}, BODY[:4])]
    for data in cases:
        theirs = safetensors.numpy.load(data)
        ours = load(io.BytesIO(data))
        assert sorted(ours) == sorted(theirs)
        for key in theirs:
            np.testing.assert_array_equal(ours[key].numpy(), theirs[key])


def test_a_header_length_that_looks_like_a_pickle_is_still_read():
    # 640 = b"\x80\x02\0..." : a pickle's first two bytes, but a valid header length
    meta = {"pad": ""}
    header = {"__metadata__": meta, "a": f32([1], [0, 4])}
    meta["pad"] = "x" * (640 - len(json.dumps(header).encode()))
    data = blob(header, BODY[:4])
    assert data[:2] == b"\x80\x02"
    np.testing.assert_array_equal(load(io.BytesIO(data))["a"].numpy(),
                                  safetensors.numpy.load(data)["a"])


# ---- the structure metadata: a closed set of node kinds --------------------------------
def with_structure(path, structure, obj=None):
    """A minitorch file holding obj's tensors, with its structure replaced."""
    header, arrays = serialization_format.encode({} if obj is None else obj)
    header["__metadata__"][serialization.STRUCTURE_KEY] = (
        structure if isinstance(structure, str) else json.dumps(structure))
    with open(path, "wb") as f:
        serialization_format.write_safetensors(f, header, arrays)


BAD_STRUCTURES = {
    "dtype naming the numpy module": {"dtype": "np"},
    "dtype naming the builtins module": {"dtype": "builtins"},
    "dtype naming a function": {"dtype": "promote_types"},
    "object numpy scalar": {"numpy_scalar": "object", "value": 1},
    "numpy scalar from a list": {"numpy_scalar": "float32", "value": [1, 2]},
    "numpy scalar overflow": {"numpy_scalar": "int8", "value": 300},
    "unknown node": {"module": "os"},
    "node with an extra key": {"list": [], "tensor": "w"},
    "list of a string": {"list": "abc"},
    "float of a list": {"float": [1]},
    "float of junk": {"float": "one"},
    "unhashable dict key": {"dict": [[{"list": []}, 1]]},
    "repeated dict key": {"dict": [["a", 1], ["a", 2]]},
    "dict pair of three": {"dict": [["a", 1, 2]]},
    "bad device": {"device_obj": "tpu"},
    "missing tensor": {"tensor": "nope"},
    "non-dict _metadata": {"odict": [], "_metadata": [1]},
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "deep nodes": '{"list":[' * 5000 + "]}" * 5000,
    "not JSON": "{",
}


@pytest.mark.parametrize("case", sorted(BAD_STRUCTURES))
def test_structure_is_a_closed_set(case, tmp_path):
    path = tmp_path / "st.pt"
    with_structure(path, BAD_STRUCTURES[case])
    with pytest.raises(RuntimeError, match="st.pt.*structure") as info:
        load(path)
    assert not isinstance(info.value, (TypeError, KeyError))


def test_every_tensor_is_used_exactly_once(tmp_path):
    path = tmp_path / "t.pt"
    obj = {"w": minitorch.ones(2), "b": minitorch.zeros(1, dtype=minitorch.int64)}
    cases = [({"dict": [["w", {"tensor": "w"}], ["v", {"tensor": "w"}]]}, "twice"),
             ({"dict": [["w", {"tensor": "w"}]]}, "never uses"),
             ({"dict": [["w", {"tensor": "w"}], ["b", {"tensor": "b",
                                                         "requires_grad": True}]]},
              "cannot require gradients")]
    for structure, words in cases:
        with_structure(path, structure, obj)
        with pytest.raises(RuntimeError, match=f"t.pt.*{words}"):
            load(path)


# ---- files in other formats say what they are -------------------------------------------
def test_other_formats_are_named(tmp_path):
    path = tmp_path / "other.pt"
    writers = {
        "legacy": lambda f: torch.save({"w": torch.ones(2)}, f,
                                       _use_new_zipfile_serialization=False),
        "PyTorch zip checkpoint": lambda f: torch.save({"w": torch.ones(2)}, f),
        "NumPy .npz": lambda f: np.savez(f, a=np.ones(2)),
        "NumPy .npy": lambda f: np.save(f, np.ones(2)),
        "Python pickle": lambda f: pickle.dump({"w": np.ones(2)}, f),
        "zip archive": lambda f: zipfile.ZipFile(f, "w").writestr("a.txt", "hi"),
    }
    for words, write in writers.items():
        with open(path, "wb") as f:
            write(f)
        with pytest.raises(RuntimeError, match=words) as info:
            load(path)
        assert "other.pt" in str(info.value)
        assert "exceeds the file size" not in str(info.value)


def test_load_round_trips_after_hardening(tmp_path):
    """The rules refuse nothing that save writes (model, optimizer, numbers, arrays)."""
    model = minitorch.nn.Sequential(minitorch.nn.Linear(3, 4), minitorch.nn.BatchNorm1d(4))
    opt = minitorch.optim.Adam(model.parameters(), lr=1e-3)
    model(minitorch.randn(5, 3)).sum().backward()
    opt.step()
    ck = {"model": model.state_dict(), "opt": opt.state_dict(), "x": np.float32(np.nan),
          "i": np.int64(-3), "flag": True, "keys": {None: 1, 2.5: 2, float("inf"): 3},
          "dev": minitorch.device("cpu"), "dt": minitorch.int8}
    save(ck, tmp_path / "ck.pt")
    back = load(tmp_path / "ck.pt")
    assert back["keys"] == ck["keys"] and back["dt"] is minitorch.int8
    assert np.isnan(back["x"]) and back["x"].dtype == np.float32 and back["i"] == -3
    assert back["model"]._metadata == ck["model"]._metadata
    fresh = minitorch.nn.Sequential(minitorch.nn.Linear(3, 4), minitorch.nn.BatchNorm1d(4))
    fresh.load_state_dict(back["model"])
    for a, b in zip(fresh.state_dict().values(), model.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
