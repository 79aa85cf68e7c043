"""AlexNet (Krizhevsky et al. 2012; the one-GPU variant of "One weird trick"), built as
torchvision/models/alexnet.py builds it. No custom init: the layers' defaults."""
from __future__ import annotations

from ... import nn
from ...ops import flatten
from ._api import check_weights, register_model

__all__ = ["AlexNet", "alexnet"]


class AlexNet(nn.Module):
    """5 convs (11x11 stride 4 first) and 3 Linear layers (torchvision.models.AlexNet).

    Shape:
        (N, 3, H, W) -> (N, num_classes); H, W >= 63 (224 in the paper).
    """

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


@register_model
def alexnet(*, weights=None, progress=True, **kwargs):
    """AlexNet (61M parameters); `weights` must be None."""
    check_weights("alexnet", weights, kwargs)
    return AlexNet(**kwargs)
