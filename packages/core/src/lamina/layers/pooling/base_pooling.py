"""`BasePooling`: the shared machinery of the windowed max and average pooling layers."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend.contract.conv_arithmetic import conv_output_size
from lamina.layers.convolutional.arguments import (
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BasePooling(Layer):
    """Abstract pooling layer: a max or a mean over sliding windows.

    Args:
        pool_size: int or tuple of `pool_dimensions` ints, the window size.
        strides: int, tuple of ints, or None (default: `pool_size`).
        pool_dimensions: number of spatial axes (1, 2 or 3).
        pool_mode: "max" or "average".
        padding: "valid" or "same" (output size `ceil(input_size / stride)`;
            padded elements never win a maximum and are not counted in a mean).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).

    Example:
        ```python
        class MaxPooling2D(BasePooling):
            def __init__(self, pool_size=(2, 2), **kwargs):
                super().__init__(pool_size, None, pool_dimensions=2, pool_mode="max", **kwargs)
        ```
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"`pool_mode` must be either 'max' or 'average'. Received: pool_mode={pool_mode!r}")
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = self.pool_size if strides is None else standardize_tuple(strides, pool_dimensions, "strides")
        self.pool_mode = pool_mode
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs: Any) -> Any:
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            spatial = input_shape[1:-1]
        else:
            spatial = input_shape[2:]
        output_spatial = tuple(
            conv_output_size(n, k, s, self.padding) for n, k, s in zip(spatial, self.pool_size, self.strides)
        )
        if any(size is not None and size <= 0 for size in output_spatial):
            raise ValueError(
                f"Computed output size of {type(self).__name__} layer '{self.name}' would be zero or negative: "
                f"input shape {input_shape} with pool_size={self.pool_size}, strides={self.strides} and "
                f"padding={self.padding!r}. Use larger inputs, a smaller `pool_size` or padding='same'."
            )
        if self.data_format == "channels_last":
            return (input_shape[0],) + output_spatial + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + output_spatial

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config
