"""Convolutional layers."""

from lamina.layers.convolutional.base_conv import BaseConv as BaseConv
from lamina.layers.convolutional.conv import Conv1D as Conv1D
from lamina.layers.convolutional.conv import Conv2D as Conv2D
from lamina.layers.convolutional.conv import Conv3D as Conv3D
from lamina.layers.convolutional.conv_transpose import Conv1DTranspose as Conv1DTranspose
from lamina.layers.convolutional.conv_transpose import Conv2DTranspose as Conv2DTranspose
from lamina.layers.convolutional.conv_transpose import Conv3DTranspose as Conv3DTranspose
from lamina.layers.convolutional.depthwise_conv import DepthwiseConv1D as DepthwiseConv1D
from lamina.layers.convolutional.depthwise_conv import DepthwiseConv2D as DepthwiseConv2D
from lamina.layers.convolutional.separable_conv import SeparableConv1D as SeparableConv1D
from lamina.layers.convolutional.separable_conv import SeparableConv2D as SeparableConv2D

__all__ = [
    "BaseConv",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
]
