"""The Gamma(alpha, 1) sampler with its pathwise ("implicit reparameterization") gradient,
torch._standard_gamma and torch._standard_gamma_grad.

A Gamma sample is no smooth function of alpha and parameter-free noise, but it is one of
alpha and u = F(x; alpha), its CDF value: x = F^-1(u; alpha). Holding u fixed,
    dx/dalpha = -(dF/dalpha) / (dF/dx) = -(dP(alpha, x)/dalpha) / p(x; alpha),
with P the regularized lower incomplete gamma function and p the density.

dP/dalpha comes from the series P(a, x) = sum_n t_n, t_n = x^(a+n) e^-x / Gamma(a+n+1):
    dt_n/da = t_n (log x - digamma(a + n + 1)),
    digamma(a + n + 1) = digamma(a + 1) + sum_{k=1..n} 1/(a + k),
so only one digamma per element and cumulative sums over n. The terms peak near n = x and
then fall like a Gaussian in n, so N = x + 12 sqrt(x) + 40 terms leave < e^-70 behind.
Everything is divided by p(x) in log space: t_n / p = exp(log r_n) x / a with
r_n = prod_{k<=n} x / (a + k).

This is exact up to rounding (checked against mpmath); torch instead evaluates a fitted
approximation (Jankowiak & Obermeyer 2018), good to about 1e-3 relative, so the two agree
to that tolerance only. The cost is O(N) per element: fine for concentrations up to a few
hundred.
"""
from __future__ import annotations

import math

from .. import backend, random
from ..autograd.function import Op
from .special import digamma


def standard_gamma_grad(xp, alpha, x):
    """dx/dalpha of x ~ Gamma(alpha, 1) at fixed CDF value, elementwise (float64 inside)."""
    dtype = x.dtype
    a = alpha.astype("float64")
    x = xp.maximum(x.astype("float64"), 1e-300)
    if x.size == 0:
        return x.astype(dtype)
    top = float(x.max())
    n_terms = int(top + 12 * math.sqrt(top) + 40)
    k = xp.arange(1, n_terms, dtype="float64").reshape((-1,) + (1,) * x.ndim)
    log_x = xp.log(x)
    # log r_n and d/da log t_n for n = 0 .. N-1 (n = 0: r_0 = 1)
    log_r = xp.concatenate([xp.zeros((1,) + x.shape),
                            xp.cumsum(log_x - xp.log(a + k), axis=0)])
    dlog_t = (log_x - digamma(xp, a + 1)) - xp.concatenate(
        [xp.zeros((1,) + x.shape), xp.cumsum(1 / (a + k), axis=0)])
    with backend.ignore_float_errors(xp):
        dP_over_p = (xp.exp(log_r) * dlog_t).sum(0) * x / a
    return (-dP_over_p).astype(dtype)


class StandardGamma(Op):
    """x ~ Gamma(alpha, 1), one draw per element of alpha;  dx/dalpha as above."""

    @staticmethod
    def forward(ctx, alpha):
        xp = backend.array_module(alpha)
        if xp is backend.np:
            x = random._rng(None).standard_gamma(alpha)
        else:
            x = random._cuda_random().standard_gamma(alpha)
        x = xp.asarray(x).astype(alpha.dtype, copy=False)
        # a draw that underflowed to 0 (tiny alpha) becomes the smallest normal number,
        # as in torch, so that logs and ratios of samples stay finite
        x = xp.maximum(x, xp.finfo(x.dtype).tiny)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        alpha, x = ctx.saved_tensors
        return (grad * standard_gamma_grad(backend.array_module(x), alpha, x),)


def standard_gamma(alpha):
    """torch._standard_gamma: Gamma(alpha, 1) samples of alpha's shape, reparameterized."""
    return StandardGamma.apply(alpha)
