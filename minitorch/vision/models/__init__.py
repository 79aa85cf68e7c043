"""minitorch.vision.models: torchvision's classification models, randomly initialized.

Built layer for layer as torchvision builds them, so `state_dict()` keys and shapes match
and a torchvision checkpoint loads with `load_state_dict`. Nothing is downloaded: any
`weights=` but None raises ValueError.

    from minitorch.vision import models
    net = models.resnet18(num_classes=10)
"""
from ._api import get_model, list_models  # noqa: F401
from .alexnet import AlexNet, alexnet  # noqa: F401
from .mobilenetv2 import MobileNetV2, mobilenet_v2  # noqa: F401
from .resnet import (  # noqa: F401
    ResNet, resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d,
    wide_resnet50_2,
)
from .vgg import (  # noqa: F401
    VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn,
)
