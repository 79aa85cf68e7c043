"""The error function erf, its complement erfc and its inverse erfinv, on xp arrays.

NumPy has no erf, and `math.erf` works on one number at a time. These are W. J. Cody's
rational Chebyshev approximations ("Rational Chebyshev approximations for the error
function", Math. Comp. 23 (1969) 631-637; the netlib SPECFUN routine CALERF, the same
coefficients SciPy and many libms use). Their approximation error is below 1e-18, so in
float64 the result is good to a few units in the last place. Three intervals of |x|:

    |x| <= 0.46875      erf(x)  = x P1(x^2) / Q1(x^2)                 (erfc = 1 - erf)
    0.46875 < |x| <= 4  erfc(x) = exp(-x^2) P2(x) / Q2(x)              (erf = 1 - erfc)
    |x| > 4             erfc(x) = exp(-x^2)/x (1/sqrt(pi) + R(1/x^2)/x^2)

Every element goes through the small and the middle interval and `where` picks one (no
gather/scatter: boolean indexing of a (1024, 512) array costs more than all of the
arithmetic); the tail, rarely needed, is computed only when some element is beyond 4.
Unused branches see x clipped into their range, so they never overflow. The work is done
in place, in few temporaries: a fresh multi-megabyte temporary per operation (page
faults on every one) was most of erf's cost. Same operations in the same order as
Cody's, so the same bits.
Python-float coefficients keep float32 inputs float32 (NumPy/CuPy treat them as weak).
"""
from __future__ import annotations

import math

from .. import backend

# P1/Q1: erf on |x| <= 0.46875 (Cody's a and b, highest power first for Horner)
_P1 = (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
       3.77485237685302021e02, 3.20937758913846947e03)
_Q1 = (1.0, 2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
       2.84423683343917062e03)
# P2/Q2: erfc(x) exp(x^2) on 0.46875 < |x| <= 4 (Cody's c and d)
_P2 = (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
       6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
       1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03)
_Q2 = (1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
       1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
       3.43936767414372164e03, 1.23033935480374942e03)
# P3/Q3: the asymptotic correction R(z) = z P3(z) / Q3(z), z = 1/x^2, on |x| > 4
_P3 = (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
       1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4)
_Q3 = (1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
       6.05183413124413191e-2, 2.33520497626869185e-3)
_SMALL, _MIDDLE = 0.46875, 4.0
_ONE_OVER_SQRT_PI = 0.56418958354775628695
_TWO_OVER_SQRT_PI = 1.1283791670955126


def _horner(coefs, x):
    """coefs[0] x^n + ... + coefs[n], highest power first (in place: one temporary)."""
    out = x * coefs[0]
    out += coefs[1]
    for c in coefs[2:]:
        out *= x
        out += c
    return out


def _times_exp_minus_square(xp, y, r):
    """r exp(-y^2), without the rounding error of y*y, which exp would magnify ~y^2-fold
    (erfc(26) is 1e-296: an error of 1 ulp in y*y = 676 would cost 600 ulps).
    Split y = s + d with s = trunc(16 y)/16, so s*s is exact, and use
    y^2 = s^2 + (y - s)(y + s), whose second term is small and exact enough (Cody).
    exp(-s^2) is applied in two halves so that only the last product can fall below the
    normal range (erfc(27) = 5e-320): one rounding there instead of two. `r` is
    overwritten with the result."""
    s = y * 16
    xp.trunc(s, out=s)
    s /= 16
    half = s * s
    half *= -0.5
    xp.exp(half, out=half)
    e = y - s
    s += y
    e *= s
    xp.negative(e, out=e)
    xp.exp(e, out=e)
    e *= r
    e *= half
    e *= half
    return e


def _erfc_large(xp, y):
    """erfc(y) for y > 0.46875 (the two outer intervals), y clipped to stay finite."""
    y = xp.clip(y, _SMALL, 30.0)  # erfc(27.3) already underflows to 0
    r = _horner(_P2, y)
    r /= _horner(_Q2, y)
    # (a host sync on CuPy; it saves a third of the work in the usual case)
    if bool((y > _MIDDLE).any()):
        z = 1 / (y * y)
        tail = z * _horner(_P3, z)
        tail /= _horner(_Q3, z)
        xp.subtract(_ONE_OVER_SQRT_PI, tail, out=tail)
        tail /= y
        r = xp.where(y <= _MIDDLE, r, tail)
    return _times_exp_minus_square(xp, y, r)


def _erf_small(xp, x):
    """erf(x) for |x| <= 0.46875, x clipped into that range."""
    x = xp.clip(x, -_SMALL, _SMALL)
    z = x * x
    out = x * _horner(_P1, z)
    out /= _horner(_Q1, z)
    return out


_CHUNK_BYTES = 1 << 17  # 128 KB per temporary: recycled by malloc, and in the cache


def _in_chunks(fn):
    """fn(xp, x) applied to x's flattened elements 128 KB at a time, on NumPy.

    Why: erf's ~40 array operations each want a temporary the size of x. Past a few
    hundred KB, every fresh temporary is new memory from the OS, and its first touch
    costs a page fault per 4 KB: that was 80% of erf's time on a (1024, 512) array
    (8400 faults per call). Small temporaries are recycled by malloc and stay in the
    cache. A GPU wants the opposite (one big launch per operation): CuPy gets fn whole.
    """
    def chunked(xp, x):
        chunk = _CHUNK_BYTES // x.itemsize
        if xp is not backend.np or x.size <= chunk:  # (1-D: `out=` needs arrays, not 0-d)
            return fn(xp, x.reshape(-1)).reshape(x.shape)
        flat = x.reshape(-1)
        out = xp.empty_like(flat)
        for start in range(0, flat.size, chunk):
            out[start:start + chunk] = fn(xp, flat[start:start + chunk])
        return out.reshape(x.shape)
    chunked.__name__, chunked.__doc__ = fn.__name__, fn.__doc__
    return chunked


@_in_chunks
def erf(xp, x):
    """Elementwise erf(x), accurate to float64 rounding."""
    y = xp.abs(x)
    one_minus = _erfc_large(xp, y)  # erf(|x|) for |x| > 0.46875; 1 beyond ~6
    xp.subtract(1, one_minus, out=one_minus)
    xp.copysign(one_minus, x, out=one_minus)
    return xp.where(y <= _SMALL, _erf_small(xp, x), one_minus)


@_in_chunks
def erfc(xp, x):
    """Elementwise erfc(x) = 1 - erf(x), accurate to float64 rounding in *relative* terms
    also far in the right tail (erfc(20) = 5.4e-176), where 1 - erf(x) would be 0."""
    y = xp.abs(x)
    tail = _erfc_large(xp, y)
    large = xp.where(x < 0, 2 - tail, tail)  # erfc(-y) = 2 - erfc(y)
    small = _erf_small(xp, x)
    xp.subtract(1, small, out=small)
    return xp.where(y <= _SMALL, small, large)


# ---- erfinv -----------------------------------------------------------------------------------
# M. Giles' single-precision approximation ("Approximating the erfinv function", GPU
# Computing Gems, 2011), good to ~4e-7 relative, as the start for Halley's method.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def erfinv(xp, y):
    """Elementwise inverse of erf on [-1, 1] (+-inf at +-1, NaN outside), to float64
    rounding: Giles' approximation t of erfinv(|y|), then three steps of Halley's method
    (Newton's method with a curvature term; each step triples the correct digits).

    For |y| <= 0.5 the equation is erf(t) = a, with residual erf(t) - a. In the tail it is
    log erfc(t) = log(1 - a): 1 - a is exact there, erfc keeps its relative accuracy
    where erf(t) rounds to 1, and log erfc is nearly a parabola, so the step is good
    even far from the root (Giles' start is off by 5% at a = 1 - 2**-53). With
    d = erf'(t) = 2/sqrt(pi) exp(-t^2), erf'' = -2t d and, in the tail, h = d / erfc(t):
        central:  u = (erf(t) - a) / d           t <- t - u / (1 + t u)
        tail:     u = log(erfc(t) / (1 - a)) / h  t <- t + u / (1 - u (t - h/2))
    """
    a = xp.abs(y)
    inside = a < 1
    a = xp.where(inside, a, 0)  # keep log and the iteration finite outside (-1, 1)
    w = -xp.log((1 - a) * (1 + a))
    central = _horner(_GILES_CENTRAL, w - 2.5)
    tail = _horner(_GILES_TAIL, xp.sqrt(xp.maximum(w, 5)) - 3)
    t = xp.where(w < 5, central, tail) * a
    in_tail = a > 0.5
    for _ in range(3):
        d = _TWO_OVER_SQRT_PI * xp.exp(-t * t)
        u = (erf(xp, t) - a) / d
        t_central = t - u / (1 + t * u)
        complement = erfc(xp, xp.where(in_tail, t, 1))
        h = d / complement
        u = xp.log(complement / xp.where(in_tail, 1 - a, complement)) / h
        t = xp.where(in_tail, t + u / (1 - u * (t - h / 2)), t_central)
    t = xp.where(inside, t, xp.where(xp.abs(y) == 1, math.inf, math.nan))
    return xp.copysign(t, y).astype(y.dtype, copy=False)
