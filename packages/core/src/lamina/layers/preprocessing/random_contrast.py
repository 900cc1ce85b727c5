"""`RandomContrast`: scales each image's contrast by a random factor during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer


class RandomContrast(ImagePreprocessingLayer):
    """Randomly adjusts the contrast of images during training.

    For each image and channel, pixels move away from (or towards) their
    mean: `(x - mean) * c + mean`, with `c` drawn from
    `[1 - lower, 1 + upper]`, then the result is clipped to `value_range`.
    With `training=False` the layer returns its inputs unchanged.

    Keras 3 bounds `factor` to `[0, 1]` and turns a single number `f` into
    `(lower, upper) = (0, f)`, so `c` is drawn from `[1, 1 + f]`; Lamina
    keeps that behaviour (and that config) for compatibility. Pass
    `factor=(f, f)` for the symmetric range `[1 - f, 1 + f]`.

    Args:
        factor: a float `f` or a pair `(lower, upper)`, values in `[0, 1]`.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomContrast((0.2, 0.2), value_range=(0, 1), seed=0)
        adjusted = layer(images, training=True)
        ```
    """

    _FACTOR_BOUNDS = (0, 1)
    _CONFIG_ATTRIBUTES = ("factor", "value_range", "seed")

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(factor=factor, **kwargs)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                f"The `value_range` argument should be a pair (min, max). Received: value_range={value_range}"
            )
        self.value_range = value_range
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = self._check_images(inputs)
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(len(shape))
        factor_shape = (shape[0], 1, 1, 1) if len(shape) == 4 else (1, 1, 1)
        contrast = random.uniform(
            factor_shape,
            minval=1.0 - self.factor[0],
            maxval=1.0 + self.factor[1],
            dtype=self.compute_dtype,
            seed=self.seed_generator,
        )
        mean = ops.mean(ops.mean(images, axis=height_axis, keepdims=True), axis=width_axis, keepdims=True)
        adjusted = (images - mean) * contrast + mean
        return ops.clip(adjusted, self.value_range[0], self.value_range[1])
