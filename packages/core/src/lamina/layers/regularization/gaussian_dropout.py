"""`GaussianDropout`: multiplies inputs by noise centered on 1 while training."""

from __future__ import annotations

import math
from typing import Any

from lamina import ops, random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_fraction


class GaussianDropout(Layer):
    """Multiplies inputs by Gaussian noise of mean 1 while training.

    The noise has standard deviation `sqrt(rate / (1 - rate))`, the spread of
    dropout's `1 / (1 - rate)` scaling. Identity at inference.

    Args:
        rate: float in [0, 1), the equivalent drop probability.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.GaussianDropout(0.2, seed=0)
        layer(x, training=True)   # x * noise, noise ~ N(1, 0.5)
        ```
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = check_fraction("rate", rate, allow_one=False)
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(
                ops.shape(inputs), mean=1.0, stddev=stddev, dtype=self.compute_dtype, seed=self.seed_generator
            )
            return ops.multiply(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
