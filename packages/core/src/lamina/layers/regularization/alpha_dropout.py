"""`AlphaDropout`: dropout that keeps the self-normalizing property of SELU networks."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_fraction

# SELU's constants: dropped units take SELU's negative saturation value.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for SELU networks: keeps the inputs' mean and variance.

    Dropped entries are set to SELU's negative saturation value
    `-alpha * scale`, then an affine transform `a * x + b` restores the
    original mean and variance (Klambauer et al., 2017). Identity at
    inference.

    Args:
        rate: float in [0, 1), fraction of inputs to drop.
        noise_shape: optional shape of the keep/drop pattern, broadcast against
            the input (None entries take the input's size).
        seed: optional int seed.

    Example:
        ```python
        model = lamina.Sequential([
            lamina.Input((16,)),
            lamina.layers.Dense(32, activation="selu", kernel_initializer="lecun_normal"),
            lamina.layers.AlphaDropout(0.1),
        ])
        ```
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = check_fraction("rate", rate, allow_one=False)
        if noise_shape is not None:
            if not isinstance(noise_shape, (list, tuple)) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in noise_shape
            ):
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected a tuple of positive ints or "
                    f"None entries. Received: noise_shape={noise_shape!r}"
                )
            noise_shape = tuple(noise_shape)
        self.noise_shape = noise_shape
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if not training or self.rate <= 0:
            return inputs
        shape = ops.shape(inputs)
        if self.noise_shape is not None:
            shape = tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        kept = ops.cast(
            ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate), ops.dtype(inputs)
        )
        dropped_value = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * dropped_value**2)) ** -0.5
        b = -a * dropped_value * self.rate
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(ops.subtract(1.0, kept), dropped_value))
        return ops.add(ops.multiply(x, a), b)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
