"""`RandomGrayscale`: turns images to grayscale at random during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer


class RandomGrayscale(ImagePreprocessingLayer):
    """Randomly converts images to grayscale during training.

    Each image is converted with probability `factor`; a converted image
    keeps its number of channels (each channel holds the luminance
    `0.2989 R + 0.5870 G + 0.1140 B`). Inputs have 3 (RGB) or 1 channel. With
    `training=False` the layer returns its inputs unchanged.

    Args:
        factor: the probability of converting an image, in `[0, 1]`
            (default 0.5).
        data_format: "channels_last" (default) or "channels_first".
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomGrayscale(factor=0.3, seed=0)
        mixed = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False

    _CONFIG_ATTRIBUTES = ("factor", "seed")

    def __init__(
        self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(factor, (int, float)) or isinstance(factor, bool) or not 0 <= factor <= 1:
            raise ValueError(f"`factor` should be a probability between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = self._check_images(inputs)
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        shape = ops.shape(images)
        batch = shape[0] if len(shape) == 4 else 1
        draws = random.uniform((batch,), seed=self.seed_generator)
        apply = ops.reshape(ops.less(draws, self.factor), (batch, 1, 1, 1) if len(shape) == 4 else (1, 1, 1))
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(apply, gray, images)
