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
import tempfile
from collections import OrderedDict

import numpy as np

from . import backend
from .serialization_format import (
    STRUCTURE_KEY,
    NotStateDict,
    decode,
    encode,
    parse_header,
    read_array,
    write_safetensors,
)
from .tensor import Tensor

MAGIC = b"\x80MINITORCH-PICKLE\n"  # never a plausible safetensors header length
_WEIGHTS_ONLY_HELP = (
    "Weights only load failed: {path} holds a pickled Python object (written by "
    "minitorch.save of something that is not a state dict, e.g. a whole nn.Module). "
    "Unpickling can run arbitrary code, so minitorch.load refuses it by default "
    "(weights_only=True, the default since torch 2.6). Re-running minitorch.load with "
    "weights_only=False will work, but do it only if you got the file from a trusted "
    "source. Better: save model.state_dict() and load it with "
    "model.load_state_dict(minitorch.load(f)).")


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
        header, arrays = encode(obj)
    except NotStateDict:
        payload = MAGIC + pickle_module.dumps(obj, protocol=pickle_protocol)
        _write(f, lambda out: out.write(payload))
        return
    _write(f, lambda out: write_safetensors(out, header, arrays))


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
    if not os.path.isdir(directory):  # torch's check; mkstemp would name our temp file
        raise RuntimeError(f"Parent directory {os.path.dirname(path)} does not exist.")
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
    header, body_start = parse_header(data, name)
    meta = header.pop("__metadata__", None) or {}
    arrays = {key: read_array(data, body_start, key, info, name)
              for key, info in header.items()}
    mapper = _Mapper(map_location)
    if STRUCTURE_KEY not in meta:  # a plain safetensors file: a flat dict of tensors
        return OrderedDict((k, mapper(Tensor._wrap(a), "cpu")) for k, a in arrays.items())
    try:
        structure = json.loads(meta[STRUCTURE_KEY])
        return decode(structure, arrays, mapper)
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


__all__ = ["load", "save"]
