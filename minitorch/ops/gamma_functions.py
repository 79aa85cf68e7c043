"""The gamma family and its neighbours: lgamma, digamma, polygamma, mvlgamma;
sinc, signbit; the aliases absolute, positive. (i0 and i1 are in bessel.py.)

NumPy has none of these special functions. The array-level ones (`lgamma_array(xp, x)`,
...; the distributions use them too) follow the recipes of torch's CPU kernels (ATen's
Math.h, from Cephes), so they give torch's numbers, including where those are only
approximate (torch's trigamma truncates its series at ~1e-9 relative) or conventional
(inf at the poles, NaN at -inf). All run on NumPy or CuPy arrays, in the input's dtype.

    lgamma'  = digamma = polygamma(0, .)     polygamma(n, .)' = polygamma(n + 1, .)
"""
from __future__ import annotations

import math
import numbers

from .. import backend, dtypes
from ..autograd.function import Op
from . import unary
from .comparison import Predicate, where
from .registry import public
from .unary import _float

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# Stirling: lgamma(z) = (z - 1/2) log z - z + log(2 pi)/2 + sum B_2k / (2k (2k-1) z^(2k-1))
_LGAMMA_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)


def _horner(coefs, w):
    """coefs[0] + coefs[1] w + coefs[2] w^2 + ... (lowest power first)."""
    out = coefs[-1] + 0 * w
    for c in coefs[-2::-1]:
        out = out * w + c
    return out


# ---- lgamma: x >= 8 by the recurrence Gamma(x + 1) = x Gamma(x), then Stirling ---------------
def _lgamma_positive(xp, x):
    small = x < 8
    z = xp.where(small, x + 8, x)
    product = x + 0 * x  # x (x+1) ... (x+7): < 16**8, so no overflow
    for k in range(1, 8):
        product = product * (x + k)
    stirling = ((z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI
                + _horner(_LGAMMA_SERIES, 1 / (z * z)) / z)
    return stirling - xp.where(small, xp.log(xp.where(small, product, 1)), 0)


def lgamma_array(xp, x):
    """log|Gamma(x)|, to ~1e-15; +inf at 0, the negative integers and +-inf (torch's).
    Computed in float64 (torch's float32 lgammaf is correctly rounded: lgamma(2) is 0)."""
    dtype, x = x.dtype, x.astype(xp.float64, copy=False)
    with backend.ignore_float_errors(xp):  # the unused branch may divide by 0
        reflect = x < 0.5
        positive = _lgamma_positive(xp, xp.where(reflect, 1 - x, x))
        # Gamma(x) Gamma(1 - x) = pi / sin(pi x); x - round(x) is exact, pi x is not
        sin = xp.abs(xp.sin(math.pi * (x - xp.round(x))))
        out = xp.where(reflect, math.log(math.pi) - xp.log(sin) - positive, positive)
        out = xp.where((x == 1) | (x == 2), 0, out)  # exact zeros, as torch's
        return xp.where(xp.isinf(x), math.inf, out).astype(dtype, copy=False)


# ---- digamma (torch's calc_digamma): x >= 10 by psi(x) = psi(x + 1) - 1/x, then the series ----
_PSI_10 = 2.25175258906672110764
_DIGAMMA_SERIES = (8.33333333333333333333e-2, -2.10927960927960927961e-2,
                   7.57575757575757575758e-3, -4.16666666666666666667e-3,
                   3.96825396825396825397e-3, -8.33333333333333333333e-3,
                   8.33333333333333333333e-2)[::-1]


def _digamma_positive(xp, x):
    out = xp.zeros_like(x)
    for _ in range(10):  # torch's `while (x < 10)`: at most 10 steps for x > 0
        below = x < 10
        out = out - xp.where(below, 1 / x, 0)
        x = xp.where(below, x + 1, x)
    w = 1 / (x * x)
    series = xp.where(x < 1e17, w * _horner(_DIGAMMA_SERIES, w), 0)
    return xp.where(x == 10, out + _PSI_10, out + xp.log(x) - 0.5 / x - series)


def digamma_array(xp, x):
    """d/dx lgamma(x); -inf at +0, +inf at -0, NaN at the negative integers and -inf."""
    with backend.ignore_float_errors(xp):
        reflect = x < 0
        positive = _digamma_positive(xp, xp.where(reflect, 1 - x, x))
        # psi(1 - x) - psi(x) = pi / tan(pi x), from x's fractional part in float64 (as
        # torch: in float32, tan near its poles would lose digits)
        r = (x - xp.trunc(x)).astype(xp.float64, copy=False)
        cot = (math.pi / xp.tan(math.pi * r)).astype(x.dtype, copy=False)
        out = xp.where(reflect, positive - cot, positive)
        out = xp.where(x == 0, xp.copysign(math.inf, -x), out)
        return xp.where(reflect & (x == xp.trunc(x)), math.nan, out).astype(x.dtype, copy=False)


def _trigamma(xp, x):
    """polygamma(1, x) as torch computes it: reflection by sin(pi x) below 1/2, six steps of
    the recurrence, then four terms of the series (so ~1e-9 relative, torch's value)."""
    with backend.ignore_float_errors(xp):
        reflect = x < 0.5
        sin = xp.sin(math.pi * x)
        out = xp.where(reflect, -(math.pi * math.pi) / (sin * sin), 0)
        x = xp.where(reflect, 1 - x, x)
        for _ in range(6):
            out = out + 1 / (x * x)
            x = x + 1
        w = 1 / (x * x)
        out = out + (1 + 1 / (2 * x) + w * (1 / 6 - w * (1 / 30 - w * (1 / 42)))) / x
        return xp.where(reflect, -out, out).astype(x.dtype, copy=False)


# ---- polygamma(n >= 2): (-1)**(n+1) n! zeta(n + 1, x), the Hurwitz zeta of Cephes ------------
_MACHEP = 1.11022302462515654042e-16
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta_positive(xp, s, q):
    """sum_k (q + k)**-s for q > 0 and an integer s >= 3 (a Python float): ten terms, then
    Euler-Maclaurin; like Cephes, an element stops once its next term is below MACHEP."""
    total, done, b = q**-s, xp.zeros(q.shape, dtype=bool), 0 * q
    for k in range(1, 10):
        b = xp.where(done, b, (q + k) ** -s)
        total = xp.where(done, total, total + b)
        done = done | ((-_MACHEP * total < b) & (b < _MACHEP * total))
    w = q + 9
    total = xp.where(done, total, total + b * w / (s - 1) - 0.5 * b)
    a = 1.0
    for i in range(12):
        a *= s + 2 * i
        b = b / w
        t = a * b / _ZETA_A[i]
        total = xp.where(done, total, total + t)
        done = done | (xp.abs(t / total) < _MACHEP)
        a *= s + 2 * i + 1
        b = b / w
    return total


def _cot_derivative(n):
    """Integer coefficients (lowest power first) of P with d^n/dy^n cot(y) = P(cot y):
    P_0 = c, P_{k+1} = -(1 + c^2) P_k'."""
    p = [0, 1]
    for _ in range(n):
        dp = [k * p[k] for k in range(1, len(p))] + [0, 0]
        p = [-(dp[k] + (dp[k - 2] if k >= 2 else 0)) for k in range(len(dp))]
    return p


def _cot_pi(xp, x):
    """cot(pi x), accurate also near the half-integers, where 1 / tan(pi x) is not 0:
    with r = x - round(x) (exact), -tan(pi (r -+ 1/2)) when |r| > 1/4."""
    r = x - xp.round(x)
    far = r - xp.copysign(0.5, r)
    return xp.where(xp.abs(r) <= 0.25, 1 / xp.tan(math.pi * r), -xp.tan(math.pi * far))


def polygamma_array(xp, n, x):
    """The n-th derivative of digamma. Negative non-integers reflect:
    psi_n(x) = (-1)**n psi_n(1 - x) - pi**(n+1) P_n(cot(pi x))."""
    if n == 0:
        return digamma_array(xp, x)
    if n == 1:
        return _trigamma(xp, x)
    with backend.ignore_float_errors(xp):
        sign = 1 if n % 2 else -1
        reflect = x < 0
        factorial = math.factorial(n) if n <= 170 else math.inf  # torch: exp(lgamma(n + 1))
        positive = sign * factorial * _zeta_positive(
            xp, n + 1.0, xp.where(reflect, 1 - x, x))
        cot = _cot_pi(xp, x)
        reflected = (-1) ** n * positive - math.pi ** (n + 1) * _horner(_cot_derivative(n), cot)
        out = xp.where(reflect, reflected, positive)
        pole = (x <= 0) & (x == xp.floor(x))  # 0, -0, the negative integers and -inf
        return xp.where(pole, sign * math.inf, out).astype(x.dtype, copy=False)



def sinc_array(xp, x):
    """sin(pi x) / (pi x), 1 at 0."""
    with backend.ignore_float_errors(xp):
        product = math.pi * x
        return xp.where(x == 0, 1, xp.sin(product) / product).astype(x.dtype, copy=False)


# ---- the ops ---------------------------------------------------------------------------------
class Lgamma(Op):
    """out = log|Gamma(x)|;  d/dx = digamma(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return lgamma_array(backend.array_module(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * digamma_array(backend.array_module(x), x)

    @staticmethod
    def backward_graph(ctx, grad, x):
        return grad * Digamma.apply(x)


class Digamma(Op):
    """out = digamma(x);  d/dx = polygamma(1, x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return digamma_array(backend.array_module(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _trigamma(backend.array_module(x), x)

    @staticmethod
    def backward_graph(ctx, grad, x):
        return grad * Polygamma.apply(x, 1)


class Polygamma(Op):
    """out = polygamma(n, x);  d/dx = polygamma(n + 1, x)."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return polygamma_array(backend.array_module(x), n, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * polygamma_array(backend.array_module(x), ctx.n + 1, x)

    @staticmethod
    def backward_graph(ctx, grad, x, n):
        return grad * Polygamma.apply(x, n + 1)


def _mvlgamma_args(xp, x, p):
    """x - (p-1)/2, ..., x - 1/2, x along a new last axis (torch's arange of halves)."""
    return x[..., None] + (xp.arange(p, dtype=x.dtype) - (p - 1)) / 2


class Mvlgamma(Op):
    """out = p(p-1)/4 log(pi) + sum_i lgamma(x - i/2), i < p;  d/dx = sum_i digamma(x - i/2)."""

    @staticmethod
    def forward(ctx, x, p):
        xp = backend.array_module(x)
        ctx.save_for_backward(x)
        ctx.p = p
        out = lgamma_array(xp, _mvlgamma_args(xp, x, p)).sum(-1)
        return out + p * (p - 1) * math.log(math.pi) * 0.25

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(x)
        return grad * digamma_array(xp, _mvlgamma_args(xp, x, ctx.p)).sum(-1)

    @staticmethod
    def backward_graph(ctx, grad, x, p):
        # x + offset, as torch: -0.0 + 0.0 is +0.0 (digamma -inf), -0.0 - 0.0 is -0.0 (+inf)
        return grad * sum(Digamma.apply(x + (i - (p - 1)) / 2) for i in range(p))


def _sinc_grad(x, grad, sin, cos, where):
    """torch's sinc_backward: grad (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 where
    pi x^2 == 0; on arrays or Tensors (sin, cos, where of either)."""
    pi_x, pi_x2 = x * math.pi, x * x * math.pi
    return where(pi_x2 == 0, 0.0, grad * (pi_x * cos(pi_x) - sin(pi_x)) / pi_x2)


class Sinc(Op):
    """out = sin(pi x) / (pi x), 1 at 0;  d/dx = (cos(pi x) - out) / x, 0 at 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sinc_array(backend.array_module(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = backend.array_module(x)
        return _sinc_grad(x, grad, xp.sin, xp.cos, xp.where).astype(grad.dtype, copy=False)

    @staticmethod
    def backward_graph(ctx, grad, x):
        return _sinc_grad(x, grad, lambda t: t.sin(), lambda t: t.cos(), where)


# ---- the public functions: integers are first cast to the default float dtype (torch) ---------
@public(method=True, inplace=True)
def lgamma(input):
    """log|Gamma(x)|, elementwise (inf at 0 and the negative integers)."""
    return Lgamma.apply(_float(input))


@public(method=True, inplace=True)
def digamma(input):
    """The logarithmic derivative of Gamma, d/dx lgamma(x)."""
    return Digamma.apply(_float(input))


@public  # Tensor.polygamma(n) and polygamma_(n) are in tensor_methods.py: n comes first here
def polygamma(n, input):
    """The n-th derivative of digamma (n = 0: digamma itself)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(_float(input), int(n))


@public(method=True, inplace=True)
def mvlgamma(input, p):
    """The multivariate log-gamma of dimension p: p(p-1)/4 log(pi) + sum_{i<p} lgamma(x - i/2)."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return Mvlgamma.apply(_float(input), int(p))


@public(method=True, inplace=True)
def sinc(input):
    """The normalized sinc, sin(pi x) / (pi x), and 1 at 0."""
    return Sinc.apply(_float(input))


@public(method=True)
def signbit(input):
    """True where the sign bit is set: x < 0, and -0.0 (no gradient)."""
    return Predicate.apply(input, "signbit")


@public(method=True, inplace=True)
def absolute(input):
    """|x|, elementwise: torch's alias of abs."""
    return unary.abs(input)


@public(method=True)
def positive(input):
    """input itself (torch's unary plus); bool tensors are refused, as in torch."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input
