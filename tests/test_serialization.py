"""minitorch.save / minitorch.load: safetensors layout, pickle safety, atomic writes."""
import collections
import io
import os
import pickle

import numpy as np
import pytest
import safetensors.numpy
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch
from minitorch import backend, serialization, serialization_format
from minitorch.serialization import load, save

ALL_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
              "bool"]


def make_tensor(name, shape, seed=0):
    rng = np.random.default_rng(seed)
    arr = (rng.standard_normal(shape) * 50).astype(np.dtype(name)) if name != "bool" \
        else rng.random(shape) > 0.5
    return minitorch.from_numpy(arr)


def assert_same_tensor(a, b):
    assert isinstance(a, minitorch.Tensor) and isinstance(b, minitorch.Tensor)
    assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def checkpoint():
    model = collections.OrderedDict(
        [(f"layer.{name}", make_tensor(name, (3, 2), i)) for i, name in enumerate(ALL_DTYPES)])
    model["scalar"] = minitorch.tensor(3.5)
    model["empty"] = minitorch.zeros(0, 4)
    model["transposed"] = make_tensor("float32", (4, 3)).t()  # non-contiguous
    optim_state = {
        "state": {0: {"step": minitorch.tensor(7.0), "exp_avg": make_tensor("float32", (3,)),
                      "momentum_buffer": None}},
        "param_groups": [{"params": [0, 1], "lr": 1e-3, "betas": (0.9, 0.999),
                          "amsgrad": False, "eps": float("inf"), "name": "main"}],
    }
    return {"epoch": 4, "loss": float("nan"), "model": model, "optimizer": optim_state,
            "history": [0.5, 0.25], "array": np.arange(5, dtype=np.int32),
            "dtype": minitorch.float64, "note": None}


def test_nested_checkpoint_round_trip(tmp_path):
    ck = checkpoint()
    save(ck, tmp_path / "ck.pt")
    back = load(tmp_path / "ck.pt")
    assert back["epoch"] == 4 and np.isnan(back["loss"]) and back["note"] is None
    assert back["history"] == [0.5, 0.25] and back["dtype"] is minitorch.float64
    np.testing.assert_array_equal(back["array"], ck["array"])
    assert back["array"].dtype == np.int32
    assert type(back["model"]) is collections.OrderedDict
    assert list(back["model"]) == list(ck["model"])
    for key, value in ck["model"].items():
        assert_same_tensor(back["model"][key], value)
    opt = back["optimizer"]
    assert list(opt["state"]) == [0] and opt["state"][0]["momentum_buffer"] is None
    assert_same_tensor(opt["state"][0]["step"], ck["optimizer"]["state"][0]["step"])
    assert opt["param_groups"] == ck["optimizer"]["param_groups"]
    assert isinstance(opt["param_groups"][0]["betas"], tuple)


def test_loaded_tensors_are_independent_and_writable(tmp_path):
    save({"w": minitorch.ones(3)}, tmp_path / "w.pt")
    w = load(tmp_path / "w.pt")["w"]
    w.add_(1.0)
    assert np.asarray(w).tolist() == [2.0, 2.0, 2.0]


def test_requires_grad_and_parameters_survive(tmp_path):
    from minitorch.nn.parameter import Parameter

    obj = {"p": Parameter(minitorch.ones(2)), "t": minitorch.zeros(2).requires_grad_()}
    save(obj, tmp_path / "p.pt")
    back = load(tmp_path / "p.pt")
    assert isinstance(back["p"], Parameter) and back["p"].requires_grad
    assert back["t"].requires_grad and back["t"].is_leaf


def test_safetensors_reads_our_state_dict(tmp_path):
    sd = collections.OrderedDict((f"w.{n}", make_tensor(n, (2, 3), i))
                                 for i, n in enumerate(ALL_DTYPES))
    save(sd, tmp_path / "model.safetensors")
    theirs = safetensors.numpy.load_file(str(tmp_path / "model.safetensors"))
    assert sorted(theirs) == sorted(sd)
    for key, value in sd.items():
        np.testing.assert_array_equal(theirs[key], np.asarray(value))
        assert theirs[key].dtype == np.asarray(value).dtype
    # nested checkpoints are valid safetensors too, with dotted names
    save(checkpoint(), tmp_path / "ck.pt")
    names = safetensors.numpy.load_file(str(tmp_path / "ck.pt"))
    assert "optimizer.state.0.exp_avg" in names and "model.layer.float32" in names


def test_we_read_plain_safetensors_files(tmp_path):
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, 2])}
    safetensors.numpy.save_file(arrays, str(tmp_path / "plain.safetensors"))
    back = load(tmp_path / "plain.safetensors")
    assert sorted(back) == ["a", "b"]
    np.testing.assert_array_equal(np.asarray(back["a"]), arrays["a"])


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    save({"x": minitorch.arange(4)}, buf)
    buf.seek(0)
    assert np.asarray(load(buf)["x"]).tolist() == [0, 1, 2, 3]
    with open(tmp_path / "f.pt", "wb") as f:
        save([minitorch.ones(1), "s"], f)
    with open(tmp_path / "f.pt", "rb") as f:
        back = load(f)
    assert back[1] == "s" and np.asarray(back[0]).tolist() == [1.0]


def test_a_crash_during_the_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    save({"w": minitorch.zeros(3), "b": minitorch.zeros(1)}, path)
    before = path.read_bytes()
    calls = []

    def exploding(array):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real(array)

    real = serialization_format.tensor_bytes
    monkeypatch.setattr(serialization_format, "tensor_bytes", exploding)
    with pytest.raises(OSError, match="simulated"):
        save({"w": minitorch.ones(3), "b": minitorch.ones(1)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.pt"]  # the temporary file was removed
    assert np.asarray(load(path)["w"]).tolist() == [0.0, 0.0, 0.0]


class Net:
    """A plain Python object: needs the pickle format."""

    def __init__(self):
        self.weight = minitorch.ones(2, 2)
        self.name = "net"


def test_whole_objects_need_weights_only_false(tmp_path):
    save(Net(), tmp_path / "net.pt")
    with pytest.raises(pickle.UnpicklingError, match="weights_only"):
        load(tmp_path / "net.pt")
    net = load(tmp_path / "net.pt", weights_only=False, map_location="cpu")
    assert isinstance(net, Net) and net.name == "net"
    assert_same_tensor(net.weight, minitorch.ones(2, 2))


def test_whole_module_round_trip_when_nn_is_available(tmp_path):
    nn = pytest.importorskip("minitorch.nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("nn.Linear not available yet")
    model = nn.Linear(3, 2)
    save(model, tmp_path / "m.pt")
    back = load(tmp_path / "m.pt", weights_only=False)
    assert_same_tensor(back.weight, model.weight)
    save(model.state_dict(), tmp_path / "sd.pt")
    fresh = nn.Linear(3, 2)
    fresh.load_state_dict(load(tmp_path / "sd.pt"))
    assert_same_tensor(fresh.bias, model.bias)


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def test_a_malicious_pickle_is_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    path.write_bytes(serialization.MAGIC + pickle.dumps(Evil(str(marker))))
    with pytest.raises(pickle.UnpicklingError):
        load(path)
    assert not marker.exists()
    # a bare pickle (no magic) is not a safetensors file either: rejected, not run
    path.write_bytes(pickle.dumps(Evil(str(marker))))
    with pytest.raises(RuntimeError):
        load(path)
    assert not marker.exists()


def _write_with_device(path, obj, device):
    header, arrays = serialization_format.encode(obj)
    meta = header["__metadata__"]
    meta[serialization.STRUCTURE_KEY] = meta[serialization.STRUCTURE_KEY].replace(
        '"device":"cpu"', f'"device":"{device}"')
    with open(path, "wb") as f:
        serialization_format.write_safetensors(f, header, arrays)


def test_map_location(tmp_path):
    path = tmp_path / "cuda.pt"
    _write_with_device(path, {"w": minitorch.ones(2)}, "cuda:0")
    for where in ("cpu", minitorch.device("cpu"), {"cuda:0": "cpu"}, lambda t, loc: t):
        w = load(path, map_location=where)["w"]
        assert w.device == minitorch.device("cpu")
        assert np.asarray(w).tolist() == [1.0, 1.0]
    seen = []
    load(path, map_location=lambda t, loc: seen.append(loc) or t)
    assert seen == ["cuda:0"]
    if not backend.cuda_available():
        with pytest.raises(RuntimeError, match="map_location"):
            load(path)
        with pytest.raises(RuntimeError, match="CUDA"):
            load(tmp_path / "cuda.pt", map_location="cuda")
    with pytest.raises(TypeError):
        load(path, map_location=3.5)


@pytest.mark.skipif(not backend.cuda_available(), reason="needs a GPU")
def test_map_location_cuda(tmp_path):
    save({"w": minitorch.ones(2)}, tmp_path / "w.pt")
    w = load(tmp_path / "w.pt", map_location="cuda")["w"]
    assert w.device.type == "cuda"
    save({"w": w}, tmp_path / "g.pt")
    assert load(tmp_path / "g.pt")["w"].device.type == "cuda"
    assert load(tmp_path / "g.pt", map_location="cpu")["w"].device.type == "cpu"


def test_corrupt_and_truncated_files_raise_clear_errors(tmp_path):
    good = tmp_path / "good.pt"
    save({"w": minitorch.ones(100)}, good)
    raw = good.read_bytes()
    cases = {"empty": b"", "short": raw[:5], "truncated": raw[:-8],
             "garbage": b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!",
             "huge header": b"\xff" * 8 + b"{}"}
    for name, blob in cases.items():
        (tmp_path / "bad.pt").write_bytes(blob)
        with pytest.raises(RuntimeError) as info:
            load(tmp_path / "bad.pt")
        assert "bad.pt" in str(info.value), name


def test_saving_into_a_missing_directory_raises_like_torch(tmp_path):
    import torch

    path = tmp_path / "checkpoints" / "epoch_1.pt"  # seed 004 saves to ./my_module/...
    with pytest.raises(RuntimeError) as ours:
        minitorch.save(minitorch.ones(2), path)
    with pytest.raises(RuntimeError) as theirs:
        torch.save(torch.ones(2), path)
    assert str(ours.value) == str(theirs.value)
    assert not (tmp_path / "checkpoints").exists()


def test_pytorch_zip_checkpoints_get_an_explanation(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(RuntimeError, match="PyTorch zip checkpoint"):
        load(tmp_path / "torch.pt")


# ---- property test: any nested state-dict-like structure round-trips --------------------

_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
).map(lambda a: minitorch.from_numpy(np.asarray(np.nan_to_num(a), dtype=a.dtype)))
_leaves = (st.none() | st.booleans() | st.integers(-2**62, 2**62)
           | st.floats(allow_nan=False) | st.text(max_size=5) | _arrays)
_trees = st.recursive(
    _leaves,
    lambda kids: (st.lists(kids, max_size=3) | st.lists(kids, max_size=3).map(tuple)
                  | st.dictionaries(st.text(max_size=4) | st.integers(0, 9), kids,
                                    max_size=3)),
    max_leaves=8)


def _equal(a, b):
    if isinstance(a, minitorch.Tensor):
        assert_same_tensor(b, a)
    elif isinstance(a, dict):
        assert type(b) is type(a) and list(b) == list(a)
        for k in a:
            _equal(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(b) is type(a) and len(a) == len(b)
        for x, y in zip(a, b):
            _equal(x, y)
    else:
        assert type(b) is type(a) and b == a


@given(_trees)
def test_any_nested_structure_round_trips(tree):
    buf = io.BytesIO()
    save(tree, buf)
    assert not buf.getvalue().startswith(serialization.MAGIC)  # no pickle needed
    _equal(tree, load(io.BytesIO(buf.getvalue())))
