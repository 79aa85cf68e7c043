"""PairwiseDistance and CosineSimilarity: thin Modules around nn.functional."""
from __future__ import annotations

from .. import functional as F
from ..module import Module


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dimension.

    Args:
        p (float): the norm degree. Default: 2.
        eps (float): added to the difference. Default: 1e-6.
        keepdim (bool): keep the vector dimension. Default: False.
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p  # torch's attribute name
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) along dim.

    Args:
        dim (int): the vector dimension. Default: 1.
        eps (float): the smallest norm divided by. Default: 1e-8.
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
