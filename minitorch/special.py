"""torch.special's twin: the special functions under torch.special's names and signatures.

Each is one of minitorch's ops (most are also top-level functions: `special.gammaln` is
`minitorch.lgamma`, `special.expit` is `sigmoid`); only the signatures differ where
torch.special's do (log_softmax's dtype is keyword-only, round takes decimals=).
`i1` exists only here, as in torch. Missing from torch.special's list: the Bessel,
orthogonal-polynomial and incomplete-gamma families, erfcx, ndtr/ndtri/log_ndtr, entr,
xlog1py, zeta, i0e/i1e and logit.

    >>> minitorch.special.gammaln(minitorch.tensor([0.5, 4.0]))
    tensor([0.5724, 1.7918])
"""
from __future__ import annotations

from . import ops
from .ops.bessel import i1

__all__ = ["digamma", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0",
           "i1", "log1p", "log_softmax", "logsumexp", "multigammaln", "polygamma", "psi",
           "round", "sinc", "softmax", "xlogy"]


def expit(input):
    """The logistic sigmoid 1 / (1 + e**-x)."""
    return ops.sigmoid(input)


def erf(input):
    """The error function."""
    return ops.erf(input)


def erfc(input):
    """1 - erf(x), accurate where erf(x) is near 1."""
    return ops.erfc(input)


def erfinv(input):
    """The inverse of erf."""
    return ops.erfinv(input)


def expm1(input):
    """e**x - 1, accurate for small x."""
    return ops.expm1(input)


def exp2(input):
    """2**x."""
    return ops.exp2(input)


def log1p(input):
    """ln(1 + x), accurate for small x."""
    return ops.log1p(input)


def gammaln(input):
    """log|Gamma(x)| (torch.lgamma)."""
    return ops.lgamma(input)


def digamma(input):
    """d/dx log Gamma(x) (torch.digamma)."""
    return ops.digamma(input)


psi = digamma


def polygamma(n, input):
    """The n-th derivative of digamma."""
    return ops.polygamma(n, input)


def multigammaln(input, p):
    """The multivariate log-gamma of dimension p (torch.mvlgamma)."""
    return ops.mvlgamma(input, p)


def i0(input):
    """The modified Bessel function of the first kind, order 0."""
    return ops.i0(input)


def sinc(input):
    """sin(pi x) / (pi x), 1 at 0."""
    return ops.sinc(input)


def round(input, *, decimals=0):
    """x rounded half to even; with decimals, to that many decimal places (negative: to
    tens, hundreds, ...), computed as torch does: round(x * 10**d) / 10**d."""
    if decimals == 0:
        return ops.round(input)
    if decimals > 0:
        scale = 10.0 ** decimals
        return ops.round(input * scale) / scale
    scale = 10.0 ** -decimals
    return ops.round(input / scale) * scale


def softmax(input, dim, dtype=None):  # torch's schema: dtype positional here, not below
    """softmax along dim (dtype: cast the input first)."""
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """log(softmax(x)) along dim, computed stably."""
    return ops.log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    """log(sum(e**x)) over dim, without overflow."""
    return ops.logsumexp(input, dim, keepdim)


def xlogy(input, other):
    """x * log(y), 0 where x == 0."""
    return ops.xlogy(input, other)
