"""What torchvision's builders share: the `weights=` check and the name registry.

Pretrained weights are downloaded from the internet by torchvision; minitorch never
downloads, so any `weights` but None (or `pretrained=True`) is refused with a way out.
"""
from __future__ import annotations

_BUILDERS = {}


def register_model(fn):
    """Record a builder under its function name, for get_model and list_models."""
    _BUILDERS[fn.__name__] = fn
    return fn


def check_weights(name, weights, kwargs):
    """Raise unless the model is to be randomly initialized; drop `pretrained=False`."""
    pretrained = kwargs.pop("pretrained", False)  # torchvision's deprecated spelling
    if weights is None and not pretrained:
        return
    asked = weights if weights is not None else "pretrained=True"
    raise ValueError(
        f"minitorch.vision.models.{name}: weights={asked!r} cannot be used: minitorch does "
        "not download pretrained weights. Build the model with weights=None, then load "
        "weights saved elsewhere, e.g. torchvision's state_dict written with "
        "safetensors.torch.save_file(...) and read with model.load_state_dict("
        "minitorch.load(path)).")


def overwrite_named_param(kwargs, param, new_value):
    """Set a width the builder fixes (ResNeXt's groups); a different one is an error."""
    if param in kwargs and kwargs[param] != new_value:
        raise ValueError(f"The parameter '{param}' expected value {new_value} but got "
                         f"{kwargs[param]} instead.")
    kwargs[param] = new_value


def get_model(name, **config):
    """Build a model by name: get_model("resnet18", num_classes=10)."""
    if name.lower() not in _BUILDERS:
        raise ValueError(f"Unknown model {name}")
    return _BUILDERS[name.lower()](**config)


def list_models():
    """The names get_model accepts, sorted."""
    return sorted(_BUILDERS)
