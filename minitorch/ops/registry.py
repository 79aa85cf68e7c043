"""One declaration per public op: `@public` beside the function puts it everywhere.

    @public(method=True, inplace=True)
    def exp(input):                  # minitorch.exp, minitorch.ops.exp,
        return Exp.apply(input)      # Tensor.exp and Tensor.exp_

So adding an op touches its op module and its test spec (docs/adding_an_op.md), not lists
of names elsewhere. What stays explicit (a Tensor method in tensor_methods.py whose
signature differs from its function's, an internal name imported by hand) wins over a
declaration of the same name, and the clash goes to CLASHES, which tests/test_op_recipe.py
keeps empty.
"""
from __future__ import annotations

import importlib
import inspect

FUNCTIONS = {}  # name -> function: minitorch.<name> and minitorch.ops.<name>
METHODS = {}    # name -> the same function, as a method: x.exp() is exp(x)
INPLACE = {}    # "exp_" -> exp: x.exp_() writes exp(x) into x
CLASHES = []    # "Owner.name" where an explicit definition kept a declared name out
_homes = []     # (table, owner, make): each entry becomes owner.<name> = make(name, fn)
_placed = set()  # (owner, name) put there by this module (so not an explicit definition)


def public(fn=None, *, method=False, inplace=False, aliases=()):
    """Declare a public op function. method=True: also the Tensor method of its name
    (method="other": under that name); inplace=True: also Tensor.<name>_; aliases: more
    names for all of them (torch's `negative`, `Tensor.negative`, `negative_` for neg)."""
    def declare(fn):
        for name in (fn.__name__, *aliases):
            _add(FUNCTIONS, name, fn)
        if method:
            for name in (fn.__name__ if method is True else method, *aliases):
                _add(METHODS, name, fn)
        if inplace:
            for name in (fn.__name__, *aliases):
                _add(INPLACE, name + "_", fn)
        return fn

    return declare(fn) if fn is not None else declare


def _add(table, name, fn):
    old = table.get(name)
    # a module run again (importlib.reload) may declare anew; another module may not
    if old is not None and (old.__module__, old.__qualname__) != (fn.__module__, fn.__qualname__):
        raise ValueError(f"@public: {name!r} is declared by {old.__module__} and {fn.__module__}")
    table[name] = fn
    for home_table, owner, make in _homes:
        if home_table is table:
            _place(owner, name, make(name, fn))


def _place(owner, name, value):
    # A package's submodule of the same name (ops.matmul, the module) gives way to the
    # function, as `from .matmul import matmul` made it do; anything else is a clash.
    if (owner, name) not in _placed and hasattr(owner, name) and not (
            inspect.ismodule(getattr(owner, name))):
        CLASHES.append(f"{owner.__name__}.{name}")  # the explicit definition stays
        return
    _placed.add((owner, name))
    setattr(owner, name, value)


def _home(table, owner, make):
    """Give `owner` the table's entries now and every one declared later: an op module
    may be imported after the package (on first use, or a test's toy op)."""
    _homes.append((table, owner, make))
    for name, fn in list(table.items()):
        _place(owner, name, make(name, fn))


def export_functions(module_name):
    """At the end of a package's __init__: its namespace gets the declared functions."""
    _home(FUNCTIONS, importlib.import_module(module_name), lambda name, fn: fn)


def install_methods(cls, write_back):
    """The Tensor methods: the function itself (x.exp() calls exp(x)); an in-place one runs
    `write_back(self, fn, *args, **kwargs)`, tensor_methods._inplace."""
    def inplace_method(name, fn):
        def method(self, *args, **kwargs):
            return write_back(self, fn, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        method.__signature__ = inspect.signature(fn)  # torch's arguments, for the docs/tests
        method.__doc__ = f"In-place {fn.__name__}(): writes the result into self."
        method.declared = fn
        return method

    _home(METHODS, cls, lambda name, fn: fn)
    _home(INPLACE, cls, inplace_method)


def withdraw(fn):
    """Undo `@public` for fn everywhere (for tests that declare a toy op)."""
    for table, owner, _ in _homes:
        for name in [n for n, f in table.items() if f is fn]:
            if (owner, name) in _placed:
                _placed.discard((owner, name))
                delattr(owner, name)
    for table in (FUNCTIONS, METHODS, INPLACE):
        for name in [n for n, f in table.items() if f is fn]:
            del table[name]
