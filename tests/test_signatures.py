"""Every function and Tensor method minitorch shares with torch takes torch's arguments.

The names come from `torch.overrides.get_testing_overrides()`, which lists every public
torch function and Tensor method (with a lambda in its Python signature). For each one that
minitorch also has, in `minitorch`, `minitorch.Tensor`, `minitorch.nn.functional`,
`minitorch.nn.init`, `minitorch.linalg`, `minitorch.special` and `minitorch.fft` (those
present), `inspect.signature` of ours must accept every torch parameter:

- positional parameters at torch's position, with torch's name (a method's `self` aside),
  and positional where torch's are, keyword-only where torch's are;
- a varargs form (`view(*shape)`) stands in for torch's positional `shape` only when the
  keyword is accepted too (a keyword-only parameter of that name, or `**kwargs`);
- torch's defaults, where both are plain values (ours may give a default where torch has
  none: one Python signature serves several of torch's overloads);
- no extra required parameter.

Which signature is torch's: a Python function's own (`inspect.signature` of torch's
function, e.g. most of `torch.nn.functional`); for a builtin, its ATen schemas, one per
overload (`self` read as `input` for functions, as torch's binding does; out= overloads
left out), ours matching any one; the override lambda only where there is no schema (the
lambdas are hand-written and some are stale: `topk`'s has `descending=`, `add`'s no
`alpha`). Defaults compare where both are plain values, None and () aside.

`out=` is left out of the comparison as a rule: minitorch has no out= tensors outside the
random creation functions (a known gap, counted by `test_report`). Deliberate or
not-yet-fixed differences are in KNOWN, each with its reason; a listed name that starts
to match fails the test, so the list stays exact.
"""
import inspect
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch

# the Tensor methods this file adds tests for (test_op_registry reads this)
COVERED = {"Tensor.isclose", "Tensor.logical_xor"}

NAMESPACES = [
    ("", torch, minitorch),
    ("Tensor.", torch.Tensor, minitorch.Tensor),
    ("nn.functional.", torch_F, minitorch.nn.functional),
    ("nn.init.", torch.nn.init, minitorch.nn.init),
    ("linalg.", torch.linalg, getattr(minitorch, "linalg", None)),
    ("special.", torch.special, getattr(minitorch, "special", None)),
    ("fft.", torch.fft, getattr(minitorch, "fft", None)),
]

# name -> why ours differs from torch's signature (kept exact by test_known_list_is_exact)
NO_MEMORY_FORMAT = "no memory formats (one strided layout): no memory_format="
LIKE = "dtype/device positional, not keyword-only; no layout=, pin_memory=, memory_format="
SECTIONS = "one indices_or_sections parameter; torch's overloads name it sections= or indices="
VARARGS = "only as varargs or one tuple: the keyword form ({}=...) is not accepted"
NAMED_A = "first parameter named A (torch's docs); torch's binding calls it input"
KNOWN = {
    **dict.fromkeys(["clone", "Tensor.bool", "Tensor.byte", "Tensor.char", "Tensor.double",
                     "Tensor.float", "Tensor.half", "Tensor.int", "Tensor.long",
                     "Tensor.short"], NO_MEMORY_FORMAT),
    **dict.fromkeys(["empty_like", "ones_like", "zeros_like", "full_like"], LIKE),
    **dict.fromkeys(["dsplit", "hsplit", "vsplit", "tensor_split", "Tensor.tensor_split"],
                    SECTIONS),
    "reshape": VARARGS.format("shape"), "Tensor.reshape": VARARGS.format("shape"),
    "permute": VARARGS.format("dims"), "Tensor.permute": VARARGS.format("dims"),
    "Tensor.view": VARARGS.format("size") + "; no view(dtype)",
    "Tensor.expand": VARARGS.format("size"), "Tensor.repeat": VARARGS.format("repeats"),
    "Tensor.tile": VARARGS.format("dims"), "Tensor.sum_to_size": VARARGS.format("size"),
    **dict.fromkeys(["gather", "Tensor.gather"], "no sparse tensors: no sparse_grad="),
    **dict.fromkeys(["norm", "Tensor.norm"], "no dtype= (torch.norm is deprecated)"),
    "split": "first parameter named input; torch.split's (a Python function) is tensor",
    "Tensor.__repr__": "no tensor_contents= (torch-internal, for tensor subclasses)",
    "Tensor.type": "no non_blocking= (copies are synchronous)",
    "Tensor.pin_memory": "no pinned memory: pin_memory() is a no-op, without device=",
    "Tensor.uniform_": "bounds named a, b as in nn.init.uniform_; torch's: from (a Python "
                       "keyword, so positional in practice) and to",
    **dict.fromkeys(["linalg.cholesky", "linalg.eigh", "linalg.eigvalsh",
                     "linalg.solve_triangular"], NAMED_A),
    **dict.fromkeys(["linalg.matrix_norm", "linalg.norm"], NAMED_A + "; no dtype="),
    "linalg.svdvals": "no driver= (a cuSOLVER choice)",
    "linalg.vector_norm": "first parameter named x (torch's docs); torch accepts input= too",
}

POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
PLAIN = (type(None), bool, int, float, str, tuple, list)


def _shared_names():
    """(qualified name, torch object, override lambda, minitorch object) for each shared name."""
    overrides = torch.overrides.get_testing_overrides()
    by_id = {id(fn): lam for fn, lam in overrides.items()}
    rows = []
    for prefix, torch_ns, mini_ns in NAMESPACES:
        if mini_ns is None:
            continue
        for name in dir(torch_ns):
            torch_obj = inspect.getattr_static(torch_ns, name, None)
            if isinstance(torch_obj, (staticmethod, classmethod)):
                torch_obj = torch_obj.__func__
            lam = by_id.get(id(getattr(torch_ns, name, None)), by_id.get(id(torch_obj)))
            if lam is None or not hasattr(mini_ns, name):
                continue
            ours = inspect.getattr_static(mini_ns, name)
            if isinstance(ours, (staticmethod, classmethod)):
                ours = ours.__func__
            if isinstance(ours, property) or not callable(ours):
                continue  # a property where torch has one too (checked by the protocol tests)
            rows.append((prefix + name, getattr(torch_ns, name), lam, ours))
    return rows


def _schema_signatures(qualname, torch_obj):
    """torch's ATen schemas for a builtin, as Python signatures (out= overloads left out)."""
    name = qualname.rsplit(".", 1)[-1]
    ns = qualname.split(".")[0] if "." in qualname and not qualname.startswith("Tensor.") else ""
    op = {"linalg": "linalg_", "special": "special_", "fft": "fft_"}.get(ns, "") + name
    is_method = qualname.startswith("Tensor.")
    sigs = []
    for schema in torch._C._jit_get_schemas_for_operator("aten::" + op):
        if any(arg.is_out for arg in schema.arguments):
            continue
        params = []
        if any(not arg.name.isidentifier() or arg.name in ("from", "lambda")
               for arg in schema.arguments):
            continue  # a keyword Python cannot spell (`from`): torch binds it as `from_`
        for arg in schema.arguments:
            pname = "input" if arg.name == "self" and not is_method else arg.name
            kind = (inspect.Parameter.KEYWORD_ONLY if arg.kwarg_only
                    else inspect.Parameter.POSITIONAL_OR_KEYWORD)
            default = arg.default_value if arg.has_default_value() else inspect.Parameter.empty
            if isinstance(default, list):
                default = tuple(default)
            param = inspect.Parameter(pname, kind, default=default)
            if is_method and arg.name == "self":
                params.insert(0, param)  # `x.where(cond, y)`: where(condition, self, other)
            else:
                params.append(param)
        try:
            sigs.append(inspect.Signature(params))
        except ValueError:  # a schema whose defaults Python cannot order (not a binding)
            pass
    return sigs


def torch_signatures(qualname, torch_obj, lam):
    """The signatures torch accepts for this name (see the module docstring)."""
    if inspect.isfunction(inspect.unwrap(torch_obj)):
        return [inspect.signature(torch_obj)]
    return _schema_signatures(qualname, torch_obj) or [inspect.signature(lam)]


def _same_default(a, b):
    """Defaults compare where both are plain values. None and () stand for "the default"
    in one signature or the other (nan_to_num's nan=None is 0.0; roll's dims=() is None),
    and conv's stride=(1, 1) is stride=1 written out per dim."""
    if not (isinstance(a, PLAIN) and isinstance(b, PLAIN)) or None in (a, b) or () in (a, b):
        return True  # torch.strided, torch.preserve_format, ...: not comparable
    if isinstance(a, (list, tuple)) != isinstance(b, (list, tuple)):
        seq, num = (a, b) if isinstance(a, (list, tuple)) else (b, a)
        return all(v == num for v in seq)
    if isinstance(a, (list, tuple)):
        return tuple(a) == tuple(b)
    if isinstance(a, bool) != isinstance(b, bool):
        return False  # 1 == True in Python, not in a signature
    return a == b


def mismatch(theirs, ours, is_method, is_dunder=False):
    """Why `ours` does not accept `theirs` (torch's), or None when it does.

    A dunder's positional names are nobody's keywords (`x.__pow__(exponent=2)`): only
    their count and defaults are compared.
    """
    t_params = [p for p in theirs.parameters.values() if p.name != "out"
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    o_params = list(ours.parameters.values())
    o_pos = [p for p in o_params if p.kind in POSITIONAL]
    o_varargs = next((p for p in o_params if p.kind == p.VAR_POSITIONAL), None)
    o_varkw = any(p.kind == p.VAR_KEYWORD for p in o_params)
    o_by_name = {p.name: p for p in o_params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    matched = set()
    t_pos = [p for p in theirs.parameters.values() if p.kind in POSITIONAL]
    t_varargs = any(p.kind == p.VAR_POSITIONAL for p in theirs.parameters.values())
    for p in t_params:
        if p.kind in POSITIONAL and p.name != "out":
            i = t_pos.index(p)
            if i < len(o_pos):
                mine = o_pos[i]
                if not (i == 0 and is_method) and not is_dunder and mine.name != p.name:
                    return f"positional {i} is {mine.name!r}, torch's is {p.name!r}"
            elif o_varargs is not None:
                mine = o_by_name.get(p.name)
                if mine is None and not o_varkw:
                    return f"{p.name!r} only as *{o_varargs.name}, not as a keyword"
                if mine is None:
                    continue
            else:
                mine = o_by_name.get(p.name)
                if mine is None and o_varkw:
                    continue
                if mine is None:
                    return f"no parameter {p.name!r}"
                return f"{p.name!r} is keyword-only, torch's is positional"
        else:
            mine = o_by_name.get(p.name)
            if mine is None:
                if o_varkw:
                    continue
                return f"no parameter {p.name!r}"
            if mine.kind in POSITIONAL:
                return f"{p.name!r} is positional, torch's is keyword-only"
        matched.add(mine.name)
        if p.default is not p.empty:
            if mine.default is mine.empty:
                return f"{p.name!r} has no default, torch's is {p.default!r}"
            if not _same_default(p.default, mine.default):
                return f"{p.name!r} defaults to {mine.default!r}, torch's to {p.default!r}"
    for i, p in enumerate(o_params):
        if (p.name not in matched and p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                and not (i == 0 and is_method) and not (t_varargs and p.kind in POSITIONAL)):
            return f"extra required parameter {p.name!r}"
    return None


def check(qualname, torch_obj, lam, ours):
    """None when ours accepts one of torch's signatures, else a description of the gap."""
    is_method = qualname.startswith("Tensor.")
    try:
        our_sig = inspect.signature(ours)
    except (TypeError, ValueError):
        return "ours has no Python signature"
    theirs = torch_signatures(qualname, torch_obj, lam)
    reasons = []
    for sig in theirs:
        why = mismatch(sig, our_sig, is_method, qualname.endswith("__"))
        if why is None:
            return None
        reasons.append(f"{why} (torch {sig})")
    return f"ours {our_sig}: " + "; ".join(dict.fromkeys(reasons))


SHARED = _shared_names()


@pytest.mark.parametrize("qualname,torch_obj,lam,ours", SHARED, ids=[r[0] for r in SHARED])
def test_signature_matches_torch(qualname, torch_obj, lam, ours):
    why = check(qualname, torch_obj, lam, ours)
    if qualname in KNOWN:
        assert why is not None, f"{qualname} now matches torch: remove it from KNOWN"
        pytest.xfail(KNOWN[qualname])
    assert why is None, f"{qualname}: {why}"


def test_known_list_is_exact():
    """Every KNOWN name is one this test checks (a removed or renamed name leaves the list)."""
    assert set(KNOWN) <= {row[0] for row in SHARED}, set(KNOWN) - {row[0] for row in SHARED}


def test_report():
    """The coverage figures quoted in the README: names checked, listed, without out=."""
    without_out = [q for q, t, lam, ours in SHARED
                   if "out" in inspect.signature(lam).parameters
                   and "out" not in inspect.signature(ours).parameters]
    assert len(SHARED) > 600  # the comparison really walks torch's API
    print(f"\n{len(SHARED)} names checked, {len(KNOWN)} listed in KNOWN, "
          f"{len(without_out)} lack torch's out=")


# ---- arguments torch refuses: a number where it takes only tensors -----------------------------
def same_outcome(fn, what):
    """fn(lib) on minitorch and torch: the same exception type and message, or the same
    dtype and values."""
    results = []
    for lib in (minitorch, torch):
        try:
            out = fn(lib)
            results.append(("value", str(out.dtype).rpartition(".")[2], out.tolist())
                           if hasattr(out, "dtype") else ("value", out))
        except Exception as exc:  # noqa: BLE001 -- the exception is what we compare
            results.append((type(exc).__name__, str(exc)))
    assert results[0] == results[1], f"{what}: minitorch {results[0]} / torch {results[1]}"


NUMBERS = [2, 2.5, True, np.float64(2.0), np.int64(2), np.bool_(True), np.float32(1.5)]
TENSOR_ONLY = ["maximum", "minimum", "logical_and", "logical_or", "logical_xor", "isclose",
               "allclose", "equal"]
SCALAR_SECOND = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less_equal"]


@pytest.mark.parametrize("name", TENSOR_ONLY + SCALAR_SECOND)
def test_number_operand_errors_as_torch(name):
    """`torch.maximum(2, x)`, `torch.eq(2, x)`, `x.isclose(1.0)`...: torch's TypeError (type
    and message) for a Python or NumPy number, or a NumPy array, on the side it refuses;
    the same result where it takes one (`torch.eq(x, 2)`)."""
    operands = NUMBERS + [np.array([1.0, 2.0])]
    for value in operands:
        def first(lib, value=value):
            return getattr(lib, name)(value, lib.tensor([1.0, 2.0]))

        def second(lib, value=value):
            return getattr(lib, name)(lib.tensor([1.0, 2.0]), value)

        same_outcome(first, f"{name}({value!r}, x)")
        if not isinstance(value, np.ndarray) or name in TENSOR_ONLY:  # eq(x, array): #13
            same_outcome(second, f"{name}(x, {value!r})")
        if name in TENSOR_ONLY and hasattr(torch.Tensor, name):
            same_outcome(lambda lib, value=value: getattr(lib.tensor([1.0]), name)(value),
                         f"x.{name}({value!r})")


@pytest.mark.parametrize("name", ["isclose", "allclose", "equal"])
def test_closeness_of_two_dtypes_as_torch(name):
    """isclose/allclose compare in one dtype (torch: "Float did not match Long"); equal
    compares values across dtypes."""
    for a, b in [("float32", "int64"), ("int64", "float64"), ("float32", "float64"),
                 ("int32", "int32"), ("bool", "bool")]:
        def run(lib, a=a, b=b):
            return getattr(lib, name)(lib.ones(2, dtype=getattr(lib, a)),
                                      lib.ones(2, dtype=getattr(lib, b)))

        same_outcome(run, f"{name}({a}, {b})")


def test_isclose_and_logical_xor_methods_match_torch():
    """The method forms torch has beside the functions: same values."""
    a, b = [1.0, 2.0, 0.0, float("nan")], [1.0 + 1e-9, 2.1, 0.0, float("nan")]
    same_outcome(lambda lib: lib.tensor(a).isclose(lib.tensor(b)), "x.isclose(y)")
    same_outcome(lambda lib: lib.tensor(a).isclose(lib.tensor(b), equal_nan=True),
                 "x.isclose(y, equal_nan=True)")
    same_outcome(lambda lib: lib.tensor(a).logical_xor(lib.tensor(b) > 1), "x.logical_xor(m)")


def test_lerp_number_operands_as_torch():
    same_outcome(lambda lib: lib.lerp(2, lib.ones(2), 0.5), "lerp(2, x, 0.5)")
    same_outcome(lambda lib: lib.lerp(lib.ones(2), 2, 0.5), "lerp(x, 2, 0.5)")


# ---- add/sub's alpha: torch's checks against the result dtype ----------------------------------
ALPHAS = [2, -1, 0, 0.5, 2.0, True, False, np.float64(0.5), np.int64(2), np.int64(-3),
          np.bool_(True), np.float32(1.5)]
ALPHA_CALLS = {
    "add": lambda L, x, y, a: L.add(x, y, alpha=a),
    "sub": lambda L, x, y, a: L.sub(x, y, alpha=a),
    "subtract": lambda L, x, y, a: L.subtract(x, y, alpha=a),
    "Tensor.add": lambda L, x, y, a: x.add(y, alpha=a),
    "Tensor.sub": lambda L, x, y, a: x.sub(y, alpha=a),
    "add_": lambda L, x, y, a: x.clone().add_(y, alpha=a),
    "sub_": lambda L, x, y, a: x.clone().sub_(y, alpha=a),
}
ALPHA_DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("call", list(ALPHA_CALLS))
def test_alpha_rules_as_torch(call):
    """"For integral input tensors, argument alpha must not be a floating point number",
    "Boolean alpha only supported for Boolean results", an in-place op's cast check first;
    and alpha never changes the result dtype (np.float64(0.5) keeps float32) and wraps in
    integer math as torch's does (uint8: alpha=-1). Every tensor dtype, with a tensor or a
    Python number as `other`."""
    fn = ALPHA_CALLS[call]
    for dtype, other, alpha in itertools.product(ALPHA_DTYPES, ALPHA_DTYPES[:1] + [
            "uint8", "int64", "float32", 3, 2.5], ALPHAS):
        def run(lib, dtype=dtype, other=other, alpha=alpha):
            x = (lib.arange(4) % 3).to(getattr(lib, dtype))
            y = (lib.arange(4) % 2 + 1).to(getattr(lib, other)) if isinstance(other, str) \
                else other
            return fn(lib, x, y, alpha)

        same_outcome(run, f"{call} {dtype} tensor, other {other!r}, alpha={alpha!r}")


@pytest.mark.parametrize("alpha", [0.5, np.float64(-1.5), np.int64(3), 2])
def test_alpha_gradients_match_torch(alpha):
    """d/dother = alpha * grad (sub: -alpha) in float64, with a random upstream gradient."""
    rng = np.random.default_rng(0)
    a, b, g = (rng.standard_normal((3, 4)) for _ in range(3))
    for name in ("add", "sub"):
        grads = []
        for lib in (minitorch, torch):
            x = lib.tensor(a, requires_grad=True)
            y = lib.tensor(b, requires_grad=True)
            out = getattr(lib, name)(x, y, alpha=alpha)
            out.backward(lib.tensor(g))
            grads.append((out.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
        for mine, ref in zip(*grads):
            np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=0)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_value_cast_as_torch(name):
    """addcmul/addcdiv cast `value` to the result dtype (an int tensor truncates 0.5 to 0)
    instead of refusing it like alpha; addcdiv refuses two integer tensors."""
    for dtype, other, value in itertools.product(
            ["int64", "uint8", "bool", "float32", "float64"], ["int64", "float32"],
            [0.5, True, 2, -1, np.float64(1.5)]):
        def run(lib, dtype=dtype, other=other, value=value):
            x = lib.ones(3, dtype=getattr(lib, dtype))
            y = lib.full((3,), 2, dtype=getattr(lib, other))
            return getattr(lib, name)(x, y, y, value=value)

        same_outcome(run, f"{name} {dtype} input, {other} tensors, value={value!r}")
