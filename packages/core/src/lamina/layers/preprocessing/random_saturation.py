"""`RandomSaturation`: scales each image's colour saturation by a random factor during training."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend.config import epsilon
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.random_brightness import check_value_range


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else -3


def replace_channel(images: Any, index: int, channel: Any, data_format: str) -> Any:
    """`images` (3 channels) with channel `index` replaced by `channel` (no channel axis)."""
    axis = channel_axis(data_format)
    parts = [ops.take(images, i, axis=axis) for i in range(3)]
    parts[index] = channel
    return ops.stack(parts, axis=axis)


def per_image(values: Any, rank: int) -> Any:
    """`(batch,)` values shaped to broadcast against one channel of images of `rank`."""
    return ops.reshape(values, (-1, 1, 1)) if rank == 4 else ops.reshape(values, (1, 1))


class RandomSaturation(ImagePreprocessingLayer):
    """Randomly adjusts the colour saturation of RGB images during training.

    Each image's saturation (in HSV) is multiplied by `f / (1 - f)`, with
    `f` drawn from `factor`, and clipped to `value_range`: `f = 0.5` keeps
    the image, `f = 0` makes it gray, `f` near 1 fully saturates it. As in
    Keras 3, a single number `f` means the range `[-f, f]` (its negative
    draws make the image gray); pass a pair such as `(0.3, 0.7)` for a
    symmetric change. With `training=False` the layer returns its inputs
    unchanged.

    Args:
        factor: a float `f` in `[-1, 1]` or a pair `(lower, upper)`.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        data_format: "channels_last" (default) or "channels_first".
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomSaturation((0.3, 0.7), value_range=(0, 1), seed=0)
        adjusted = layer(images, training=True)
        ```
    """

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
        images = self._check_images(inputs)
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        rank = len(ops.shape(images))
        batch = ops.shape(images)[0] if rank == 4 else 1
        draws = self._draw_factors(batch)
        scale = per_image(draws / (1.0 - draws + epsilon()), rank)
        hsv = ops.image.rgb_to_hsv(images, data_format=self.data_format)
        saturation = ops.take(hsv, 1, axis=channel_axis(self.data_format)) * scale
        saturation = ops.clip(saturation, self.value_range[0], self.value_range[1])
        hsv = replace_channel(hsv, 1, saturation, self.data_format)
        return ops.image.hsv_to_rgb(hsv, data_format=self.data_format)
