"""The safetensors layout of minitorch checkpoints (see serialization.py for save/load).

``[8-byte little-endian header length][JSON header][raw little-endian tensor bytes]``:
`encode` turns a state dict (nested dicts/lists/tuples of tensors, numbers, strings,
None) into the JSON header plus the list of arrays to write after it; `decode` rebuilds
the object from the header's structure and the arrays read back.
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


def parse_header(data, name):
    if len(data) < 8:
        raise RuntimeError(f"{name} is not a minitorch checkpoint: only {len(data)} bytes "
                           "(empty or truncated file)")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8:
        raise RuntimeError(
            f"{name} is truncated or not a minitorch/safetensors file: header length {size} "
            f"exceeds the file size {len(data)}")
    try:
        header = json.loads(data[8:8 + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RuntimeError(f"{name} is corrupt or not a minitorch/safetensors file: the "
                           f"header is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise RuntimeError(f"{name}: corrupt header (expected a JSON object)")
    return header, 8 + size


def read_array(data, body_start, key, info, name):
    try:
        dt = _DTYPE_OF_CODE[info["dtype"]]
        shape = tuple(int(s) for s in info["shape"])
        begin, end = (int(x) for x in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise RuntimeError(f"{name}: corrupt header entry for tensor {key!r}: {info!r}") \
            from None
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    if min(shape, default=0) < 0 or end - begin != nbytes or begin < 0:
        raise RuntimeError(f"{name}: tensor {key!r} has shape {list(shape)} and dtype "
                           f"{info['dtype']} but data_offsets {[begin, end]}")
    if body_start + end > len(data):
        raise RuntimeError(f"{name} is truncated: tensor {key!r} needs bytes up to "
                           f"{body_start + end}, the file has {len(data)}")
    flat = np.frombuffer(data, dtype=dt.np.newbyteorder("<"), count=nbytes // dt.itemsize,
                         offset=body_start + begin)
    return flat.astype(dt.np, copy=True).reshape(shape)  # native order, writable


def decode(node, arrays, mapper):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, dict):
        if "tensor" in node:
            tensor = mapper(Tensor._wrap(arrays[node["tensor"]]), node.get("device", "cpu"))
            if node.get("parameter"):
                return _parameter_class()(tensor, bool(node.get("requires_grad")))
            if node.get("requires_grad"):
                tensor.requires_grad_(True)
            return tensor
        if "ndarray" in node:
            return arrays[node["ndarray"]]
        if "float" in node:
            return float(node["float"])
        if "numpy_scalar" in node:
            return np.dtype(node["numpy_scalar"]).type(node["value"])
        if "dtype" in node:
            return getattr(dtypes, node["dtype"])
        if "device_obj" in node:
            return backend.device(node["device_obj"])
        if "list" in node:
            return [decode(v, arrays, mapper) for v in node["list"]]
        if "tuple" in node:
            return tuple(decode(v, arrays, mapper) for v in node["tuple"])
        for kind, cls in (("dict", dict), ("odict", OrderedDict)):
            if kind in node:
                out = cls((decode(k, arrays, mapper), decode(v, arrays, mapper))
                          for k, v in node[kind])
                if "_metadata" in node:
                    out._metadata = decode(node["_metadata"], arrays, mapper)
                return out
    raise ValueError(f"unknown node {str(node)[:80]}")
