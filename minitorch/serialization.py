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
fsync'ed and then renamed over the target, so a crash leaves the old file intact. The
temporary file is named ``.{target}.{pid}.{random}.tmp``; it is removed on any exception,
and one left by a killed process (its pid no longer runs) is removed by the next save to
the same target.

Reading never trusts the file: the safetensors layout is checked against safetensors'
own rules and the structure against a closed set of node kinds (serialization_format.py),
and every refusal is a RuntimeError that names the file and the rule it breaks.
"""
from __future__ import annotations

import io
import json
import os
import pickle
import re
import secrets
import threading
import zipfile
from collections import OrderedDict

import numpy as np

from . import backend
from .serialization_format import (
    STRUCTURE_KEY,
    BadStructure,
    CorruptFile,
    NotStateDict,
    decode,
    encode,
    read_safetensors,
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
    if not os.path.isdir(directory):  # torch's check, before we create anything
        raise RuntimeError(f"Parent directory {os.path.dirname(path)} does not exist.")
    _remove_stale_temp_files(directory, os.path.basename(path))
    fd, tmp = _create_temp_file(directory, os.path.basename(path))
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
    except BaseException:  # KeyboardInterrupt too: never leave a half-written file behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.discard(tmp)
    _fsync_directory(directory)


# temp files this process is writing now (another thread may be saving to the same path)
_IN_FLIGHT = set()
_IN_FLIGHT_LOCK = threading.Lock()


def _create_temp_file(directory, target):
    while True:
        tmp = os.path.join(directory, f".{target}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        with _IN_FLIGHT_LOCK:
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            _IN_FLIGHT.add(tmp)
        return fd, tmp


def _remove_stale_temp_files(directory, target):
    """Delete temp files of `target` left by a killed save: their process is gone."""
    pattern = re.compile(re.escape(f".{target}.") + r"([1-9][0-9]{0,9})\.[0-9a-f]{8}\.tmp")
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for entry in names:
        match = pattern.fullmatch(entry)
        if match is None:
            continue
        tmp, pid = os.path.join(directory, entry), int(match.group(1))
        with _IN_FLIGHT_LOCK:
            if pid == os.getpid():
                stale = tmp not in _IN_FLIGHT
            else:
                stale = not _process_running(pid)
            if stale:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def _process_running(pid):
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):  # another user's process, or unsure
        return True
    return True


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

    Raises:
        RuntimeError: the file is damaged or in another format (a torch.save zip or
            legacy pickle, a NumPy file); the message names the file and the rule it
            breaks. The file is checked in full before anything is returned.

    >>> model.load_state_dict(minitorch.load("model.pt", map_location="cpu"))
    """
    data, name = _read_all(f)
    if data.startswith(MAGIC):
        if weights_only:
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_HELP.format(path=name))
        return _unpickle(data[len(MAGIC):], map_location, pickle_module, pickle_load_args)
    foreign = _foreign_format(data)
    if foreign is not None:
        raise CorruptFile(f"{name} {foreign}")
    arrays, meta = read_safetensors(data, name)
    mapper = _Mapper(map_location)
    if STRUCTURE_KEY not in meta:  # a plain safetensors file: a flat dict of tensors
        return OrderedDict((k, mapper(Tensor._wrap(a), "cpu")) for k, a in arrays.items())
    try:
        structure = json.loads(meta[STRUCTURE_KEY])
        return decode(structure, arrays, mapper)
    except (BadStructure, ValueError, RecursionError) as exc:  # json's errors are ValueErrors
        raise CorruptFile(f"{name}: corrupt minitorch structure metadata: "
                          f"{str(exc)[:200]}") from None


# torch.save's format before 1.6: a pickle (protocol 2) of this magic number comes first
_LEGACY_TORCH_MAGIC = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")
_SAFETENSORS_HELP = (
    "minitorch.load reads minitorch checkpoints and safetensors files only. In PyTorch, "
    "re-save the weights with safetensors (safetensors.torch.save_file(model.state_dict(), "
    "path)) and load that file.")


def _foreign_format(data):
    """Say what a file in another known format is (None: treat it as safetensors)."""
    if data.startswith(_LEGACY_TORCH_MAGIC):
        return ("is a PyTorch checkpoint in the legacy (pre-1.6, non-zip) torch.save "
                "format, a pickle that can run code when loaded. " + _SAFETENSORS_HELP)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = _zip_names(data)
        if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
            return ("looks like a PyTorch zip checkpoint (torch.save); minitorch cannot "
                    "read that format. " + _SAFETENSORS_HELP)
        if names and all(n.endswith(".npy") for n in names):
            return "is a NumPy .npz archive: read it with numpy.load."
        return "is a zip archive, not a minitorch checkpoint or safetensors file."
    if data.startswith(b"\x93NUMPY"):
        return "is a NumPy .npy file: read it with numpy.load."
    # a pickle starts with PROTO (0x80) and the protocol; as a safetensors header length
    # those bytes are only plausible in a file at least that long
    if len(data) >= 8 and data[0] == 0x80 and 2 <= data[1] <= 5 \
            and int.from_bytes(data[:8], "little") > len(data) - 8:
        return ("is a Python pickle (e.g. torch.save with an old format, or pickle.dump), "
                "which can run code when loaded and which minitorch.load does not read. "
                + _SAFETENSORS_HELP)
    return None


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:  # noqa: BLE001 (only naming the format: a broken zip is still a zip)
        return []


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
