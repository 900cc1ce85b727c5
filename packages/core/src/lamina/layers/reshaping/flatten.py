"""`Flatten`: flattens all axes but the batch axis."""

from __future__ import annotations

import math
from typing import Any

from lamina import ops
from lamina.backend import config as backend_config
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Flatten(Layer):
    """Flattens the input, keeping the batch axis.

    Args:
        data_format: "channels_last" (default) or "channels_first"; with
            "channels_first" the channel axis is moved last before flattening
            so the ordering matches channels-last models.

    Example:
        ```python
        lamina.layers.Flatten()(lamina.Input((4, 5))).shape   # (None, 20)
        ```
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        data_format = (data_format or backend_config.image_data_format()).lower()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                "The `data_format` argument must be one of {'channels_first', "
                f"'channels_last'}}. Received: data_format={data_format}"
            )
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs: Any) -> Any:
        shape = ops.shape(inputs)
        rank = len(shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, rank)) + (1,))
        if rank == 1:
            return ops.expand_dims(inputs, axis=1)
        rest = shape[1:]
        if all(isinstance(d, int) for d in rest):
            return ops.reshape(inputs, (-1, math.prod(rest)))
        return ops.reshape(inputs, (shape[0], -1))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        rest = input_shape[1:]
        if not rest:
            return (input_shape[0], 1)
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
