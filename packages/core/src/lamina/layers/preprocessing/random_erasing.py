"""`RandomErasing`: fills a random rectangle of images with noise or a constant during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.random_brightness import check_value_range


def parse_range(layer: ImagePreprocessingLayer, value: Any, name: str) -> tuple:
    """A number `f` (range `[0, f]`) or a pair, checked against the layer's `_FACTOR_BOUNDS`."""
    low, high = layer._FACTOR_BOUNDS
    message = (
        f"The `{name}` argument of {type(layer).__name__} should be a number (or a list of two numbers) "
        f"in the range [{low}, {high}]. Received: {name}={value}"
    )
    numbers = value if isinstance(value, (tuple, list)) else [value]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        raise ValueError(message)
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or value[0] > high or value[1] < low:
            raise ValueError(message)
        lower, upper = sorted(value)
        return lower, upper
    if value < low or value > high:
        raise ValueError(message)
    return max(-abs(value), low), abs(value)


class RandomErasing(ImagePreprocessingLayer):
    """Randomly erases a rectangle of each image during training (Zhong et al., 2017).

    Each image is erased with a probability drawn from `factor`. The
    rectangle's width and height are `sqrt(s) * width` and `sqrt(s) * height`
    with `s` drawn (separately for each side) from `scale`, at a uniform
    random position; its pixels are replaced by `fill_value`, or by Gaussian
    noise times `value_range[1]` when `fill_value` is None, clipped to
    `value_range`. The output has the layer's dtype; with `training=False`
    the layer returns its inputs cast to that dtype.

    Args:
        factor: the erasing probability: a float `f` in `[0, 1]` (drawn
            from `[0, f]`) or a pair `(lower, upper)`. Default 1.0.
        scale: range of the erased area fraction per side (before the square
            root), in `[0, 1]`. Default `(0.02, 0.33)`.
        fill_value: None (noise, default), a number, or 3 numbers (one per
            channel).
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        seed: optional int seed.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomErasing(factor=0.5, fill_value=0.0, value_range=(0, 1), seed=0)
        erased = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = (0.02, 0.33),
        fill_value: Any = None,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_range(self, factor, "factor")
        self.scale = parse_range(self, scale, "scale")
        fill_message = (
            "The `fill_value` argument should be None (Gaussian noise), a number, or a list of three numbers "
            f"(one per channel). Received: fill_value={fill_value}"
        )
        if isinstance(fill_value, (tuple, list)):
            if len(fill_value) != 3 or not all(isinstance(v, (int, float)) for v in fill_value):
                raise ValueError(fill_message)
        elif fill_value is not None and (not isinstance(fill_value, (int, float)) or isinstance(fill_value, bool)):
            raise ValueError(fill_message)
        self.fill_value = fill_value
        check_value_range(value_range)
        self.value_range = value_range
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        if not training:
            return images
        rank = len(ops.shape(images))
        if rank == 3:
            images = ops.expand_dims(images, 0)
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(4)
        batch, height, width = shape[0], shape[height_axis], shape[width_axis]
        sides = ops.sqrt(
            random.uniform(
                (batch, 2),
                minval=self.scale[0],
                maxval=self.scale[1],
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
        )
        x0, x1 = self._bounds(batch, width, sides[:, 0])
        y0, y1 = self._bounds(batch, height, sides[:, 1])
        rows = ops.arange(height, dtype=self.compute_dtype)
        cols = ops.arange(width, dtype=self.compute_dtype)
        inside_y = ops.logical_and(rows[None, :] >= y0[:, None], rows[None, :] < y1[:, None])
        inside_x = ops.logical_and(cols[None, :] >= x0[:, None], cols[None, :] < x1[:, None])
        box = ops.logical_and(inside_y[:, :, None], inside_x[:, None, :])  # (batch, height, width)
        box = box[..., None] if self.data_format == "channels_last" else box[:, None]
        probability = self._draw_factors(batch)
        apply = random.uniform((batch,), dtype=self.compute_dtype, seed=self.seed_generator) < probability
        mask = ops.logical_and(box, ops.reshape(apply, (-1, 1, 1, 1)))
        erased = ops.where(mask, self._fill(shape), images)
        return erased[0] if rank == 3 else erased

    def _bounds(self, batch: Any, length: int, side: Any) -> tuple:
        extent = side * length
        start = random.uniform((batch,), dtype=self.compute_dtype, seed=self.seed_generator) * (length - extent)
        return start, start + extent

    def _fill(self, shape: Any) -> Any:
        if self.fill_value is None:
            fill = random.normal(shape, dtype=self.compute_dtype, seed=self.seed_generator) * self.value_range[1]
        elif isinstance(self.fill_value, (tuple, list)):
            values = ops.convert_to_tensor(list(self.fill_value), self.compute_dtype)
            values = values if self.data_format == "channels_last" else ops.reshape(values, (3, 1, 1))
            fill = ops.broadcast_to(values, shape)
        else:
            fill = ops.full(shape, self.fill_value, dtype=self.compute_dtype)
        return ops.clip(fill, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "scale": self.scale,
                "fill_value": self.fill_value,
                "value_range": self.value_range,
                "seed": self.seed,
            }
        )
        return config
