"""`RandomHue`: rotates each image's hue by a random amount during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.random_brightness import check_value_range
from lamina.layers.preprocessing.random_saturation import channel_axis, per_image, replace_channel


class RandomHue(ImagePreprocessingLayer):
    """Randomly shifts the hue of RGB images during training.

    Each image's hue (in HSV, on a `[0, 1)` circle) is shifted by
    `±f / 2`, with `f` drawn from `factor` and the sign drawn at random;
    `f = 1` turns colours to their complements. Pixels are mapped from
    `value_range` to `[0, 1]` and back. With `training=False` the layer
    returns its inputs unchanged.

    Args:
        factor: a float `f` in `[0, 1]` (range `[0, f]`) or a pair
            `(lower, upper)`.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        data_format: "channels_last" (default) or "channels_first".
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomHue(0.2, value_range=(0, 1), seed=0)
        shifted = layer(images, training=True)
        ```
    """

    _FACTOR_BOUNDS = (0, 1)
    _CONFIG_ATTRIBUTES = ("factor", "value_range", "seed")

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        check_value_range(value_range)
        self.value_range = value_range
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = self._check_images(inputs)
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        rank = len(ops.shape(images))
        batch = ops.shape(images)[0] if rank == 4 else 1
        signs = ops.where(random.uniform((batch,), seed=self.seed_generator) > 0.5, -1.0, 1.0)
        amounts = self._draw_factors(batch)
        shift = per_image(ops.cast(signs, self.compute_dtype) * amounts * 0.5, rank)
        low, high = self.value_range
        unit = (images - low) / (high - low)
        hsv = ops.image.rgb_to_hsv(unit, data_format=self.data_format)
        hue = ops.take(hsv, 0, axis=channel_axis(self.data_format)) + shift
        hue = ops.where(hue > 1.0, hue - 1.0, hue)
        hue = ops.where(hue < 0.0, hue + 1.0, hue)
        rgb = ops.image.hsv_to_rgb(replace_channel(hsv, 0, hue, self.data_format), data_format=self.data_format)
        return ops.clip(rgb, 0.0, 1.0) * (high - low) + low
