"""`minitorch.save` / `minitorch.load`: checkpoints without pickle.

Two on-disk formats:

* **safetensors layout** (state dicts, checkpoints: nested dicts/lists/tuples of tensors,
  numbers, strings, None). The file is
  ``[8-byte little-endian header length][JSON header][raw little-endian tensor bytes]``,
  the header mapping each tensor name to ``{"dtype": "F32", "shape": [...],
  "data_offsets": [begin, end]}`` plus a ``"__metadata__"`` dict of strings. A flat
  ``{str: Tensor}`` dict (a model's ``state_dict()``) uses its keys as tensor names, so
  ``safetensors.numpy.load_file`` reads our weights directly. Everything that is not a
  tensor (the nesting, ints, floats, strings) is stored as JSON in
  ``__metadata__["minitorch.structure"]``, so loading needs no pickle and runs no code.
* **pickle** (anything else, e.g. ``save(model)``): ``MAGIC`` followed by a pickle.
  Loading one runs arbitrary code from the file, so it needs ``weights_only=False``,
  like ``torch.load`` since torch 2.6.

Writes to a path are atomic: a temporary file in the same directory is written, flushed,
fsync'ed and then renamed over the target, so a crash leaves the old file intact.
"""
from __future__ import annotations

import io
import json
import os
import pickle
import struct
import tempfile
from collections import OrderedDict

import numpy as np

from . import backend, dtypes
from .tensor import Tensor

MAGIC = b"\x80MINITORCH-PICKLE\n"  # never a plausible safetensors header length
STRUCTURE_KEY = "minitorch.structure"
FORMAT_VERSION = "1"

_CODE_OF = {"float16": "F16", "float32": "F32", "float64": "F64", "int8": "I8",
            "int16": "I16", "int32": "I32", "int64": "I64", "uint8": "U8", "bool": "BOOL"}
_DTYPE_OF_CODE = {code: getattr(dtypes, name) for name, code in _CODE_OF.items()}

_WEIGHTS_ONLY_HELP = (
    "Weights only load failed: {path} holds a pickled Python object (written by "
    "minitorch.save of something that is not a state dict, e.g. a whole nn.Module). "
    "Unpickling can run arbitrary code, so minitorch.load refuses it by default "
    "(weights_only=True, the default since torch 2.6). Re-running minitorch.load with "
    "weights_only=False will work, but do it only if you got the file from a trusted "
    "source. Better: save model.state_dict() and load it with "
    "model.load_state_dict(minitorch.load(f)).")


class _NotStateDict(Exception):
    """Raised while encoding when obj needs the pickle format."""


# ---- save -----------------------------------------------------------------------------
def save(obj, f, pickle_module=pickle, pickle_protocol=4, **kwargs):
    """Save `obj` to the path or binary file object `f`.

    State dicts and checkpoints (nested dicts/lists/tuples of Tensors, numpy arrays,
    numbers, strings, None, dtypes and devices) go in the safetensors layout; any other
    object is pickled and then needs ``load(..., weights_only=False)``.

    Args:
        obj: what to save.
        f (str | os.PathLike | file object): destination; a path is written atomically.
        pickle_module: the module used for the pickle format. Default: pickle.
        pickle_protocol (int): protocol for the pickle format. Default: 4.

    >>> minitorch.save(model.state_dict(), "model.pt")
    """
    try:
        header, arrays = _encode(obj)
    except _NotStateDict:
        payload = MAGIC + pickle_module.dumps(obj, protocol=pickle_protocol)
        _write(f, lambda out: out.write(payload))
        return
    _write(f, lambda out: _write_safetensors(out, header, arrays))


def _write(f, writer):
    if not isinstance(f, (str, bytes, os.PathLike)):
        writer(f)
        if hasattr(f, "flush"):
            f.flush()
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            writer(out)
            out.flush()
            os.fsync(out.fileno())
        if os.path.exists(path):  # keep the old file's permissions
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    """Make the rename itself durable (best effort: not every OS allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _tensor_bytes(array):
    """The C-ordered little-endian bytes of a numpy array (a view when possible)."""
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return memoryview(array.reshape(-1).view(np.uint8))


def _write_safetensors(out, header, arrays):
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # safetensors pads the header to 8 bytes with spaces
    out.write(struct.pack("<Q", len(raw)))
    out.write(raw)
    for array in arrays:
        out.write(_tensor_bytes(array))


def _encode(obj):
    """Split obj into (safetensors header, list of numpy arrays in offset order)."""
    arrays, header, names = [], {}, set()

    def add_array(array, name):
        if array.dtype == np.bool_ or array.dtype.name in _CODE_OF:
            code = _CODE_OF["bool" if array.dtype == np.bool_ else array.dtype.name]
        else:
            raise _NotStateDict
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
                    raise _NotStateDict
                items.append([enc(k, path), enc(v, _join(path, str(k)))])
            node = {"odict" if type(value) is OrderedDict else "dict": items}
            meta = getattr(value, "_metadata", None)  # nn.Module's per-prefix versions
            if isinstance(meta, dict):
                node["_metadata"] = enc(meta, path + "#meta")
            return node
        raise _NotStateDict

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


# ---- load -----------------------------------------------------------------------------
def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load an object written by `minitorch.save` (or any safetensors file).

    Args:
        f (str | os.PathLike | file object): the file.
        map_location: where tensors go. None keeps the device they were saved from;
            'cpu', 'cuda', 'cuda:1' or a `minitorch.device` moves them all there; a dict
            maps saved locations to new ones (``{'cuda:0': 'cpu'}``); a callable
            ``fn(tensor, location)`` gets each tensor (on the CPU) and the saved location
            string and returns the tensor to use (None keeps the default).
        weights_only (bool): when True (the default) only the safetensors layout is
            read, which never runs code from the file; a pickled object raises
            `pickle.UnpicklingError`. Set False only for files you trust.

    Returns:
        The saved object, with tensors on the requested device.

    >>> model.load_state_dict(minitorch.load("model.pt", map_location="cpu"))
    """
    data, name = _read_all(f)
    if data.startswith(MAGIC):
        if weights_only:
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_HELP.format(path=name))
        return _unpickle(data[len(MAGIC):], map_location, pickle_module, pickle_load_args)
    if data.startswith(b"PK\x03\x04"):
        raise RuntimeError(
            f"{name} looks like a PyTorch zip checkpoint (torch.save); minitorch cannot read "
            "that format. In PyTorch, re-save the weights with safetensors "
            "(safetensors.torch.save_file(model.state_dict(), path)) and load that file.")
    header, body_start = _parse_header(data, name)
    meta = header.pop("__metadata__", None) or {}
    arrays = {key: _read_array(data, body_start, key, info, name)
              for key, info in header.items()}
    mapper = _Mapper(map_location)
    if STRUCTURE_KEY not in meta:  # a plain safetensors file: a flat dict of tensors
        return OrderedDict((k, mapper(Tensor._wrap(a), "cpu")) for k, a in arrays.items())
    try:
        structure = json.loads(meta[STRUCTURE_KEY])
        return _decode(structure, arrays, mapper)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise RuntimeError(f"{name}: corrupt minitorch structure metadata ({exc})") from None


def _read_all(f):
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(os.fspath(f))
        with open(path, "rb") as fh:
            return fh.read(), repr(path)
    data = f.read()
    if isinstance(data, str):
        raise TypeError("minitorch.load needs a file opened in binary mode ('rb')")
    return bytes(data), getattr(f, "name", "the file object")


def _parse_header(data, name):
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


def _read_array(data, body_start, key, info, name):
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


def _decode(node, arrays, mapper):
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
            return [_decode(v, arrays, mapper) for v in node["list"]]
        if "tuple" in node:
            return tuple(_decode(v, arrays, mapper) for v in node["tuple"])
        for kind, cls in (("dict", dict), ("odict", OrderedDict)):
            if kind in node:
                out = cls((_decode(k, arrays, mapper), _decode(v, arrays, mapper))
                          for k, v in node[kind])
                if "_metadata" in node:
                    out._metadata = _decode(node["_metadata"], arrays, mapper)
                return out
    raise ValueError(f"unknown node {str(node)[:80]}")


class _Mapper:
    """Apply `map_location` to a CPU tensor that was saved from `location`."""

    def __init__(self, map_location):
        if isinstance(map_location, (str, backend.device, int)):
            target = backend.as_device(map_location)
            self.fn = lambda tensor, location: target
        elif isinstance(map_location, dict):
            table = {str(k): v for k, v in map_location.items()}
            self.fn = lambda tensor, location: table.get(location, location)
        elif callable(map_location):
            self.fn = map_location
        elif map_location is None:
            self.fn = lambda tensor, location: location
        else:
            raise TypeError(f"map_location must be None, a string, a device, a dict or a "
                            f"callable, got {type(map_location).__name__}")

    def __call__(self, tensor, location):
        result = self.fn(tensor, location)
        if isinstance(result, Tensor):
            return result
        dev = backend.as_device(location if result is None else result)
        if dev.type == "cuda" and not backend.cuda_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but "
                "minitorch.cuda.is_available() is False. If you are running on a CPU-only "
                "machine, please use minitorch.load with map_location='cpu' to map your "
                "storages to the CPU.")
        if dev.type == "cpu":
            return tensor
        return Tensor._wrap(backend.move(tensor._data, dev))

    def rebuild_tensor(self, array, requires_grad, device="cpu"):
        """Stand-in for `creation._rebuild_tensor` while unpickling."""
        tensor = self(Tensor._wrap(np.asarray(array)), str(device))
        if requires_grad:
            tensor.requires_grad_(True)
        return tensor


def _unpickle(payload, map_location, pickle_module, load_args):
    mapper = _Mapper(map_location)
    if pickle_module is not None and pickle_module is not pickle:
        return pickle_module.loads(payload, **load_args)

    class _Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if module.startswith("minitorch") and name == "_rebuild_tensor":
                return mapper.rebuild_tensor
            return super().find_class(module, name)

    return _Unpickler(io.BytesIO(payload), **load_args).load()


__all__ = ["save", "load"]
