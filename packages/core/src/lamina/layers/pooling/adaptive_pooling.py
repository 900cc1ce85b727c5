"""Adaptive pooling layers: `AdaptiveAveragePooling1D/2D/3D` and
`AdaptiveMaxPooling1D/2D/3D` pool any input size to a fixed `output_size`."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.convolutional.arguments import standardize_data_format
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseAdaptivePooling(Layer):
    """Splits each spatial axis into `output_size` bins (bin `i` of an axis of
    size `n`: `[floor(i * n / out), ceil((i + 1) * n / out))`, as PyTorch's
    adaptive pooling) and reduces each bin; subclasses pick the reduction.

    Args:
        output_size: int (every spatial axis) or tuple of one int per spatial axis.
        pool_dimensions: number of spatial axes (1, 2 or 3).
        data_format: "channels_last" or "channels_first" (default
            `lamina.config.image_data_format()`).
    """

    def __init__(self, output_size: Any, pool_dimensions: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.output_size = _output_size_tuple(output_size, pool_dimensions, type(self).__name__)
        self.pool_dimensions = pool_dimensions
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


def _output_size_tuple(output_size: Any, rank: int, layer: str) -> tuple:
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        return (output_size,) * rank
    if isinstance(output_size, (tuple, list)) and len(output_size) == rank:
        return tuple(output_size)
    names = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}[rank]
    raise TypeError(
        f"`output_size` of {layer} must be an integer or a tuple {names} of {rank} integers. "
        f"Received: output_size={output_size!r} of type {type(output_size).__name__}"
    )


class BaseAdaptiveAveragePooling(BaseAdaptivePooling):
    """Adaptive pooling by the mean of each bin."""

    def call(self, inputs: Any) -> Any:
        return ops.adaptive_average_pool(inputs, self.output_size, data_format=self.data_format)


class BaseAdaptiveMaxPooling(BaseAdaptivePooling):
    """Adaptive pooling by the maximum of each bin."""

    def call(self, inputs: Any) -> Any:
        return ops.adaptive_max_pool(inputs, self.output_size, data_format=self.data_format)


class AdaptiveAveragePooling1D(BaseAdaptiveAveragePooling):
    """Mean over `output_size` bins of the steps of temporal data, whatever their number.

    Example:
        ```python
        lamina.layers.AdaptiveAveragePooling1D(4)(np.zeros((2, 10, 3))).shape   # (2, 4, 3)
        ```
    """

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 1, data_format, **kwargs)


class AdaptiveAveragePooling2D(BaseAdaptiveAveragePooling):
    """Mean over an `output_size` grid of bins of images, whatever their size.

    Example:
        ```python
        lamina.layers.AdaptiveAveragePooling2D((7, 7))(np.zeros((2, 30, 20, 3))).shape   # (2, 7, 7, 3)
        ```
    """

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 2, data_format, **kwargs)


class AdaptiveAveragePooling3D(BaseAdaptiveAveragePooling):
    """Mean over an `output_size` grid of bins of volumes, whatever their size."""

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 3, data_format, **kwargs)


class AdaptiveMaxPooling1D(BaseAdaptiveMaxPooling):
    """Maximum over `output_size` bins of the steps of temporal data, whatever their number."""

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 1, data_format, **kwargs)


class AdaptiveMaxPooling2D(BaseAdaptiveMaxPooling):
    """Maximum over an `output_size` grid of bins of images, whatever their size."""

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 2, data_format, **kwargs)


class AdaptiveMaxPooling3D(BaseAdaptiveMaxPooling):
    """Maximum over an `output_size` grid of bins of volumes, whatever their size."""

    def __init__(self, output_size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(output_size, 3, data_format, **kwargs)
