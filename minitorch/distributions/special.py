"""lgamma, digamma and trigamma (torch.lgamma, torch.digamma, torch.polygamma(1, .)) as
differentiable ops, for the Gamma-family log-densities, entropies and KLs.

NumPy has none of them. Each is the classic recipe: shift x up by the recurrence
(Gamma(x + 1) = x Gamma(x)) until x >= 8, then the asymptotic (Stirling) series, whose
first omitted term at 8 is below 2e-15; x < 0.5 goes through the reflection formula.
The results are good to ~1e-15 absolute (relative, away from the zeros of lgamma at 1, 2
and of digamma at 1.4616). Python-float coefficients keep float32 float32.

    lgamma'  = digamma,   digamma' = trigamma,   trigamma' (not needed; no gradient)
"""
from __future__ import annotations

import math

from .. import backend
from ..autograd.function import Op

_SHIFT = 8  # the series below are used at x >= 8
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# Stirling: lgamma(z) = (z - 1/2) log z - z + log(2 pi)/2 + sum B_2k / (2k (2k-1) z^(2k-1))
_LGAMMA_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
# digamma(z) = log z - 1/(2z) - sum B_2k / (2k z^2k)
_DIGAMMA_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
# trigamma(z) = 1/z + 1/(2z^2) + sum B_2k / z^(2k+1)
_TRIGAMMA_SERIES = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def _series(coefs, w):
    """coefs[0] + coefs[1] w + coefs[2] w^2 + ... (Horner, lowest power first)."""
    out = coefs[-1] + 0 * w
    for c in coefs[-2::-1]:
        out = out * w + c
    return out


def _shifted(xp, x):
    """z = x + 8 where x < 8 (else x), and a mask of where the shift happened."""
    small = x < _SHIFT
    return xp.where(small, x + _SHIFT, x), small


def _lgamma_positive(xp, x):
    z, small = _shifted(xp, x)
    product = x + 0 * x  # x (x+1) ... (x+7): < 16**8, so no overflow
    for k in range(1, _SHIFT):
        product = product * (x + k)
    w = 1 / (z * z)
    stirling = (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + _series(_LGAMMA_SERIES, w) / z
    return stirling - xp.where(small, xp.log(xp.where(small, product, 1)), 0)


def lgamma(xp, x):
    """log|Gamma(x)|; +inf at 0 and the negative integers (torch's values)."""
    with backend.ignore_float_errors(xp):  # the unused branch may divide by 0
        reflect = x < 0.5
        positive = _lgamma_positive(xp, xp.where(reflect, 1 - x, x))
        # Gamma(x) Gamma(1 - x) = pi / sin(pi x)
        sin = xp.abs(xp.sin(math.pi * (x - xp.floor(x))))
        reflected = math.log(math.pi) - xp.log(sin) - positive
        return xp.where(reflect, reflected, positive).astype(x.dtype, copy=False)


def _digamma_positive(xp, x):
    z, small = _shifted(xp, x)
    correction = 0 * x
    for k in range(_SHIFT):
        correction = correction + 1 / (x + k)
    w = 1 / (z * z)
    series = xp.log(z) - 0.5 / z - w * _series(_DIGAMMA_SERIES, w)
    return series - xp.where(small, correction, 0)


def digamma(xp, x):
    """d/dx lgamma(x); torch's -inf at 0 and NaN at the negative integers."""
    with backend.ignore_float_errors(xp):  # the unused branch may divide by 0
        reflect = x < 0.5
        positive = _digamma_positive(xp, xp.where(reflect, 1 - x, x))
        # digamma(1 - x) - digamma(x) = pi / tan(pi x)
        reflected = positive - math.pi / xp.tan(math.pi * (x - xp.floor(x)))
        out = xp.where(reflect, reflected, positive)
        out = xp.where(x == 0, -math.inf, out)
        return xp.where((x < 0) & (x == xp.floor(x)), math.nan, out).astype(x.dtype, copy=False)


def _trigamma_positive(xp, x):
    z, small = _shifted(xp, x)
    correction = 0 * x
    for k in range(_SHIFT):
        correction = correction + 1 / ((x + k) * (x + k))
    w = 1 / (z * z)
    series = 1 / z + 0.5 * w + w / z * _series(_TRIGAMMA_SERIES, w)
    return series + xp.where(small, correction, 0)


def trigamma(xp, x):
    """d/dx digamma(x) = polygamma(1, x)."""
    with backend.ignore_float_errors(xp):  # the unused branch may divide by 0
        reflect = x < 0.5
        positive = _trigamma_positive(xp, xp.where(reflect, 1 - x, x))
        # trigamma(1 - x) + trigamma(x) = pi^2 / sin^2(pi x)
        sin = xp.sin(math.pi * (x - xp.floor(x)))
        out = xp.where(reflect, math.pi**2 / (sin * sin) - positive, positive)
        return out.astype(x.dtype, copy=False)


class Lgamma(Op):
    """out = log|Gamma(x)|;  d/dx = digamma(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return lgamma(backend.array_module(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * digamma(backend.array_module(x), x),)

    @staticmethod
    def backward_graph(ctx, grad, x):
        return (grad * Digamma.apply(x),)


class Digamma(Op):
    """out = digamma(x);  d/dx = trigamma(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return digamma(backend.array_module(x), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * trigamma(backend.array_module(x), x),)
