"""`Dropout`: randomly zeros inputs during training."""

from __future__ import annotations

from typing import Any

from lamina import random
from lamina.layers.layer import Layer


class Dropout(Layer):
    """Sets inputs to 0 with frequency `rate` at training time, scaling the rest.

    Kept inputs are scaled by `1 / (1 - rate)` so the expected sum is
    unchanged. At inference (`training=False`, the default outside `fit`)
    the layer returns its input.

    Args:
        rate: float in [0, 1), fraction of inputs to drop.
        noise_shape: shape of the binary mask, broadcast against the input
            (None entries take the input's size).
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.Dropout(0.2)
        layer(x, training=True)
        ```
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value "
                f"between 0 and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if training and self.rate > 0:
            if self.rate >= 1:
                from lamina import ops

                return ops.zeros_like(inputs)
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
