"""`RandomZoom`: zooms images in or out by a random factor during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer, affine_matrix
from lamina.layers.preprocessing.random_rotation import check_fill_and_interpolation


class RandomZoom(ImagePreprocessingLayer):
    """Randomly zooms images during training.

    The sampling grid of each image is scaled about the image centre by
    `1 + h` vertically and `1 + w` horizontally, with `h` drawn from
    `height_factor` and `w` from `width_factor` (the same draw as `h` when
    `width_factor` is None, which keeps the aspect ratio). Positive factors
    zoom out (the image shrinks), negative ones zoom in. With
    `training=False` the layer returns its inputs (cast to its dtype).

    Args:
        height_factor: a float `f` (range `[-f, f]`) or a pair `(lower, upper)`,
            values in `(-1, 1]`.
        width_factor: same, for the width; None (default) follows the height.
        fill_mode: "reflect" (default), "wrap", "constant" or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: optional int seed.
        fill_value: the value for `fill_mode="constant"`.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomZoom(height_factor=(-0.3, -0.2), seed=0)  # zoom in 20-30%
        zoomed = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._zoom_range(height_factor, "height_factor")
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = self._zoom_range(width_factor, "width_factor")
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    @staticmethod
    def _zoom_range(factor: Any, name: str) -> tuple:
        message = (
            f"The `{name}` argument should be a number (or a list of two numbers) in the range (-1.0, 1.0]. "
            f"Received: {name}={factor}"
        )

        def check(value: Any) -> None:
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value > 1.0 or value <= -1.0:
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
        batch = shape[0] if len(shape) == 4 else 1
        zoom_y = random.uniform(
            (batch,), minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper, seed=self.seed_generator
        )
        zoom_x = zoom_y
        if self.width_factor is not None:
            zoom_x = random.uniform(
                (batch,), minval=1.0 + self.width_lower, maxval=1.0 + self.width_upper, seed=self.seed_generator
            )
        transform = affine_matrix(zoom_x=zoom_x, zoom_y=zoom_y, height=shape[height_axis], width=shape[width_axis])
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
