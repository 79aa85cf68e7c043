"""The safetensors layout of minitorch checkpoints (see serialization.py for save/load).

``[8-byte little-endian header length][JSON header][raw little-endian tensor bytes]``:
`encode` turns a state dict (nested dicts/lists/tuples of tensors, numbers, strings,
None) into the JSON header plus the list of arrays to write after it;
`read_safetensors` checks a file against safetensors' rules and reads the arrays back;
`decode` rebuilds the object from the header's structure, from a closed set of node
kinds (a file can never name a module, class or function to build).
"""
from __future__ import annotations

import json
import struct
from collections import OrderedDict

import numpy as np

from . import backend, dtypes
from .tensor import Tensor

STRUCTURE_KEY = "minitorch.structure"
FORMAT_VERSION = "1"

_CODE_OF = {"float16": "F16", "float32": "F32", "float64": "F64", "int8": "I8",
            "int16": "I16", "int32": "I32", "int64": "I64", "uint8": "U8", "bool": "BOOL"}
_DTYPE_OF_CODE = {code: getattr(dtypes, name) for name, code in _CODE_OF.items()}


class NotStateDict(Exception):
    """Raised while encoding when obj needs the pickle format."""


def tensor_bytes(array):
    """The C-ordered little-endian bytes of a numpy array (a view when possible)."""
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return memoryview(array.reshape(-1).view(np.uint8))


def write_safetensors(out, header, arrays):
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # safetensors pads the header to 8 bytes with spaces
    out.write(struct.pack("<Q", len(raw)))
    out.write(raw)
    for array in arrays:
        out.write(tensor_bytes(array))


def encode(obj):
    """Split obj into (safetensors header, list of numpy arrays in offset order)."""
    arrays, header, names = [], {}, set()

    def add_array(array, name):
        if array.dtype == np.bool_ or array.dtype.name in _CODE_OF:
            code = _CODE_OF["bool" if array.dtype == np.bool_ else array.dtype.name]
        else:
            raise NotStateDict
        base, n = name or "tensor", 1
        while name in names or not name:
            name, n = f"{base}.{n}", n + 1
        names.add(name)
        begin = header_offset[0]
        end = begin + array.size * array.dtype.itemsize
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [begin, end]}
        header_offset[0] = end
        arrays.append(array)
        return name

    header_offset = [0]

    def enc(value, path):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and type(value) is int:
            return value
        if isinstance(value, float) and type(value) is float:
            return value if np.isfinite(value) else {"float": repr(value)}
        if isinstance(value, Tensor):
            array = backend.move(value.detach()._data, backend.CPU)
            node = {"tensor": add_array(array, path), "device": str(value.device)}
            if value.requires_grad:
                node["requires_grad"] = True
            if isinstance(value, _parameter_class()):
                node["parameter"] = True
            return node
        if isinstance(value, np.ndarray):
            return {"ndarray": add_array(value, path)}
        if isinstance(value, np.generic) and value.dtype.name in _CODE_OF:
            return {"numpy_scalar": value.dtype.name, "value": value.item()
                    if np.isfinite(value) else repr(value.item())}
        if isinstance(value, dtypes.dtype):
            return {"dtype": value.name}
        if isinstance(value, backend.device):
            return {"device_obj": str(value)}
        if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
            items = [enc(v, _join(path, str(i))) for i, v in enumerate(value)]
            return {type(value).__name__: items}
        if isinstance(value, dict) and type(value) in (dict, OrderedDict):
            items = []
            for k, v in value.items():
                if not (k is None or isinstance(k, (str, int, float, bool))):
                    raise NotStateDict
                items.append([enc(k, path), enc(v, _join(path, str(k)))])
            node = {"odict" if type(value) is OrderedDict else "dict": items}
            meta = getattr(value, "_metadata", None)  # nn.Module's per-prefix versions
            if isinstance(meta, dict):
                node["_metadata"] = enc(meta, path + "#meta")
            return node
        raise NotStateDict

    structure = enc(obj, "")
    header["__metadata__"] = {
        "format": "pt", "minitorch.format_version": FORMAT_VERSION,
        STRUCTURE_KEY: json.dumps(structure, separators=(",", ":")),
    }
    return header, arrays


def _join(path, key):
    return key if not path else f"{path}.{key}"


def _parameter_class():
    from .nn.parameter import Parameter

    return Parameter


# ---- reading: safetensors' rules, each refusal naming the file and the rule ----------
MAX_HEADER_BYTES = 100_000_000  # safetensors' limit: a larger header is not a checkpoint
_INT64_MAX = 2**63 - 1
_MAX_DIMS = 64  # NumPy's limit


class CorruptFile(RuntimeError):
    """A file that breaks the checkpoint layout; the message names the file and the rule."""


def read_safetensors(data, name):
    """Validate a safetensors buffer and return ({tensor name: numpy array}, metadata).

    The rules are the safetensors library's (so a file one accepts the other accepts):
    header length <= 100 MB; the header a JSON object of tensor entries plus an optional
    ``__metadata__`` of str -> str; each entry a known dtype, a shape of non-negative
    ints whose element count and byte size fit in int64, and ``data_offsets`` whose
    length is dtype size x element count; sorted by offset the tensors are contiguous,
    start at 0, never overlap and end exactly at the end of the file. Stricter than
    safetensors: a duplicated JSON key (one tensor would silently shadow the other) and
    a BOOL byte other than 0/1 are refused too. Data is little-endian, C order.
    """
    header, body_start = _parse_header(data, name)
    meta = header.pop("__metadata__", None)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise CorruptFile(f"{name}: corrupt header: __metadata__ must map strings to "
                          f"strings, got {_short(meta)}")
    entries = {key: _check_entry(key, info, name) for key, info in header.items()}
    body = len(data) - body_start
    end_so_far = 0  # walk the tensors in offset order: each must start where the last ended
    for key, (_, _, begin, end) in sorted(entries.items(), key=lambda kv: kv[1][2:]):
        if begin != end_so_far:
            rule = ("overlaps the tensor before it" if begin < end_so_far else
                    "leaves a gap of unused bytes before it")
            raise CorruptFile(f"{name}: corrupt header: tensor {key!r} has data_offsets "
                              f"[{begin}, {end}], which {rule} (expected to start at "
                              f"{end_so_far})")
        end_so_far = end
    if end_so_far != body:
        what = "is truncated" if end_so_far > body else "has trailing bytes"
        raise CorruptFile(f"{name} {what}: its tensors cover {end_so_far} bytes of data but "
                          f"the file holds {body} after the header")
    arrays = {}
    for key, (dt, shape, begin, end) in entries.items():
        flat = np.frombuffer(data, dtype=dt.np.newbyteorder("<"),
                             count=(end - begin) // dt.itemsize, offset=body_start + begin)
        if dt.np == np.bool_ and flat.view(np.uint8).max(initial=0) > 1:
            raise CorruptFile(f"{name}: tensor {key!r} is BOOL but holds bytes other than "
                              "0 and 1")
        arrays[key] = flat.astype(dt.np, copy=True).reshape(shape)  # native order, writable
    return arrays, meta


def _parse_header(data, name):
    if len(data) < 8:
        raise CorruptFile(f"{name} is not a minitorch checkpoint: only {len(data)} bytes "
                          "(empty or truncated file)")
    (size,) = struct.unpack("<Q", data[:8])
    if size > MAX_HEADER_BYTES:
        raise CorruptFile(f"{name} is corrupt or not a minitorch/safetensors file: header "
                          f"length {size} exceeds safetensors' limit of {MAX_HEADER_BYTES}")
    if size > len(data) - 8:
        raise CorruptFile(
            f"{name} is truncated or not a minitorch/safetensors file: header length {size} "
            f"exceeds the file size {len(data)}")
    try:
        header = json.loads(data[8:8 + size].decode("utf-8"),
                            object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CorruptFile(f"{name} is corrupt or not a minitorch/safetensors file: the "
                          f"header is not valid JSON ({_short(exc)})") from None
    if not isinstance(header, dict):
        raise CorruptFile(f"{name}: corrupt header: expected a JSON object, got "
                          f"{type(header).__name__}")
    return header, 8 + size


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {_short(key)}")
        out[key] = value
    return out


def _is_count(x):
    return type(x) is int and x >= 0  # not bool, not float: safetensors reads usize


def _check_entry(key, info, name):
    """(dtype, shape, begin, end) of one header entry, or CorruptFile saying which rule broke."""
    def bad(rule):
        return CorruptFile(f"{name}: corrupt header entry for tensor {key!r}: {rule} (got "
                           f"{_short(info)})")

    if not isinstance(info, dict):
        raise bad("expected an object with dtype, shape and data_offsets")
    code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(code, str) or code not in _DTYPE_OF_CODE:
        raise bad(f"dtype must be one of {', '.join(_DTYPE_OF_CODE)}")
    dt = _DTYPE_OF_CODE[code]
    if not isinstance(shape, list) or not all(_is_count(s) for s in shape) \
            or len(shape) > _MAX_DIMS:
        raise bad(f"shape must be a list of at most {_MAX_DIMS} non-negative integers")
    if not isinstance(offsets, list) or len(offsets) != 2 \
            or not all(_is_count(x) for x in offsets) or offsets[0] > offsets[1]:
        raise bad("data_offsets must be [begin, end] with 0 <= begin <= end")
    # Python ints do not wrap: a shape whose count overflows int64 (or wraps round to the
    # right byte length, as np.prod would) is refused here instead of deep inside NumPy
    count = nonzero = 1
    for s in shape:
        count *= s
        nonzero *= max(s, 1)
    if nonzero * dt.itemsize > _INT64_MAX:
        raise bad(f"shape {shape} of {code} overflows int64 bytes")
    begin, end = offsets
    if end - begin != count * dt.itemsize:
        raise bad(f"shape {shape} of {code} needs {count * dt.itemsize} bytes but "
                  f"data_offsets hold {end - begin}")
    return dt, tuple(shape), begin, end


def _short(value, limit=120):
    text = repr(value) if not isinstance(value, BaseException) else str(value)
    return text if len(text) <= limit else text[:limit] + "..."


# ---- decoding the structure: a closed set of node kinds, nothing else ----------------
class BadStructure(ValueError):
    """The structure metadata breaks a rule; load() adds the file name."""


_SCALAR_KEYS = (type(None), bool, int, float, str)
# each node kind and the keys it may carry; a node with any other key set is refused
_NODE_KEYS = {
    "tensor": {"tensor", "device", "requires_grad", "parameter"},
    "ndarray": {"ndarray"}, "float": {"float"}, "numpy_scalar": {"numpy_scalar", "value"},
    "dtype": {"dtype"}, "device_obj": {"device_obj"}, "list": {"list"}, "tuple": {"tuple"},
    "dict": {"dict", "_metadata"}, "odict": {"odict", "_metadata"},
}


def decode(structure, arrays, mapper):
    """Rebuild the saved object from the structure JSON and the arrays read back.

    Only what `encode` writes comes back: None, bools, ints, floats, strings, tensors,
    parameters, numpy arrays and scalars of the checkpoint dtypes, minitorch dtypes and
    devices, lists, tuples, dicts and OrderedDicts. Every tensor in the file is used
    exactly once. Anything else (an unknown node, a dtype name that is not a dtype, a
    list where a string belongs) raises BadStructure; no name in the file is ever looked
    up as a Python attribute, module or class.
    """
    unused = set(arrays)

    def take(key):
        if not isinstance(key, str) or key not in arrays:
            raise BadStructure(f"it names a tensor {_short(key)} that the file does not hold")
        if key not in unused:
            raise BadStructure(f"it uses the tensor {key!r} twice")
        unused.discard(key)
        return arrays[key]

    def dec(node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        kind = _kind(node)
        if kind == "tensor":
            array, device = take(node["tensor"]), node.get("device", "cpu")
            grad, param = node.get("requires_grad", False), node.get("parameter", False)
            if not isinstance(device, str) or not _is_device(device) \
                    or type(grad) is not bool or type(param) is not bool:
                raise BadStructure(f"bad tensor node {_short(node)}")
            if grad and array.dtype.kind != "f":
                raise BadStructure(f"tensor {node['tensor']!r} of {array.dtype} cannot "
                                   "require gradients")
            tensor = mapper(Tensor._wrap(array), device)
            if param:
                return _parameter_class()(tensor, grad)
            return tensor.requires_grad_(True) if grad else tensor
        if kind == "ndarray":
            return take(node["ndarray"])
        if kind == "float":
            return _float(node["float"])
        if kind == "numpy_scalar":
            return _numpy_scalar(node["numpy_scalar"], node.get("value"))
        if kind == "dtype":
            dt = getattr(dtypes, node["dtype"], None) if isinstance(node["dtype"], str) \
                else None
            if not isinstance(dt, dtypes.dtype):  # e.g. "np" would give the numpy module
                raise BadStructure(f"unknown dtype {_short(node['dtype'])}")
            return dt
        if kind == "device_obj":
            if not isinstance(node["device_obj"], str) or not _is_device(node["device_obj"]):
                raise BadStructure(f"bad device {_short(node['device_obj'])}")
            return backend.device(node["device_obj"])
        if kind in ("list", "tuple"):
            items = node[kind]
            if not isinstance(items, list):
                raise BadStructure(f"a {kind} node must hold a JSON list: {_short(node)}")
            return (list if kind == "list" else tuple)(dec(v) for v in items)
        out = (dict if kind == "dict" else OrderedDict)()
        items = node[kind]
        if not isinstance(items, list) or not all(
                isinstance(kv, list) and len(kv) == 2 for kv in items):
            raise BadStructure(f"a {kind} node must hold [key, value] pairs: {_short(node)}")
        for k, v in items:
            key = dec(k)
            if type(key) not in _SCALAR_KEYS:
                raise BadStructure(f"a dict key must be None, a bool, number or string, "
                                   f"got {type(key).__name__}")
            if key in out:
                raise BadStructure(f"a dict repeats the key {_short(key)}")
            out[key] = dec(v)
        if "_metadata" in node:
            meta = dec(node["_metadata"])
            if not isinstance(meta, dict):
                raise BadStructure("_metadata must be a dict")
            out._metadata = meta
        return out

    try:
        obj = dec(structure)
    except RecursionError:
        raise BadStructure("it is nested too deeply") from None
    if unused:
        raise BadStructure(f"it never uses the tensor(s) {_short(sorted(unused))}")
    return obj


def _kind(node):
    if isinstance(node, dict):
        for kind, allowed in _NODE_KEYS.items():
            if kind in node and set(node) <= allowed:
                return kind
    raise BadStructure(f"unknown node {_short(node)}")


def _is_device(text):
    try:
        backend.device(text)
    except (RuntimeError, ValueError, TypeError):
        return False
    return True


def _float(text):
    if not isinstance(text, str):
        raise BadStructure(f"a float node must hold a string, got {_short(text)}")
    try:
        return float(text)
    except ValueError:
        raise BadStructure(f"not a float: {_short(text)}") from None


def _numpy_scalar(name, value):
    if not isinstance(name, str) or name not in _CODE_OF \
            or type(value) not in (bool, int, float, str):
        raise BadStructure(f"bad numpy scalar {_short(name)} = {_short(value)}")
    try:
        return np.dtype(name).type(value)
    except (ValueError, OverflowError, TypeError):
        raise BadStructure(f"bad numpy scalar {name} = {_short(value)}") from None
