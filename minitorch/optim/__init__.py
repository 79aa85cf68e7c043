"""minitorch.optim: optimizers and learning-rate schedules, with torch.optim's names.

    optimizer.py      Optimizer (param groups, state, zero_grad, state_dict)
    sgd.py adam.py adamw.py rmsprop.py adagrad.py adadelta.py   one algorithm per file
    lr_scheduler.py   StepLR, CosineAnnealingLR, ReduceLROnPlateau, OneCycleLR, ...
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
           "lr_scheduler"]
