"""`GlobalMaxPooling1D`, `GlobalMaxPooling2D`, `GlobalMaxPooling3D`: the maximum over all spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalMaxPooling(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.max(inputs, axis=self.spatial_axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMaxPooling):
    """Global max pooling over the steps of temporal data.

    Args:
        data_format: "channels_last" (`(batch, steps, features)`, the default)
            or "channels_first" (`(batch, features, steps)`).
        keepdims: keep the steps axis with size 1.

    Example:
        ```python
        lamina.layers.GlobalMaxPooling1D()(lamina.Input((10, 4))).shape   # (None, 4)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(_GlobalMaxPooling):
    """Global max pooling over the height and width of images.

    Args:
        data_format: "channels_last" (`(batch, height, width, channels)`, the
            default) or "channels_first".
        keepdims: keep the spatial axes with size 1.

    Example:
        ```python
        lamina.layers.GlobalMaxPooling2D()(lamina.Input((8, 8, 3))).shape   # (None, 3)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(_GlobalMaxPooling):
    """Global max pooling over the three spatial axes of volumes.

    Args:
        data_format: "channels_last" (`(batch, dim1, dim2, dim3, channels)`,
            the default) or "channels_first".
        keepdims: keep the spatial axes with size 1.

    Example:
        ```python
        lamina.layers.GlobalMaxPooling3D(keepdims=True)(lamina.Input((4, 4, 4, 2))).shape   # (None, 1, 1, 1, 2)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)
