"""`AveragePooling1D`, `AveragePooling2D`, `AveragePooling3D`: mean over sliding windows."""

from __future__ import annotations

from typing import Any

from lamina.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """1D average pooling over temporal data: the mean of each window, per channel.

    Inputs are `(batch, steps, features)` ("channels_last")
    or `(batch, features, steps)` ("channels_first").

    Args:
        pool_size: int or tuple of 1 int, the window size.
        strides: int, tuple of 1 int, or None (default: `pool_size`).
        padding: "valid" or "same" (output size `ceil(size / stride)`; each
            window averages only the input elements it covers).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).

    Example:
        ```python
        x = lamina.Input((10, 4))
        lamina.layers.AveragePooling1D(2)(x).shape   # (None, 5, 4)
        ```
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )


class AveragePooling2D(BasePooling):
    """2D average pooling over images: the mean of each window, per channel.

    Inputs are `(batch, height, width, channels)` ("channels_last")
    or `(batch, channels, height, width)` ("channels_first").

    Args:
        pool_size: int or tuple of 2 ints, the window size.
        strides: int, tuple of 2 ints, or None (default: `pool_size`).
        padding: "valid" or "same" (output size `ceil(size / stride)`; each
            window averages only the input elements it covers).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).

    Example:
        ```python
        x = lamina.Input((28, 28, 8))
        lamina.layers.AveragePooling2D(2)(x).shape   # (None, 14, 14, 8)
        ```
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )


class AveragePooling3D(BasePooling):
    """3D average pooling over volumes: the mean of each window, per channel.

    Inputs are `(batch, dim1, dim2, dim3, channels)` ("channels_last")
    or `(batch, channels, dim1, dim2, dim3)` ("channels_first").

    Args:
        pool_size: int or tuple of 3 ints, the window size.
        strides: int, tuple of 3 ints, or None (default: `pool_size`).
        padding: "valid" or "same" (output size `ceil(size / stride)`; each
            window averages only the input elements it covers).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).

    Example:
        ```python
        x = lamina.Input((8, 8, 8, 2))
        lamina.layers.AveragePooling3D(2)(x).shape   # (None, 4, 4, 4, 2)
        ```
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
