"""`RandomSharpness`: sharpens or blurs each image by a random amount during training."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.random_brightness import check_value_range

# The 3x3 smoothing filter of PIL's `ImageEnhance.Sharpness` (and Keras).
_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype="float64") / 13.0


class RandomSharpness(ImagePreprocessingLayer):
    """Randomly changes the sharpness of images during training.

    Each image is blended with a smoothed copy of itself (3x3 filter):
    `image + (1 - s) * (smoothed - image)`, with `s = 2 f` and `f` drawn
    from `factor`, then clipped to `value_range`. `f = 0.5` keeps the image,
    smaller values blur it, larger ones sharpen it. The output has the
    layer's dtype; with `training=False` the layer returns its inputs cast to
    that dtype.

    Args:
        factor: a float `f` in `[0, 1]` (range `[0, f]`) or a pair
            `(lower, upper)`.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        data_format: "channels_last" (default) or "channels_first".
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomSharpness((0.5, 1.0), value_range=(0, 1), seed=0)
        sharper = layer(images, training=True)
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
        self.value_range = check_value_range(value_range)
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        if not training:
            return images
        rank = len(ops.shape(images))
        if rank == 3:
            images = ops.expand_dims(images, 0)
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        batch, channels = ops.shape(images)[0], ops.shape(images)[-1]
        draws = self._draw_factors(batch)
        sharpness = ops.reshape(draws * 2.0, (-1, 1, 1, 1))
        kernel = ops.convert_to_tensor(np.tile(_SMOOTH[:, :, None, None], (1, 1, channels, 1)), self.compute_dtype)
        smoothed = ops.depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last")
        images = images + (1.0 - sharpness) * (smoothed - images)
        images = ops.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 3, 1, 2))
        return images[0] if rank == 3 else images
