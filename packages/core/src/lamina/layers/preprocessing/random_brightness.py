"""`RandomBrightness`: shifts each image's brightness by a random amount during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer


class RandomBrightness(ImagePreprocessingLayer):
    """Randomly adjusts the brightness of images during training.

    Each image gets one random offset `d * (max - min)` added to all its
    pixels and channels, with `d` drawn from `factor` and `(min, max)` the
    `value_range`; the result is clipped to `value_range`. With
    `training=False` the layer returns its inputs unchanged.

    Args:
        factor: a float `f` in `[-1, 1]` (range `[-f, f]`) or a pair
            `(lower, upper)`. Negative values darken, positive ones brighten.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomBrightness(0.2, value_range=(0, 1), seed=0)
        brighter_or_darker = layer(images, training=True)
        ```
    """

    _CONFIG_ATTRIBUTES = ("factor", "value_range", "seed")

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(factor=factor, **kwargs)
        self.value_range = check_value_range(value_range)
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = self._check_images(inputs)
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        shape = ops.shape(images)
        delta_shape = (shape[0], 1, 1, 1) if len(shape) == 4 else (1, 1, 1)
        delta = random.uniform(
            delta_shape,
            minval=self.factor[0],
            maxval=self.factor[1],
            dtype=self.compute_dtype,
            seed=self.seed_generator,
        )
        low, high = self.value_range
        return ops.clip(images + delta * (high - low), low, high)


def check_value_range(value_range: Any) -> list:
    """Validates a `(min, max)` pixel range and returns it sorted, as Keras does."""
    if (
        not isinstance(value_range, (tuple, list))
        or len(value_range) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)
    ):
        raise ValueError(
            "The `value_range` argument should be a list of two numbers (min, max), e.g. (0, 255). "
            f"Received: value_range={value_range}"
        )
    return sorted(value_range)
