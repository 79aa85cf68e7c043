"""torch.nn: Module, Parameter, the layers, `functional` and `init`.

Every layer class defined in nn/modules/ (and listed in nn/modules/__init__.py) is
re-exported here, so `nn.Linear`, `nn.Conv2d`, ... work as in torch.
"""
from . import functional, init  # noqa: F401
from .module import Module  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import Parameter  # noqa: F401
