"""minitorch.optim: optimizers and learning-rate schedules, with torch.optim's names.

    optimizer.py      Optimizer (param groups, state, zero_grad, state_dict)
    sgd.py adam.py adamw.py rmsprop.py adagrad.py adadelta.py adamax.py nadam.py radam.py
    asgd.py rprop.py lbfgs.py   one algorithm per file
    lr_scheduler.py   StepLR, CosineAnnealingLR, ReduceLROnPlateau, OneCycleLR, ...
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
           "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS",
           "lr_scheduler"]
