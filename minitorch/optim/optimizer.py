"""Optimizer: the base class of every algorithm in `minitorch.optim` (torch.optim's twin).

An optimizer holds
  param_groups  a list of dicts; each has 'params' (a list of leaf Tensors) and the
                hyperparameters for them ('lr', 'momentum', ...), defaults filled in
  state         a dict keyed by the parameter Tensor itself with per-parameter buffers
                (momentum, running averages, 'step')
  defaults      the hyperparameters given to the constructor

`Optimizer.step` is the loop every algorithm shares (skip parameters without a gradient,
create the state on the first step, count steps); a subclass fills in `_init_state` and
`_update`, which updates the raw array `p._data` in place from the gradient's array with
`xp = backend.array_module(p._data)` operations, so one body runs on NumPy and CuPy and no
autograd graph is recorded (LBFGS, which re-evaluates the closure, keeps its own step).
Hyperparameters enter as Python floats, which keeps float32 parameters float32 (a NumPy
float64 scalar would promote them).

`state_dict()` uses torch's layout: 'state' is keyed by the integer index of each
parameter in order of appearance across the groups, and each group's 'params' is a list
of those indices.
"""
from __future__ import annotations

import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import backend, dtypes
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor


class _RequiredParameter:
    """Singleton marking a hyperparameter that every param group must give (torch's `required`)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of Tensors, or of dicts defining parameter groups (each
            with a 'params' entry and optional per-group hyperparameters).
        defaults: the hyperparameters used by groups that do not set them.

    Example:
        >>> opt = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {params.type()}")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ---- pickling (torch.save(optimizer)) ---------------------------------------------
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    # options torch added after an optimizer first shipped: a checkpoint saved before them
    # lacks these keys, so __setstate__ fills them in (subclasses list theirs)
    _defaults_for_old_checkpoints = {}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for group in self.param_groups:
            for key, value in self._defaults_for_old_checkpoints.items():
                group.setdefault(key, value)
        # torch keeps 'step' as a tensor; accept plain numbers from older checkpoints
        for param_state in self.state.values():
            if isinstance(param_state, dict) and "step" in param_state:
                if not isinstance(param_state["step"], Tensor):
                    param_state["step"] = _step_tensor(float(param_state["step"]))

    def __repr__(self):
        # torch's layout: each group starts on a new line, so groups are blank-line separated
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- groups -----------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a dict of parameters (and hyperparameters) as a new group, e.g. to unfreeze layers.

        Args:
            param_group: a dict with 'params' (a Tensor or an ordered collection of
                Tensors) and optional hyperparameters; missing ones come from `defaults`.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list "
                "instead.")
        else:
            params = list(params)
        # named_parameters() gives (name, tensor) pairs; torch keeps the names in the group
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some "
                                 "param names are missing")
            param_group["param_names"] = names
        param_group["params"] = params

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params "
                                f"is {type(p).__module__}.{type(p).__name__}")
            if not (p.is_leaf or getattr(p, "_retains_grad", False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for "
                "more information", stacklevel=3)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- gradients ---------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Reset the gradients: set `.grad` to None (default) or fill it with zeros.

        With None, a parameter that gets no gradient before the next `step()` is skipped
        by the optimizer; a zero gradient still takes a step (momentum, weight decay).
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad = False
                    p.grad._data[...] = 0
                    p.grad._version[0] += 1

    # ---- the update: one loop for every algorithm --------------------------------------
    # Subclasses fill in three hooks (DeZero's update_one, torch's per-parameter loop):
    #   _group_hyper(group)                 the group's hyperparameters as Python floats,
    #                                       read once per group (floats keep float32 float32)
    #   _init_state(p, state, group)        the buffers of a parameter's first step
    #   _update(p, grad, state, hyper, step)  one parameter's update, in place on p._data
    _counts_steps = True  # state['step'] first, as torch (SGD keeps no step count)

    def step(self, closure=None):
        """Update the parameters once from their `.grad`; returns `closure()`'s loss if given.

        Parameters whose grad is None are skipped (zero_grad sets them to None); the
        state is created on a parameter's first step and 'step' counted before `_update`.
        """
        loss = self._evaluate_closure(closure)
        # an inf or NaN gradient makes inf/NaN parameters silently in torch; NumPy would
        # warn in the divisions and square roots of the update (the closure runs outside:
        # the user's own NumPy code keeps its warnings)
        with backend.ignore_float_errors(np):
            for group in self.param_groups:
                hyper = self._group_hyper(group)
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self._state_for(p, group)
                    step = _increment_step(state) if self._counts_steps else None
                    self._update(p, p.grad._data, state, hyper, step)
                    if state and p not in self.state:
                        self.state[p] = state  # SGD without momentum keeps none, as torch
                    _bump_version(p)
        return loss

    def _state_for(self, p, group):
        """p's state dict, created (with 'step' = 0) on its first step."""
        state = self.state.get(p)  # .get: the defaultdict must not grow empty entries
        if not state:
            state = {} if state is None else state
            if self._counts_steps:
                state["step"] = _step_tensor(0.0)
            self._init_state(p, state, group)
        return state

    def _group_hyper(self, group):
        return group

    def _init_state(self, p, state, group):
        pass

    def _update(self, p, grad, state, hyper, step):
        raise NotImplementedError

    def _evaluate_closure(self, closure):
        # step() itself records no graph (it works on raw arrays); the closure re-runs
        # the model and its backward, so it needs grad mode on even inside no_grad
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ---- state dict --------------------------------------------------------------------
    def state_dict(self):
        """The optimizer's state as `{'state': {index: {...}}, 'param_groups': [...]}`.

        Parameters are replaced by their index in order of appearance across groups;
        the state buffers are the live tensors (as in torch), so save or copy the result.
        """
        index_of = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        packed_state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Load a state saved by `state_dict()` (or torch's layout with minitorch tensors).

        Buffers are copied and cast to their parameter's device and (floating) dtype;
        'step' is kept as it is. Hyperparameters come from the saved groups.

        All-or-nothing (torch's errors, stricter timing): the saved groups are checked
        against `param_groups` and the new state is built in full before anything is
        assigned, so a load that raises leaves the optimizer as it was.

        Raises:
            ValueError: the group count or a group's size differs (torch's messages).
        """
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't "
                             "match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = _cast_state(param, value)
            else:
                state[key] = value
        for key, param_state in list(state.items()):  # __setstate__'s step fix, done early
            if isinstance(param_state, dict) and "step" in param_state \
                    and not isinstance(param_state["step"], Tensor):
                step = _step_tensor(float(param_state["step"]))
                state[key] = {**param_state, "step": step}  # the caller's dict stays as is
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        # nothing has changed until here: everything that can raise has run
        self.__setstate__({"state": state, "param_groups": saved_groups})


# ---- helpers shared by the algorithms -------------------------------------------------
def _cast_state(param, value, key=None):
    """Deep-copy a loaded state value; tensors go to the parameter's device (and dtype).

    Like torch, floating buffers take the parameter's dtype and 'step' keeps its own.
    Unlike torch, tensors are always copied, so two optimizers never share a buffer.
    """
    if isinstance(value, Tensor):
        array = value._data
        if key == "step":
            return Tensor._wrap(array.copy())
        array = backend.move(array, param.device)
        if param.is_floating_point() and array.dtype.kind == "f":
            return Tensor._wrap(array.astype(param._data.dtype, copy=True))
        return Tensor._wrap(array.copy())
    if isinstance(value, dict):
        return {k: _cast_state(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


def _step_tensor(value=0.0):
    """torch keeps the step count as a 0-d CPU tensor of the default float dtype."""
    np_dtype = np.float64 if dtypes.get_default_dtype() is dtypes.float64 else np.float32
    return Tensor._wrap(np.array(value, dtype=np_dtype))


def _increment_step(state):
    """Add one to state['step'] in place and return the new count as a Python float."""
    step = state["step"]
    if isinstance(step, Tensor):
        step._data += 1
        return float(step._data)
    state["step"] = step + 1
    return float(state["step"])


def _lerp_(start, end, weight):
    """start += weight * (end - start) in place, with torch's two-branch formula.

    torch switches to `end - (end - start) * (1 - weight)` for weight >= 0.5, which is
    exact at weight == 1; following it keeps float64 results equal to torch's to the ulp.
    """
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1.0 - weight)


def _check_not_negative(value, what):
    """Raise torch's ``ValueError: Invalid <what>: <value>`` unless 0 <= value (NaN fails)."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_not_differentiable(differentiable):
    """Refuse differentiable=True: minitorch does not record optimizer steps in autograd."""
    if differentiable:
        raise NotImplementedError("minitorch optimizers do not support differentiable=True")


def _check_adam_args(lr, betas, eps, weight_decay):
    """The constructor checks shared by the Adam family (Adam, Adamax, NAdam, RAdam)."""
    _check_not_negative(lr, "learning rate")
    _check_not_negative(eps, "epsilon value")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    _check_not_negative(weight_decay, "weight_decay value")


def _zeros_state(p):
    """A zero buffer shaped, typed and placed like the parameter (a state entry)."""
    return Tensor._wrap(backend.array_module(p._data).zeros_like(p._data))


def _update_grad(p, *, maximize, weight_decay):
    """The gradient an update follows: -grad when maximizing, plus the L2 term weight_decay * p.

    A new array whenever it differs from p.grad, so the caller may not write into it.
    """
    grad = -p.grad._data if maximize else p.grad._data
    if weight_decay != 0:
        grad = grad + weight_decay * p._data
    return grad


def _apply_weight_decay(param, grad, *, lr, weight_decay, decoupled):
    """Weight decay as L2 in the gradient (returned), or decoupled: param *= 1 - lr*wd.

    Decoupled decay (AdamW, Loshchilov & Hutter) shrinks the weights directly, so the
    decay is not rescaled by the adaptive denominator as the L2 gradient term would be.
    """
    if weight_decay != 0:
        if decoupled:
            param *= 1.0 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    return grad


def _hyper(value):
    """A hyperparameter as a Python float (a 1-element Tensor lr is allowed, as in torch)."""
    if isinstance(value, Tensor):
        return float(value.item())
    return float(value)


def _bump_version(p):
    # in-place change of a parameter: backward through a graph that saved it must fail
    p._version[0] += 1
