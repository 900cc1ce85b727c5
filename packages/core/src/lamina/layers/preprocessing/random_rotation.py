"""`RandomRotation`: rotates images by a random angle during training."""

from __future__ import annotations

import math
from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer, affine_matrix

SUPPORTED_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
SUPPORTED_INTERPOLATIONS = ("nearest", "bilinear")


def check_fill_and_interpolation(fill_mode: str, interpolation: str) -> None:
    """The argument checks shared by the random affine layers (Keras raises NotImplementedError)."""
    if fill_mode not in SUPPORTED_FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode!r}. Expected one of {SUPPORTED_FILL_MODES}.")
    if interpolation not in SUPPORTED_INTERPOLATIONS:
        raise NotImplementedError(
            f"Unknown `interpolation` {interpolation!r}. Expected one of {SUPPORTED_INTERPOLATIONS}."
        )


class RandomRotation(ImagePreprocessingLayer):
    """Randomly rotates images during training.

    Each image turns about its centre by an angle drawn uniformly from
    `factor * 2π` (counter-clockwise for positive angles); points that
    come from outside the image are filled according to `fill_mode`. With
    `training=False` the layer returns its inputs (cast to the layer's dtype).

    Args:
        factor: a float `f` (angles in `[-f, f]` turns) or a pair
            `(lower, upper)`; values in `[-1, 1]`. `0.2` means up to ±72°.
        fill_mode: "reflect" (default), "wrap", "constant" or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: optional int seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomRotation(0.1, fill_mode="constant", seed=3)
        rotated = layer(images, training=True)
        ```
    """

    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        if not training:
            return images
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(len(shape))
        batch = shape[0] if len(shape) == 4 else 1
        degrees = random.uniform(
            (batch,), minval=self.factor[0] * 360.0, maxval=self.factor[1] * 360.0, seed=self.seed_generator
        )
        transform = affine_matrix(angle=degrees * (math.pi / 180.0), height=shape[height_axis], width=shape[width_axis])
        if len(shape) == 3:
            transform = ops.squeeze(transform, axis=0)
        return ops.image.affine_transform(
            images,
            transform,
            interpolation=self.interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "interpolation": self.interpolation,
                "seed": self.seed,
            }
        )
        return config
