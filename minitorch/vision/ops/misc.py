"""Conv2dNormActivation: conv -> norm -> activation as one Sequential (torchvision.ops.misc).

A Sequential subclass, not a Module with named fields, so its children are "0", "1", "2"
and a model built from it has torchvision's state_dict keys (`features.0.0.weight`).
"""
from __future__ import annotations

from ... import nn


class ConvNormActivation(nn.Sequential):
    """Base of Conv2dNormActivation (torchvision keeps Conv1d/3d twins; minitorch has 2d)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None,
                 groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1,
                 inplace=True, bias=None, conv_layer=nn.Conv2d):
        if padding is None:  # "same" size at stride 1, for odd kernels
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                k = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
                d = (dilation,) * 2 if isinstance(dilation, int) else dilation
                padding = tuple((k[i] - 1) // 2 * d[i] for i in range(len(k)))
        if bias is None:
            bias = norm_layer is None  # a norm layer's shift makes a conv bias redundant
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding,
                             dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels


class Conv2dNormActivation(ConvNormActivation):
    """Conv2d, then norm_layer (BatchNorm2d), then activation_layer (ReLU).

    Args:
        in_channels, out_channels, kernel_size, stride, groups, dilation: as in Conv2d.
        padding: default (kernel_size - 1) // 2 * dilation.
        norm_layer: None for no norm. activation_layer: None for no activation.
        inplace: passed to the activation (None passes nothing).
        bias: default True only without a norm layer.

    >>> Conv2dNormActivation(3, 32, stride=2, activation_layer=nn.ReLU6)
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None,
                 groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1,
                 inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups,
                         norm_layer, activation_layer, dilation, inplace, bias, nn.Conv2d)
