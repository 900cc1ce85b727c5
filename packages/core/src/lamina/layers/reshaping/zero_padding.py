"""`ZeroPadding1D`, `ZeroPadding2D`, `ZeroPadding3D`: add zeros at the borders of spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.convolutional.arguments import standardize_data_format, standardize_pairs, standardize_tuple
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class _ZeroPadding(Layer):
    """Pads `(before, after)` zeros along each spatial axis."""

    def __init__(self, rank: int, padding: tuple, data_format: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format)
        self.padding = padding
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _widths(self) -> tuple:
        if self.data_format == "channels_last":
            return ((0, 0),) + self._pairs() + ((0, 0),)
        return ((0, 0), (0, 0)) + self._pairs()

    def _pairs(self) -> tuple:
        return self.padding

    def call(self, inputs: Any) -> Any:
        return ops.pad(inputs, self._widths())

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(
            None if size is None else size + before + after
            for size, (before, after) in zip(input_shape, self._widths())
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis of temporal data with zeros.

    Args:
        padding: int (the same at both ends) or tuple of 2 ints
            `(start, end)`: how many zeros to add.
        data_format: "channels_last" (`(batch, steps, features)`, the default)
            or "channels_first".

    Example:
        ```python
        lamina.layers.ZeroPadding1D(2)(lamina.Input((10, 4))).shape   # (None, 14, 4)
        ```
    """

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        pair = standardize_tuple(padding, 2, "padding", allow_zero=True)
        super().__init__(1, pair, data_format, **kwargs)

    def _pairs(self) -> tuple:
        return (self.padding,)


class ZeroPadding2D(_ZeroPadding):
    """Pads the height and width of images with zeros.

    Args:
        padding: int (the same everywhere), tuple of 2 ints (symmetric
            height and width padding), or tuple of 2 tuples of 2 ints
            `((top, bottom), (left, right))`.
        data_format: "channels_last" (`(batch, height, width, channels)`, the
            default) or "channels_first".

    Example:
        ```python
        lamina.layers.ZeroPadding2D(((1, 0), (0, 2)))(lamina.Input((4, 4, 3))).shape   # (None, 5, 6, 3)
        ```
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(2, standardize_pairs(padding, 2, "padding"), data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes of volumes with zeros.

    Args:
        padding: int (the same everywhere), tuple of 3 ints (symmetric
            padding per axis), or tuple of 3 tuples of 2 ints.
        data_format: "channels_last" (`(batch, dim1, dim2, dim3, channels)`,
            the default) or "channels_first".

    Example:
        ```python
        lamina.layers.ZeroPadding3D(1)(lamina.Input((4, 4, 4, 2))).shape   # (None, 6, 6, 6, 2)
        ```
    """

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(3, standardize_pairs(padding, 3, "padding"), data_format, **kwargs)
