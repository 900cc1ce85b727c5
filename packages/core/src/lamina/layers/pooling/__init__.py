"""Pooling layers."""

from lamina.layers.pooling.average_pooling import AveragePooling1D as AveragePooling1D
from lamina.layers.pooling.average_pooling import AveragePooling2D as AveragePooling2D
from lamina.layers.pooling.average_pooling import AveragePooling3D as AveragePooling3D
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling as BaseGlobalPooling
from lamina.layers.pooling.base_pooling import BasePooling as BasePooling
from lamina.layers.pooling.global_average_pooling import GlobalAveragePooling1D as GlobalAveragePooling1D
from lamina.layers.pooling.global_average_pooling import GlobalAveragePooling2D as GlobalAveragePooling2D
from lamina.layers.pooling.global_average_pooling import GlobalAveragePooling3D as GlobalAveragePooling3D
from lamina.layers.pooling.global_max_pooling import GlobalMaxPooling1D as GlobalMaxPooling1D
from lamina.layers.pooling.global_max_pooling import GlobalMaxPooling2D as GlobalMaxPooling2D
from lamina.layers.pooling.global_max_pooling import GlobalMaxPooling3D as GlobalMaxPooling3D
from lamina.layers.pooling.max_pooling import MaxPooling1D as MaxPooling1D
from lamina.layers.pooling.max_pooling import MaxPooling2D as MaxPooling2D
from lamina.layers.pooling.max_pooling import MaxPooling3D as MaxPooling3D

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "BaseGlobalPooling",
    "BasePooling",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]
