"""DataParallel: torch's wrapper, as it behaves on one device.

Tutorials wrap a model in `nn.DataParallel(model)` and then save `model.state_dict()`,
whose keys gain the `module.` prefix; checkpoints written that way must load here.
torch splits each batch over several GPUs; minitorch runs the whole batch on the first
of `device_ids` (a warning says so when more are given), which is torch's own path for
one GPU, and on a machine without a GPU it simply calls the module, as torch does.
"""
from __future__ import annotations

import warnings

from ... import backend, cuda
from ...tensor import Tensor
from ..module import Module


def _device_index(dev) -> int:
    """torch's _get_device_index: 0, "cuda:1" or device("cuda", 1) -> an ordinal."""
    return dev if isinstance(dev, int) else (backend.as_device(dev).index or 0)


def _move(obj, dev):
    """Tensors, also inside tuples, lists and dicts, moved to `dev` (torch's scatter
    with one device, or gather to output_device)."""
    if isinstance(obj, Tensor):
        return obj.to(dev)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_move(item, dev) for item in obj)
    if isinstance(obj, dict):
        return {key: _move(value, dev) for key, value in obj.items()}
    return obj


class DataParallel(Module):
    """Run `module` on the GPU given first in `device_ids` (torch.nn.DataParallel).

    Args:
        module (Module): the model; it is registered as `self.module`.
        device_ids (list of int or device): GPUs to use; default all. Only the first
            runs the batch here. Ignored without a GPU.
        output_device (int or device): where outputs go; default device_ids[0].
        dim (int): the batch dimension torch would split (kept for compatibility).

    >>> model = nn.DataParallel(Net())
    >>> model.state_dict().keys()     # 'module.fc.weight', ...
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.dim = dim
        if not cuda.is_available():  # torch: no accelerator -> a plain pass-through
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        if output_device is None:
            output_device = device_ids[0]
        self.device_ids = [_device_index(d) for d in device_ids]
        self.output_device = _device_index(output_device)
        self.src_device_obj = backend.device("cuda", self.device_ids[0])
        if len(self.device_ids) > 1:
            warnings.warn("minitorch's DataParallel runs the whole batch on "
                          f"cuda:{self.device_ids[0]}; it does not split it over "
                          f"device_ids={self.device_ids}.", stacklevel=2)
        else:
            self.module.to(self.src_device_obj)  # as torch does for a single device

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(
                    f"module must have its parameters and buffers on device "
                    f"{self.src_device_obj} (device_ids[0]) but found one of them on "
                    f"device: {t.device}")
        outputs = self.module(*_move(inputs, self.src_device_obj),
                              **_move(kwargs, self.src_device_obj))
        return _move(outputs, backend.device("cuda", self.output_device))


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """`module(*inputs, **module_kwargs)` run as DataParallel runs it, without keeping a
    wrapper (torch.nn.parallel.data_parallel). A non-tuple `inputs` is one argument.
    Unlike the DataParallel class, torch's function needs a GPU, and so does this."""
    if not cuda.is_available():
        raise RuntimeError("device type could not be determined")
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    wrapper = DataParallel(module, device_ids, output_device, dim)
    return wrapper(*inputs, **(module_kwargs or {}))
