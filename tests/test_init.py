"""nn.init and the layers' default initialisation, against torch's formulas.

Random draws differ from torch's streams, so distributions are compared: exact bounds for
uniform inits, and the sample std within a tolerance that shrinks with the sample size
(the std of a sample std is about std / sqrt(2 n); we allow 6 of those)."""
import math

import numpy as np
import pytest
import torch
from nn_helpers import to_np

import minitorch
from minitorch import nn
from minitorch.nn import init


def _std_close(values, expected_std):
    n = values.size
    assert abs(values.std() - expected_std) <= 6 * expected_std / math.sqrt(2 * n)


def _uniform_ok(values, bound):
    assert values.min() >= -bound and values.max() <= bound
    # U(-b, b) has std b / sqrt(3); a wrong bound (e.g. a missing sqrt) fails this
    _std_close(values, bound / math.sqrt(3))


@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu", None),
    ("conv_transpose2d", None)])
def test_calculate_gain(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(
        nonlinearity, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5, 5), (2, 6, 3), (4, 2, 1, 1, 2)])
def test_fan_in_and_fan_out(shape):
    ours = init._calculate_fan_in_and_fan_out(minitorch.empty(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(minitorch.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(minitorch.empty(*shape), mode="fan_avg")


@pytest.mark.parametrize("dtype", [minitorch.float32, minitorch.float64])
@pytest.mark.parametrize("shape", [(64, 100), (32, 16, 3, 3)])
def test_init_functions(shape, dtype):
    t = minitorch.empty(*shape, dtype=dtype)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)

    def run(fn, *args, **kwargs):
        out = fn(t, *args, **kwargs)
        assert out is t and t.dtype == dtype and not t.requires_grad
        return to_np(t).astype(np.float64)

    _uniform_ok(run(init.uniform_, -0.3, 0.3), 0.3)
    values = run(init.normal_, 1.0, 0.2)
    assert abs(values.mean() - 1.0) < 6 * 0.2 / math.sqrt(values.size)
    _std_close(values, 0.2)
    _uniform_ok(run(init.xavier_uniform_, 2.0), 2.0 * math.sqrt(6.0 / (fan_in + fan_out)))
    _std_close(run(init.xavier_normal_), math.sqrt(2.0 / (fan_in + fan_out)))
    _uniform_ok(run(init.kaiming_uniform_, a=math.sqrt(5)), 1 / math.sqrt(fan_in))
    _uniform_ok(run(init.kaiming_uniform_, mode="fan_out", nonlinearity="relu"),
                math.sqrt(6.0 / fan_out))
    _std_close(run(init.kaiming_normal_, nonlinearity="relu"), math.sqrt(2.0 / fan_in))
    _std_close(run(init.kaiming_normal_, a=0.1, mode="fan_out"),
               math.sqrt(2.0 / (1 + 0.01)) / math.sqrt(fan_out))
    values = run(init.trunc_normal_, 0.5, 1.0, -1.0, 2.0)
    assert values.min() >= -1.0 and values.max() <= 2.0 and values.std() > 0.5
    assert (run(init.constant_, 0.25) == 0.25).all()
    assert (run(init.zeros_) == 0).all() and (run(init.ones_) == 1).all()


def test_init_works_on_parameters_without_recording_grad():
    p = nn.Parameter(minitorch.empty(5, 4))
    init.kaiming_uniform_(p, a=math.sqrt(5))
    init.zeros_(p)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


def test_eye_dirac_orthogonal_match_torch():
    for shape in [(3, 5), (4, 4), (5, 2)]:
        np.testing.assert_array_equal(to_np(init.eye_(minitorch.empty(*shape))),
                                      torch.nn.init.eye_(torch.empty(*shape)).numpy())
    for shape, groups in [((4, 2, 3, 3), 1), ((6, 3, 3), 2), ((4, 4, 1, 3, 3), 1)]:
        np.testing.assert_array_equal(
            to_np(init.dirac_(minitorch.empty(*shape), groups)),
            torch.nn.init.dirac_(torch.empty(*shape), groups).numpy())
    for shape in [(6, 3), (3, 6), (4, 2, 2)]:
        q = to_np(init.orthogonal_(minitorch.empty(*shape, dtype=minitorch.float64),
                                   gain=2.0)).reshape(shape[0], -1)
        small = min(q.shape)
        gram = q @ q.T if q.shape[0] == small else q.T @ q
        np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-10)


def test_zero_element_kaiming_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(minitorch.empty(0, 3))


# ---- default initialisation of the layers ----
@pytest.mark.parametrize("in_f,out_f", [(1000, 300), (20, 4000)])
def test_linear_default_init_bounds(in_f, out_f):
    m = nn.Linear(in_f, out_f)
    bound = 1 / math.sqrt(in_f)
    _uniform_ok(to_np(m.weight).astype(np.float64), bound)
    b = to_np(m.bias).astype(np.float64)
    assert b.min() >= -bound and b.max() <= bound
    t = torch.nn.Linear(in_f, out_f)  # torch's samples obey the same bound and spread
    _uniform_ok(t.weight.detach().numpy().astype(np.float64), bound)
    assert m.weight.dtype == minitorch.float32 and m.bias.dtype == minitorch.float32


def test_bilinear_and_prelu_and_norm_defaults():
    m = nn.Bilinear(50, 40, 30)
    _uniform_ok(to_np(m.weight).astype(np.float64), 1 / math.sqrt(50))
    assert (to_np(nn.PReLU(3).weight) == 0.25).all()
    bn = nn.BatchNorm2d(4)
    assert (to_np(bn.weight) == 1).all() and (to_np(bn.bias) == 0).all()
    assert (to_np(bn.running_mean) == 0).all() and (to_np(bn.running_var) == 1).all()
    assert bn.num_batches_tracked.item() == 0
    ln = nn.LayerNorm(6)
    assert (to_np(ln.weight) == 1).all() and (to_np(ln.bias) == 0).all()


def test_embedding_default_is_standard_normal():
    m = nn.Embedding(500, 64)
    values = to_np(m.weight).astype(np.float64)
    assert abs(values.mean()) < 6 / math.sqrt(values.size)
    _std_close(values, 1.0)


def test_initialisation_follows_manual_seed():
    minitorch.manual_seed(7)
    a = to_np(nn.Linear(5, 5).weight).copy()
    minitorch.manual_seed(7)
    np.testing.assert_array_equal(a, to_np(nn.Linear(5, 5).weight))
