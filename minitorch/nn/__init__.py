"""torch.nn: Module, Parameter, the layers, `functional`, `init` and `parallel`.

Every layer class defined in nn/modules/ (and listed in nn/modules/__init__.py) is
re-exported here, so `nn.Linear`, `nn.Conv2d`, ... work as in torch.
"""
import sys as _sys

from . import functional as functional
from . import init as init
from . import parallel as parallel
from . import utils as utils
from .module import Module as Module
from .modules import *  # noqa: F403  (every layer class)
from .parallel import DataParallel as DataParallel
from .parameter import Parameter as Parameter

# the star import also exports nn.modules' own submodule `utils` (_pair, ...): undo that
utils = _sys.modules[__name__ + ".utils"]  # noqa: F811
