"""torch.nn.functional: the stateless functions behind the layers.

Each function validates its arguments (raising torch's errors) and calls an op from
minitorch/ops. Grouped by concept in the submodules below.
"""
from .activation import (  # noqa: F401
    celu, elu, elu_, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, hardtanh_,
    leaky_relu, leaky_relu_, log_softmax, logsigmoid, mish, prelu, relu, relu6, relu_, selu,
    sigmoid, silu, softmax, softmin, softplus, softshrink, softsign, tanh, tanhshrink,
    threshold,
)
from .attention import scaled_dot_product_attention  # noqa: F401
from .distance import cosine_similarity, pairwise_distance  # noqa: F401
from .dropout import dropout, dropout1d, dropout2d, dropout3d  # noqa: F401
from .linear import bilinear, linear  # noqa: F401
from .loss import (  # noqa: F401
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,
    kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss,
)
from .likelihood_loss import gaussian_nll_loss, poisson_nll_loss  # noqa: F401
from .margin_loss import (  # noqa: F401
    cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss,
    multilabel_soft_margin_loss, soft_margin_loss, triplet_margin_loss,
)
from .misc import embedding, interpolate, normalize, one_hot, pad, upsample  # noqa: F401
from .normalization import (  # noqa: F401
    batch_norm, group_norm, instance_norm, layer_norm, local_response_norm,
)
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d  # noqa: F401
from .pooling import (  # noqa: F401
    adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d, max_unpool2d,
)
from .pooling1d import (  # noqa: F401
    adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, max_pool1d,
)
from .fold import fold, unfold  # noqa: F401
from .shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: F401
