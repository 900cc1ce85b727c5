"""`BaseGlobalPooling`: reductions over all spatial axes."""

from __future__ import annotations

from typing import Any

from lamina.layers.convolutional.arguments import standardize_data_format
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Abstract global pooling layer: reduces every spatial axis, keeping batch and channels.

    Args:
        pool_dimensions: number of spatial axes (1, 2 or 3).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).
        keepdims: keep the spatial axes with size 1 (default False: the
            output is `(batch, channels)`).

    Example:
        ```python
        class GlobalMaxPooling2D(BaseGlobalPooling):
            def __init__(self, **kwargs):
                super().__init__(pool_dimensions=2, **kwargs)

            def call(self, inputs):
                return lamina.ops.max(inputs, axis=self.spatial_axes, keepdims=self.keepdims)
        ```
    """

    def __init__(
        self, pool_dimensions: int, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.data_format = standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    @property
    def spatial_axes(self) -> tuple:
        """The axes the layer reduces."""
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self.pool_dimensions))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * (len(input_shape) - 2)
        if self.data_format == "channels_last":
            return (input_shape[0],) + ones + (channels,)
        return (input_shape[0], channels) + ones

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
