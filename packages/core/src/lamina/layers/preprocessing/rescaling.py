"""`Rescaling`: `inputs * scale + offset`, e.g. pixel values from [0, 255] to [0, 1]."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.backend.config import image_data_format
from lamina.layers.layer import Layer
from lamina.saving import deserialize_keras_object, serialize_keras_object


class Rescaling(Layer):
    """Multiplies inputs by `scale` and adds `offset`.

    `scale` and `offset` may be numbers or arrays broadcast against the
    input (per-channel values). In "channels_first" image format an array
    `scale` is reshaped to `(channels, 1, 1)` so it lines up with the
    channel axis, as in Keras.

    Args:
        scale: float or array, the multiplier.
        offset: float or array, added after scaling (default 0).

    Example:
        ```python
        to_unit = lamina.layers.Rescaling(1.0 / 255)           # [0, 255] -> [0, 1]
        to_signed = lamina.layers.Rescaling(1.0 / 127.5, offset=-1)  # [0, 255] -> [-1, 1]
        ```
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            try:
                np.asarray(value, dtype="float64")
            except (TypeError, ValueError):
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected a number or an array of numbers. "
                    f"Received: {name}={value!r}"
                ) from None
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype
        scale = ops.cast(self.scale, dtype)
        offset = ops.cast(self.offset, dtype)
        scale_shape = tuple(ops.shape(scale))
        if scale_shape and image_data_format() == "channels_first":
            scale = ops.reshape(scale, scale_shape + (1,) * (3 - len(scale_shape)))
        return ops.cast(inputs, dtype) * scale + offset

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": serialize_keras_object(self.scale), "offset": serialize_keras_object(self.offset)})
        return config

    @classmethod
    def from_config(cls, config: dict) -> Rescaling:
        config = dict(config)
        config["scale"] = deserialize_keras_object(config["scale"])
        config["offset"] = deserialize_keras_object(config["offset"])
        return cls(**config)
