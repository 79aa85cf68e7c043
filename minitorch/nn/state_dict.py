"""Module.state_dict / load_state_dict, kept apart from module.py for size.

Keys are dotted paths ("features.conv1.weight"); values are detached Tensors sharing
memory with the parameters and persistent buffers, exactly like torch.
"""
from __future__ import annotations

import contextvars
import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ..autograd import grad_mode
from ..tensor import Tensor


def typename(obj):
    """torch.typename: 'minitorch.FloatTensor' for tensors, the qualified name otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        module = type(obj).__module__ or ""
        qualname = type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


# (parameter, value) copies that load_state_dict makes only once every key has validated
_PENDING_COPIES = contextvars.ContextVar("minitorch_pending_state_copies", default=None)


def _copy_into(param, value):
    with grad_mode.no_grad():
        param.copy_(value)


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it could not match."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class StateDictMixin:
    """state_dict() and load_state_dict() for Module."""

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()

    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of every parameter and persistent buffer, by dotted name.

        A module reachable under two names appears under both (no dedup, like torch)."""
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = {"version": self._version}
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                              missing_keys, unexpected_keys, error_msgs):
        persistent = {k: v for k, v in self._buffers.items()
                      if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(),
                                                        persistent.items())
                       if v is not None}
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}")
                continue
            # checkpoints from torch 0.3 stored scalars as 1-element vectors
            if param.dim() == 0 and value.dim() == 1 and value.shape[0] == 1:
                value = value[0]
            if value.shape != param.shape:
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} "
                    f"from checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                # cast and move now, so that the deferred copy_ below cannot fail
                if value.dtype != param.dtype or value.device != param.device:
                    value = value.to(device=param.device, dtype=param.dtype)
            except Exception as ex:  # noqa: BLE001 (torch reports any copy error)
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the '
                    f"model are {param.size()} and whose dimensions in the checkpoint are "
                    f"{value.size()}, an exception occurred : {ex.args}.")
                continue
            pending = _PENDING_COPIES.get()
            if pending is None:  # called on its own, outside load_state_dict: copy now
                _copy_into(param, value)
            else:
                pending.append((param, value))
        if strict:
            for key in state_dict:
                if not key.startswith(prefix):
                    continue
                parts = key[len(prefix):].split(".", 1)
                if len(parts) > 1:
                    if parts[0] not in self._modules:
                        unexpected_keys.append(key)
                elif parts[0] not in local_state:
                    unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values from `state_dict` into this module's parameters and buffers.

        Args:
            state_dict (dict): from `state_dict()` (of this or an identical model).
            strict (bool): raise on missing or unexpected keys. Default: True.
            assign (bool): accepted for torch compatibility; values are always copied.

        Returns:
            NamedTuple ``(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: listing missing/unexpected keys and size mismatches (torch's
                type and message).

        Unlike torch, a load is all-or-nothing: every key is validated (shapes, types,
        missing and unexpected keys under `strict`) before any value is copied, so a load
        that raises leaves every parameter and buffer as it was. torch copies each
        matching key as it goes and can leave a model half-loaded.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True,
                                         missing_keys, unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state = {k: v for k, v in local_state_dict.items()
                                   if k.startswith(child_prefix)}
                    load(child, child_state, child_prefix)

        pending = []
        token = _PENDING_COPIES.set(pending)
        try:
            load(self, state_dict)
        finally:
            _PENDING_COPIES.reset(token)
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(error_msgs)))
        for param, value in pending:
            _copy_into(param, value)
        return _IncompatibleKeys(missing_keys, unexpected_keys)
