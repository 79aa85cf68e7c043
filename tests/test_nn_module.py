"""nn.Module, Parameter and the containers, checked against torch.nn."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from nn_helpers import copy_state, to_mt, to_np

import minitorch
from minitorch import nn


def _both(build):
    """Build the same architecture with torch.nn and minitorch.nn."""
    return build(nn), build(torch.nn)


def _seed_cifar(lib):
    """The seed tutorials' CIFAR-10 net, built with Sequential(OrderedDict(...))."""
    return lib.Sequential(OrderedDict([
        ("conv1", lib.Conv2d(3, 32, 5, padding=2)), ("pool1", lib.MaxPool2d(2)),
        ("conv2", lib.Conv2d(32, 32, 5, padding=2)), ("pool2", lib.MaxPool2d(2)),
        ("conv3", lib.Conv2d(32, 64, 5, padding=2)), ("pool3", lib.MaxPool2d(2)),
        ("flatten", lib.Flatten()), ("fc1", lib.Linear(1024, 128)),
        ("fc2", lib.Linear(128, 10)),
    ]))


def _seed_cnn(lib):
    """Conv / BatchNorm / Dropout / ReLU, as in the CNN cookbook seed."""
    return lib.Sequential(lib.Conv2d(1, 16, 5, 1, 2), lib.BatchNorm2d(16), lib.ReLU(),
                          lib.MaxPool2d(2), lib.Dropout(0.25), lib.Flatten(),
                          lib.Linear(16 * 14 * 14, 10))


class _Net:
    """A nested model without convolutions: attribute, setattr and container children,
    a shared module and a shared parameter."""

    @staticmethod
    def build(lib):
        class Net(lib.Module):
            def __init__(self):
                super().__init__()
                self.features = lib.Sequential(lib.Linear(4, 8), lib.BatchNorm1d(8),
                                               lib.ReLU(), lib.Dropout(0.1))
                for i in range(2):
                    setattr(self, f"fc{i}", lib.Linear(8, 8))
                self.heads = lib.ModuleDict({"a": lib.Linear(8, 2), "b": lib.Linear(8, 3)})
                self.blocks = lib.ModuleList([lib.Linear(8, 8) for _ in range(3)])
                self.shared = self.fc0  # the same module under two names
                self.scale = lib.Parameter(torch.ones(1) if lib is torch.nn
                                           else minitorch.ones(1))
                self.register_buffer("steps", (torch if lib is torch.nn else minitorch)
                                     .zeros(2))
                self.register_buffer("cache", (torch if lib is torch.nn else minitorch)
                                     .zeros(2), persistent=False)

            def forward(self, x):
                x = self.features(x)
                x = self.fc1(self.fc0(x))
                for block in self.blocks:
                    x = block(x)
                return self.heads["a"](x) * self.scale

        return Net()


# ---- Parameter --------------------------------------------------------------------------------
def test_parameter_basics():
    t = minitorch.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, minitorch.Tensor) and p.requires_grad and p.is_leaf
    p.data.fill_(5.0)  # shares memory with t
    assert t[0].item() == 5.0
    assert nn.Parameter(t, requires_grad=False).requires_grad is False
    assert nn.Parameter().shape == (0,)
    with minitorch.no_grad():
        assert nn.Parameter(t).requires_grad
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([5.0, 5.0]))).replace("torch",
                                                                                    "minitorch")
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(minitorch.tensor([1, 2]))


def test_parameter_copy_and_pickle():
    p = nn.Parameter(minitorch.tensor([1.0, 2.0]))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is nn.Parameter and q.requires_grad
        np.testing.assert_array_equal(q.detach().numpy(), [1.0, 2.0])
        q.data.fill_(9.0)
        assert p[0].item() == 1.0


# ---- registration -----------------------------------------------------------------------------
def test_registration_matches_torch():
    m, t = _both(_Net.build)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    assert list(m.state_dict()) == list(t.state_dict())
    for kw in ({"prefix": "model"}, {"remove_duplicate": False}):
        assert ([n for n, _ in m.named_modules(**kw)] ==
                [n for n, _ in t.named_modules(**kw)])
        assert ([n for n, _ in m.named_parameters(**kw)] ==
                [n for n, _ in t.named_parameters(**kw)])
    assert ([n for n, _ in m.named_parameters(recurse=False)] ==
            [n for n, _ in t.named_parameters(recurse=False)])
    assert len(list(m.parameters())) == len(list(t.parameters()))
    assert len(list(m.children())) == len(list(t.children()))
    assert len(list(m.modules())) == len(list(t.modules()))


def test_setattr_rules():
    m = nn.Module()
    m.w = nn.Parameter(minitorch.zeros(2))
    assert "w" in m._parameters and "w" not in m.__dict__
    with pytest.raises(TypeError, match="cannot assign 'minitorch.FloatTensor' as parameter "
                                        "'w' \\(torch.nn.Parameter or None expected\\)"):
        m.w = minitorch.zeros(2)
    m.w = None
    assert m._parameters["w"] is None and m.w is None
    m.child = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="as child module 'child'"):
        m.child = 3
    m.register_buffer("buf", minitorch.zeros(1))
    m.buf = minitorch.ones(1)  # a buffer stays a buffer when reassigned
    assert m._buffers["buf"][0].item() == 1.0
    with pytest.raises(TypeError, match="as buffer 'buf'"):
        m.buf = 3
    m.plain = 3
    assert m.__dict__["plain"] == 3
    del m.child, m.buf, m.w, m.plain
    assert not m._modules and not m._buffers and not m._parameters
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'child'"):
        _ = m.child


def test_register_errors_match_torch():
    cases = [
        lambda lib, m: m.register_parameter("a.b", None),
        lambda lib, m: m.register_parameter("", None),
        lambda lib, m: m.register_parameter(3, None),
        lambda lib, m: m.register_buffer("a.b", None),
        lambda lib, m: m.add_module("a.b", None),
        lambda lib, m: m.add_module("", None),
        lambda lib, m: m.add_module("x", 3),
        lambda lib, m: m.register_parameter("training", None),
        lambda lib, m: m.register_buffer("forward", None),
    ]
    for case in cases:
        with pytest.raises(Exception) as ours:
            case(nn, nn.Module())
        with pytest.raises(Exception) as theirs:
            case(torch.nn, torch.nn.Module())
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value) == str(theirs.value).replace("builtins.", "")


def test_assign_before_init_and_non_leaf():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minitorch.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()
    m = nn.Module()
    x = minitorch.ones(1, requires_grad=True)
    p = nn.Parameter(minitorch.ones(1))
    p.grad_fn = (x * 2).grad_fn
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor"):
        m.register_parameter("p", p)


def test_dir_lists_children_and_parameters():
    m = nn.Sequential(nn.Linear(2, 2))
    m.extra = nn.Linear(1, 1)
    names = dir(m)
    assert "extra" in names and "forward" in names and "0" not in names
    assert "weight" in dir(nn.Linear(1, 1))


# ---- state_dict -------------------------------------------------------------------------------
def test_state_dict_shares_memory_and_is_detached():
    m = nn.Linear(3, 2)
    sd = m.state_dict()
    assert not sd["weight"].requires_grad and sd["weight"].grad_fn is None
    sd["weight"].fill_(42.0)
    assert m.weight[0, 0].item() == 42.0
    kept = m.state_dict(keep_vars=True)
    assert kept["weight"] is m.weight
    assert m.state_dict(prefix="net.").keys() == {"net.weight", "net.bias"}


def test_state_dict_keys_with_batchnorm():
    m, t = _both(lambda lib: lib.Sequential(lib.Linear(2, 3), lib.BatchNorm1d(3)))
    assert list(m.state_dict()) == list(t.state_dict())
    assert "1.num_batches_tracked" in m.state_dict()
    assert m.state_dict()["1.num_batches_tracked"].dtype == minitorch.int64


@pytest.mark.parametrize("build", [_seed_cifar, _seed_cnn])
def test_seed_networks_state_dict_and_repr(build):
    if not hasattr(nn, "Conv2d") or not hasattr(nn, "MaxPool2d"):
        pytest.skip("convolution layers not available yet")
    m, t = _both(build)
    assert list(m.state_dict()) == list(t.state_dict())
    for (k, a), b in zip(m.state_dict().items(), t.state_dict().values()):
        assert tuple(a.shape) == tuple(b.shape), k
    assert repr(m) == repr(t)


def test_repr_matches_torch_for_nested_model():
    m, t = _both(_Net.build)
    assert repr(m) == repr(t)
    m, t = _both(lambda lib: lib.ModuleList([lib.Linear(2, 2), lib.Linear(2, 2),
                                             lib.ReLU(), lib.Linear(2, 2)]))
    assert repr(m) == repr(t)
    assert repr(nn.ModuleList()) == "ModuleList()"


def test_extra_repr_custom():
    class WithExtra(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    m = nn.Sequential(WithExtra())
    tm = torch.nn.Sequential(type("WithExtra", (torch.nn.Module,),
                                  {"extra_repr": lambda self: "a=1\nb=2"})())
    assert repr(m) == repr(tm)


def test_load_state_dict_roundtrip_and_result():
    m, t = _both(_Net.build)
    copy_state(m, t)
    for (name, a), b in zip(m.state_dict().items(), t.state_dict().values()):
        np.testing.assert_array_equal(to_np(a), b.numpy(), err_msg=name)
    result = m.load_state_dict(m.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"


def _corrupt(sd, lib):
    sd = OrderedDict(sd)
    del sd["0.bias"]
    zeros = torch.zeros if lib is torch else minitorch.zeros
    sd["extra"] = zeros(1)
    sd["1.foo"] = zeros(1)
    sd["2.weight"] = zeros(1)
    sd["0.weight"] = zeros(4, 2)
    return sd


def test_load_state_dict_errors_match_torch():
    m, t = _both(lambda lib: lib.Sequential(lib.Linear(2, 3), lib.BatchNorm1d(3)))
    with pytest.raises(RuntimeError) as ours:
        m.load_state_dict(_corrupt(m.state_dict(), minitorch))
    with pytest.raises(RuntimeError) as theirs:
        t.load_state_dict(_corrupt(t.state_dict(), torch))
    assert str(ours.value) == str(theirs.value).replace("torch", "minitorch")
    sd_m = _corrupt(m.state_dict(), minitorch)
    sd_m["0.weight"] = minitorch.zeros(3, 2)
    sd_t = _corrupt(t.state_dict(), torch)
    sd_t["0.weight"] = torch.zeros(3, 2)
    assert repr(m.load_state_dict(sd_m, strict=False)) == repr(t.load_state_dict(sd_t,
                                                                                   strict=False))
    assert m[0].weight.abs().sum().item() == 0.0
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.load_state_dict([1, 2])


def test_load_old_batchnorm_checkpoint_without_num_batches_tracked():
    bn = nn.BatchNorm1d(3)
    sd = bn.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    bn.load_state_dict(sd)  # version < 2: the missing key is filled in, not an error
    sd._metadata[""]["version"] = 2
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: '
                                           '"num_batches_tracked"'):
        bn.load_state_dict(sd)


def test_load_state_dict_copies_into_existing_parameters():
    m = nn.Linear(2, 2)
    w = m.weight
    m.load_state_dict({"weight": minitorch.ones(2, 2), "bias": minitorch.zeros(2)})
    assert m.weight is w and w.sum().item() == 4.0 and w.requires_grad


# ---- modes, grads, conversion, hooks ----------------------------------------------------------
def test_train_eval_recurse():
    m = _Net.build(nn)
    assert m.training and all(c.training for c in m.modules())
    assert m.eval() is m
    assert not any(c.training for c in m.modules())
    m.train()
    assert all(c.training for c in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("yes")


def test_zero_grad_and_requires_grad():
    m = nn.Linear(3, 2)
    m(minitorch.ones(4, 3)).sum().backward()
    assert m.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert m.weight.grad.abs().sum().item() == 0.0
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_dtype_keeps_parameter_objects():
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    params = list(m.parameters())
    m(minitorch.ones(4, 3)).sum().backward()
    assert m.double() is m
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    assert all(p.dtype == minitorch.float64 for p in m.parameters())
    assert all(p.grad.dtype == minitorch.float64 for p in m.parameters())
    assert m[1].running_mean.dtype == minitorch.float64
    assert m[1].num_batches_tracked.dtype == minitorch.int64  # ints keep their dtype
    m.to(minitorch.float32)
    assert m[0].weight.dtype == minitorch.float32
    m.float()
    out = m(minitorch.ones(4, 3))
    assert out.dtype == minitorch.float32
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(minitorch.int64)
    m.to("cpu")
    m.cpu()
    m.to(minitorch.zeros(1, dtype=minitorch.float64))
    assert m[0].weight.dtype == minitorch.float64


def test_to_device(device):
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    p = m[0].weight
    m.to(device)
    assert m[0].weight is p and p.device.type == device
    assert m[1].running_var.device.type == device
    out = m(minitorch.ones(4, 3, device=device))
    assert out.device.type == device


def test_apply_and_type():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2)))
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "Linear", "Sequential", "Sequential"]


def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    post = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
    out = m(minitorch.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(
        m.bias.detach().numpy() + 1, (3, 2)))
    assert calls == [(3, 2)]
    pre.remove()
    post.remove()
    out = m(minitorch.ones(1, 2))
    np.testing.assert_allclose(out.detach().numpy(),
                               m.weight.detach().numpy().sum(1)[None] + m.bias.detach().numpy())
    kw = m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 2,), kwargs),
                                     with_kwargs=True)
    np.testing.assert_allclose(m(minitorch.ones(1, 2)).detach().numpy(),
                               m.forward(minitorch.full((1, 2), 2.0)).detach().numpy())
    kw.remove()


def test_missing_forward():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match='Module \\[NoForward\\] is missing the '
                                                  'required "forward" function'):
        NoForward()(1)


def test_module_pickles():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    m2 = pickle.loads(pickle.dumps(m))
    assert repr(m2) == repr(m) and list(m2.state_dict()) == list(m.state_dict())
    assert isinstance(m2[0].weight, nn.Parameter)
    m3 = copy.deepcopy(m)
    m3[0].weight.data.fill_(123.0)
    assert m[0].weight[0, 0].item() != 123.0


def test_get_submodule_and_parameter():
    m = nn.Sequential(OrderedDict(block=nn.Sequential(nn.Linear(2, 2))))
    assert m.get_submodule("block.0") is m.block[0]
    assert m.get_parameter("block.0.bias") is m.block[0].bias
    with pytest.raises(AttributeError):
        m.get_submodule("block.7")


# ---- containers -------------------------------------------------------------------------------
def test_sequential_indexing_and_editing():
    layers = [nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh()]
    s = nn.Sequential(*layers)
    assert len(s) == 4 and s[0] is layers[0] and s[-1] is layers[-1]
    assert list(s) == layers
    sub = s[1:3]
    assert type(sub) is nn.Sequential and list(sub) == layers[1:3]
    assert list(sub._modules) == ["1", "2"]  # slicing keeps the names, like torch
    with pytest.raises(IndexError, match="index 4 is out of range"):
        s[4]
    del s[1]
    assert list(s._modules) == ["0", "1", "2"] and s[1] is layers[2]
    s.append(nn.ReLU())
    s.insert(0, nn.Identity())
    s.extend([nn.Sigmoid()])
    assert [type(x).__name__ for x in s] == ["Identity", "Linear", "Linear", "Tanh", "ReLU",
                                             "Sigmoid"]
    s[0] = nn.Tanh()
    assert isinstance(s[0], nn.Tanh)
    del s[::2]
    assert len(s) == 3
    named = nn.Sequential(OrderedDict([("a", nn.Linear(1, 1)), ("b", nn.ReLU())]))
    assert named.a is named[0] and list(named._modules) == ["a", "b"]
    assert len(s + named) == 5 and len(named * 2) == 4
    x = minitorch.ones(2, 1)
    assert named(x).shape == (2, 1)


def test_sequential_forward_matches_torch():
    m, t = _both(lambda lib: lib.Sequential(lib.Linear(2, 10), lib.ReLU(), lib.Linear(10, 2)))
    copy_state(m, t)
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    np.testing.assert_allclose(to_np(m(to_mt(x))), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    assert len(ml) == 3 and ml[-1] is ml[2]
    ml.append(nn.ReLU()).extend([nn.Tanh()])
    ml.insert(1, nn.Sigmoid())
    assert [type(x).__name__ for x in ml] == ["Linear", "Sigmoid", "Linear", "Linear", "ReLU",
                                              "Tanh"]
    del ml[0]
    assert list(ml._modules) == [str(i) for i in range(5)]
    assert type(ml[1:]) is nn.ModuleList and len(ml[1:]) == 4
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(3)
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.ReLU()
    md.update([("c", nn.Tanh())])
    assert list(md) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert md.pop("b").__class__ is nn.ReLU and list(md.keys()) == ["a", "c"]
    owner = nn.Module()
    owner.layers = ml
    owner.heads = md
    assert len(list(owner.parameters())) == 2 * 2 + 2


def test_parameter_list_and_dict():
    pl = nn.ParameterList([nn.Parameter(minitorch.zeros(2)), minitorch.ones(3)])
    assert len(pl) == 2 and all(isinstance(p, nn.Parameter) for p in pl)
    pl.append(minitorch.zeros(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    tl = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2)), torch.ones(3),
                                 torch.zeros(1)])
    assert repr(pl) == repr(tl).replace("torch", "minitorch")
    pd = nn.ParameterDict({"a": minitorch.zeros(2)})
    pd["b"] = nn.Parameter(minitorch.ones(1))
    assert list(pd.keys()) == ["a", "b"] and isinstance(pd["a"], nn.Parameter)
    td = torch.nn.ParameterDict({"a": torch.zeros(2), "b": torch.ones(1)})
    assert repr(pd) == repr(td).replace("torch", "minitorch")


# ---- torch.nn.utils: gradient clipping ---------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, float("inf")])
@pytest.mark.parametrize("max_norm", [0.1, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (4,), (2, 2, 2)]]
    results = {}
    for lib in (minitorch, torch):
        params = [lib.zeros(g.shape, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = lib.tensor(g)
        params.append(lib.zeros(2, requires_grad=True))   # no grad: skipped, like torch
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results[lib.__name__] = (total, [p.grad for p in params[:-1]])
    (m_total, m_grads), (t_total, t_grads) = results["minitorch"], results["torch"]
    np.testing.assert_allclose(m_total.numpy(), t_total.numpy(), rtol=1e-6)
    for m_g, t_g in zip(m_grads, t_grads):
        assert m_g.dtype == minitorch.float32
        np.testing.assert_allclose(m_g.numpy(), t_g.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_value_and_nonfinite_norm_match_torch():
    clipped = []
    for lib in (minitorch, torch):
        p = lib.zeros(3, requires_grad=True)
        p.grad = lib.tensor([-2.0, 0.05, float("inf")])
        with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients "
                                               "from `parameters` is non-finite"):
            lib.nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
        lib.nn.utils.clip_grad_value_([p], 0.1)
        clipped.append((p.grad.tolist(), float(lib.nn.utils.clip_grad_norm_([], 1.0))))
    assert clipped[0] == clipped[1]
