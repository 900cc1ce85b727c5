"""`UpSampling1D`, `UpSampling2D`, `UpSampling3D`: repeat (or interpolate) along spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.convolutional.arguments import standardize_data_format, standardize_tuple
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

# Interpolations of UpSampling2D: "nearest" repeats pixels; the others go through `ops.image.resize`.
_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class _UpSampling(Layer):
    """Repeats every element `size[i]` times along spatial axis `i`."""

    def __init__(self, rank: int, size: tuple, data_format: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format)
        self._factors = size
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _spatial_axes(self) -> tuple:
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self.rank))

    def call(self, inputs: Any) -> Any:
        for axis, factor in zip(self._spatial_axes(), self._factors):
            if factor > 1:
                inputs = ops.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        for axis, factor in zip(self._spatial_axes(), self._factors):
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)


class UpSampling1D(_UpSampling):
    """Repeats each step of temporal data `(batch, steps, features)` `size` times.

    Args:
        size: positive int, the upsampling factor.

    Example:
        ```python
        lamina.layers.UpSampling1D(3)(lamina.Input((4, 2))).shape   # (None, 12, 2)
        ```
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size).__name__}. Received: size={size!r}")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        super().__init__(1, (size,), "channels_last", **kwargs)
        self.size = size

    def get_config(self) -> dict:
        config = super().get_config()
        config["size"] = self.size
        return config


class UpSampling2D(_UpSampling):
    """Upsamples images by `size` factors: repeats pixels, or interpolates.

    Args:
        size: int or tuple of 2 ints, the factors for height and width.
        data_format: "channels_last" (`(batch, height, width, channels)`, the
            default) or "channels_first".
        interpolation: "nearest" (repeat each pixel), "bilinear", "bicubic",
            "lanczos3" or "lanczos5" (resampling with half-pixel centres, as
            `lamina.ops.image.resize`).

    Example:
        ```python
        lamina.layers.UpSampling2D(2, interpolation="bilinear")(lamina.Input((4, 4, 3))).shape   # (None, 8, 8, 3)
        ```
    """

    def __init__(
        self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest", **kwargs: Any
    ) -> None:
        size = standardize_tuple(size, 2, "size")
        method = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if method not in _INTERPOLATIONS:
            raise ValueError(
                f"Unknown value for `interpolation` of UpSampling2D. Expected one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        super().__init__(2, size, data_format, **kwargs)
        self.size = size
        self.interpolation = method

    def call(self, inputs: Any) -> Any:
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = ops.shape(inputs)
        height, width = (shape[1], shape[2]) if self.data_format == "channels_last" else (shape[2], shape[3])
        return ops.image.resize(
            inputs,
            (height * self.size[0], width * self.size[1]),
            interpolation=self.interpolation,
            data_format=self.data_format,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config


class UpSampling3D(_UpSampling):
    """Repeats each element of volumes `size` times along the three spatial axes.

    Args:
        size: int or tuple of 3 ints, the factors per spatial axis.
        data_format: "channels_last" (`(batch, dim1, dim2, dim3, channels)`,
            the default) or "channels_first".

    Example:
        ```python
        lamina.layers.UpSampling3D(2)(lamina.Input((2, 3, 4, 1))).shape   # (None, 4, 6, 8, 1)
        ```
    """

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any) -> None:
        size = standardize_tuple(size, 3, "size")
        super().__init__(3, size, data_format, **kwargs)
        self.size = size

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
