"""`Cropping1D`, `Cropping2D`, `Cropping3D`: remove elements at the borders of spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.convolutional.arguments import standardize_data_format, standardize_pairs, standardize_tuple
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class _Cropping(Layer):
    """Crops `(before, after)` elements along each spatial axis."""

    def __init__(self, rank: int, cropping: tuple, data_format: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format)
        self._pairs = cropping
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _spatial_axes(self) -> tuple:
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self.rank))

    def _check(self, shape: tuple) -> None:
        for axis, (before, after) in zip(self._spatial_axes(), self._pairs):
            size = shape[axis]
            if size is not None and before + after >= size:
                raise ValueError(
                    f"The cropping of {type(self).__name__} layer '{self.name}' must leave at least one element "
                    f"on each spatial axis: axis {axis} has {size} elements and cropping removes "
                    f"{before} + {after}. Received: input shape={shape}, cropping={self.cropping}"
                )

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        self._check(shape)
        key = [slice(None)] * len(shape)
        for axis, (before, after) in zip(self._spatial_axes(), self._pairs):
            key[axis] = slice(before, -after if after else None)
        return ops.getitem(inputs, tuple(key))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        self._check(tuple(shape))
        for axis, (before, after) in zip(self._spatial_axes(), self._pairs):
            if shape[axis] is not None:
                shape[axis] -= before + after
        return tuple(shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config


class Cropping1D(_Cropping):
    """Crops the steps axis of temporal data `(batch, steps, features)`.

    Args:
        cropping: int (the same at both ends) or tuple of 2 ints
            `(start, end)`: how many steps to remove.

    Example:
        ```python
        lamina.layers.Cropping1D((1, 2))(lamina.Input((10, 4))).shape   # (None, 7, 4)
        ```
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        pair = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        super().__init__(1, (pair,), "channels_last", **kwargs)
        self.cropping = pair

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """Crops the height and width of images.

    Args:
        cropping: int (the same everywhere), tuple of 2 ints (symmetric
            height and width crops), or tuple of 2 tuples of 2 ints
            `((top, bottom), (left, right))`.
        data_format: "channels_last" (`(batch, height, width, channels)`, the
            default) or "channels_first".

    Example:
        ```python
        lamina.layers.Cropping2D(((2, 2), (4, 4)))(lamina.Input((28, 28, 3))).shape   # (None, 24, 20, 3)
        ```
    """

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any) -> None:
        pairs = standardize_pairs(cropping, 2, "cropping")
        super().__init__(2, pairs, data_format, **kwargs)
        self.cropping = pairs


class Cropping3D(_Cropping):
    """Crops the three spatial axes of volumes.

    Args:
        cropping: int (the same everywhere), tuple of 3 ints (symmetric
            crops per axis), or tuple of 3 tuples of 2 ints
            `((start, end), (start, end), (start, end))`.
        data_format: "channels_last" (`(batch, dim1, dim2, dim3, channels)`,
            the default) or "channels_first".

    Example:
        ```python
        lamina.layers.Cropping3D(1)(lamina.Input((6, 6, 6, 2))).shape   # (None, 4, 4, 4, 2)
        ```
    """

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any) -> None:
        pairs = standardize_pairs(cropping, 3, "cropping")
        super().__init__(3, pairs, data_format, **kwargs)
        self.cropping = pairs
