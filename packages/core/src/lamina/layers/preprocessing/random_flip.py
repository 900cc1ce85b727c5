"""`RandomFlip`: flips images horizontally and/or vertically at random during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(ImagePreprocessingLayer):
    """Randomly flips images during training.

    Each image is flipped with probability 1/2. With
    "horizontal_and_vertical" the same draw flips an image along both axes
    (as Keras 3 does). Called with `training=False` (as in `predict`), the
    layer returns its inputs cast to the layer's dtype. Like every Keras
    image augmentation layer, a direct call without `training` augments.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical" (default).
        seed: optional int seed, for reproducible flips.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomFlip("horizontal", seed=1)
        flipped = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        mode: str = HORIZONTAL_AND_VERTICAL,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        modes = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)
        if mode not in modes:
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode. Expected one of {modes}. Received: mode={mode!r}"
            )
        self.mode = mode
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        if not training:
            return images
        rank = len(ops.shape(images))
        height_axis, width_axis = self._image_axes(rank)
        shape = (ops.shape(images)[0], 1, 1, 1) if rank == 4 else (1, 1, 1)
        flips = ops.less_equal(random.uniform(shape, seed=self.seed_generator), 0.5)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=width_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=height_axis), images)
        return images

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config
