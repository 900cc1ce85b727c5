"""`RandomTranslation`: shifts images by a random offset during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer, affine_matrix
from lamina.layers.preprocessing.random_rotation import check_fill_and_interpolation


class RandomTranslation(ImagePreprocessingLayer):
    """Randomly translates images during training.

    Each image moves by `dy * height` pixels down and `dx * width` pixels
    right, with `dy` drawn from `height_factor` and `dx` from `width_factor`;
    uncovered pixels are filled according to `fill_mode`. With
    `training=False` the layer returns its inputs (cast to its dtype).

    Args:
        height_factor: a float `f` (range `[-f, f]`) or a pair `(lower, upper)`,
            fractions of the height in `[-1, 1]`.
        width_factor: same, for the width.
        fill_mode: "reflect" (default), "wrap", "constant" or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: optional int seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=0)
        shifted = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._shift_range(height_factor, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = self._shift_range(width_factor, "width_factor")
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    @staticmethod
    def _shift_range(factor: Any, name: str) -> tuple:
        message = (
            "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
            f"Received: {name}={factor}"
        )

        def check(value: Any) -> None:
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not -1.0 <= value <= 1.0:
                raise ValueError(message)

        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(message)
            check(factor[0])
            check(factor[1])
            lower, upper = sorted(factor)
            return lower, upper
        check(factor)
        return -abs(factor), abs(factor)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        if not training:
            return images
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(len(shape))
        height, width = shape[height_axis], shape[width_axis]
        batch = shape[0] if len(shape) == 4 else 1
        shift_y = random.uniform((batch,), minval=self.height_lower, maxval=self.height_upper, seed=self.seed_generator)
        shift_x = random.uniform((batch,), minval=self.width_lower, maxval=self.width_upper, seed=self.seed_generator)
        transform = affine_matrix(shift_x=-shift_x * width, shift_y=-shift_y * height, height=height, width=width)
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
                "height_factor": self.height_factor,
                "width_factor": self.width_factor,
                "fill_mode": self.fill_mode,
                "interpolation": self.interpolation,
                "seed": self.seed,
                "fill_value": self.fill_value,
            }
        )
        return config
