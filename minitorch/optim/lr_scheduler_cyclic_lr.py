"""CyclicLR: the lr bounces between base_lr and max_lr (torch.optim.lr_scheduler.CyclicLR).

Re-exported by `minitorch.optim.lr_scheduler`.
"""
from __future__ import annotations

import math
import types
from functools import partial

from .lr_scheduler_base import (
    LRScheduler,
    _format_param,
    _init_cycle_momentum,
    _set_group_value,
    _set_momentum,
)
from .optimizer import Optimizer


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates (Smith, 2017), stepped once per *batch*.

    Each cycle lasts step_size_up + step_size_down batches: the lr climbs linearly from
    base_lr to max_lr, then falls back. With x the position inside the cycle (0 to 1),
    ``lr = base_lr + (max_lr - base_lr) * ramp(x) * scale_fn(...)``, where the amplitude
    is scaled per mode::

        triangular    scale 1                     (cycle after cycle the same)
        triangular2   scale 1 / 2^(cycle - 1)     (halved every cycle)
        exp_range     scale gamma^iteration       (decays every batch)

    A custom `scale_fn(x)` replaces the mode; `scale_mode` says whether x is the cycle
    number ('cycle') or the batch count ('iterations'). With `cycle_momentum`, momentum
    (or Adam's beta1) moves the opposite way, from max_momentum down to base_momentum
    while the lr rises. The constructor sets each group's lr to base_lr.

    Args:
        optimizer: the wrapped optimizer.
        base_lr: the lower bound of the lr, or one per param group.
        max_lr: the upper bound (reached only with scale 1), or one per group.
        step_size_up: batches in the rising half of a cycle (default: 2000).
        step_size_down: batches in the falling half (default: step_size_up).
        mode: 'triangular', 'triangular2' or 'exp_range' (default: 'triangular').
        gamma: the base of exp_range's decay (default: 1.0).
        scale_fn: a custom amplitude scale, a function of one argument (default: None).
        scale_mode: 'cycle' or 'iterations', what scale_fn is given (default: 'cycle').
        cycle_momentum: also cycle momentum / beta1 (default: True).
        base_momentum, max_momentum: momentum bounds (default: 0.8, 0.9).
        last_epoch: index of the last batch when resuming (default: -1).

    Example:
        >>> optimizer = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> scheduler = CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=500)
        >>> for batch in loader:
        ...     train_batch(batch); optimizer.step()
        ...     scheduler.step()
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        base_lrs = _format_param("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                _set_group_value(group, "lr", lr)
        self.max_lrs = _format_param("max_lr", optimizer, max_lr)

        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size

        if mode not in ["triangular", "triangular2", "exp_range"] and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = _init_cycle_momentum(
                optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self):
        # the built-in modes fix scale_mode; a custom scale_fn keeps the one given
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref = self._triangular_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref = self._triangular2_scale_fn
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self._scale_fn_ref = partial(self._exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x):
        """The amplitude scale at x (the cycle number or the batch count)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    @staticmethod
    def _triangular_scale_fn(x):
        return 1.0

    @staticmethod
    def _triangular2_scale_fn(x):
        return 1 / (2.0 ** (x - 1))

    @staticmethod
    def _exp_range_scale_fn(gamma, x):
        return gamma ** x

    def get_lr(self):
        self._warn_if_called_outside_step()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # position in the cycle, [0, 1)
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)

        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, base_momentum, max_momentum in zip(
                    self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                momentum = max_momentum - (max_momentum - base_momentum) * scale_factor * scale
                _set_momentum(group, momentum, self.use_beta1)
        return lrs

    def state_dict(self):
        """Every attribute except the optimizer and the scale functions.

        A custom scale_fn is saved only through its __dict__ when it is a callable
        object, never as a function or lambda (as in torch), so checkpoints stay
        loadable; pass the same scale_fn to the new scheduler before loading.
        """
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None
        if fn is not None and not isinstance(fn, types.FunctionType):
            state["_scale_fn_custom"] = fn.__dict__.copy()
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        fn = state_dict.pop("_scale_fn_custom")
        super().load_state_dict(state_dict)
        if fn is not None:
            self._scale_fn_custom.__dict__.update(fn)
        self._init_scale_fn()
