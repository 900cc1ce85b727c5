"""`GaussianNoise`: adds zero-centered Gaussian noise while training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_fraction


class GaussianNoise(Layer):
    """Adds Gaussian noise of mean 0 and standard deviation `stddev` while training.

    A regularizer against overfitting, and a form of data augmentation for
    real-valued inputs. Identity at inference.

    Args:
        stddev: float in [0, 1], standard deviation of the noise.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.GaussianNoise(0.1, seed=0)
        layer(x, training=True)   # x + noise
        layer(x)                  # x
        ```
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stddev = check_fraction("stddev", stddev)
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if training and self.stddev > 0:
            noise = random.normal(
                ops.shape(inputs), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype, seed=self.seed_generator
            )
            return ops.add(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
