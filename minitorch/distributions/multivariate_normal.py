"""MultivariateNormal: N(loc, Sigma) over vectors, stored as the Cholesky factor L of Sigma
(Sigma = L L^T), as torch does: log-densities need only triangular solves and L's diagonal.

    log p(x) = -(n log(2 pi) + |L^-1 (x - loc)|^2) / 2 - sum log diag(L)
"""
from __future__ import annotations

import math

import minitorch
from minitorch.tensor import Size

from . import constraints
from .distribution import Distribution, lazy_property


def _batch_mahalanobis(L, x):
    """|L^-1 x|^2 over the last dim; L's batch dims broadcast against x's."""
    solved = minitorch.linalg.solve_triangular(L, x.unsqueeze(-1), upper=False)
    return solved.squeeze(-1).pow(2).sum(-1)


def _precision_to_scale_tril(P):
    # with J the flip (reversal) matrix, chol(J P J) = J U J for U upper with P = U U^T;
    # then Sigma = P^-1 = U^-T U^-1 and L = U^-T is lower triangular (torch's trick)
    flipped = minitorch.linalg.cholesky(P.flip((-2, -1)))
    L_inv = flipped.flip((-2, -1)).transpose(-2, -1)
    eye = minitorch.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return minitorch.linalg.solve_triangular(L_inv, eye, upper=False)


class MultivariateNormal(Distribution):
    """N(loc, covariance_matrix), given by exactly one of `covariance_matrix`,
    `precision_matrix` (its inverse) or `scale_tril` (its lower Cholesky factor).

    Args:
        loc (Tensor): the mean, (*, n).
        covariance_matrix (Tensor): (*, n, n), symmetric positive definite.
        precision_matrix (Tensor): (*, n, n), symmetric positive definite.
        scale_tril (Tensor): (*, n, n), lower triangular with a positive diagonal.

    Example:
        >>> m = MultivariateNormal(minitorch.zeros(2), minitorch.eye(2))
        >>> m.sample().shape
        minitorch.Size([2])
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if ((covariance_matrix is not None) + (scale_tril is not None)
                + (precision_matrix is not None)) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        name, matrix = next((n, m) for n, m in (("scale_tril", scale_tril),
                                                ("covariance_matrix", covariance_matrix),
                                                ("precision_matrix", precision_matrix))
                            if m is not None)
        if matrix.dim() < 2:
            raise ValueError(f"{name} matrix must be at least two-dimensional, "
                             "with optional leading batch dimensions"
                             if name == "scale_tril" else
                             f"{name} must be at least two-dimensional, "
                             "with optional leading batch dimensions")
        batch_shape = minitorch.broadcast_shapes(tuple(matrix.shape[:-2]),
                                                 tuple(loc.shape[:-1]))
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = minitorch.linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        new = type(self).__new__(type(self)) if _instance is None else _instance
        batch_shape = Size(batch_shape)
        matrix_shape = tuple(batch_shape) + tuple(self._event_shape) * 2
        new.loc = self.loc.expand(tuple(batch_shape) + tuple(self._event_shape))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(matrix_shape))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return L.matmul(L.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        # Sigma^-1 = L^-T L^-1
        L = self._unbroadcasted_scale_tril
        eye = minitorch.eye(L.shape[-1], dtype=L.dtype, device=L.device)
        L_inv = minitorch.linalg.solve_triangular(L, eye, upper=False)
        return L_inv.mT.matmul(L_inv).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (self._unbroadcasted_scale_tril.pow(2).sum(-1)
                .expand(tuple(self._batch_shape) + tuple(self._event_shape)))

    def rsample(self, sample_shape=Size()):
        # x = loc + L eps: linear in loc and L, so the gradient is the reparameterization
        shape = self._extended_shape(sample_shape)
        eps = minitorch.randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + self._unbroadcasted_scale_tril.matmul(eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return (-0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M)
                - self._half_log_det())

    def entropy(self):
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return H if len(self._batch_shape) == 0 else H.expand(self._batch_shape)
