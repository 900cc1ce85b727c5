"""`ImagePreprocessingLayer`: what the image preprocessing layers share.

The data format, the `factor` argument of the random layers, checks of the
input rank, and the affine matrices of rotations, zooms and shifts in the
8-parameter convention of `lamina.ops.image.affine_transform`.

The layers take image tensors (rank 3 or 4). Keras 3 also accepts dicts of
images, bounding boxes, labels and segmentation masks; Lamina does not
transform bounding boxes yet, and says so when given one.
"""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.backend.contract.image_ops import standardize_data_format
from lamina.layers.layer import Layer


class ImagePreprocessingLayer(Layer):
    """Base of the image preprocessing layers (not exported)."""

    #: Whether the layer takes Keras's generic `factor` argument.
    _USE_BASE_FACTOR = True
    #: Range a `factor` value must lie in.
    _FACTOR_BOUNDS = (-1, 1)
    #: The layer's own arguments `get_config` adds (after `data_format`), read from its attributes.
    _CONFIG_ATTRIBUTES: tuple[str, ...] = ()

    def __init__(
        self, factor: Any = None, bounding_box_format: str | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if bounding_box_format is not None:
            raise ValueError(
                f"{type(self).__name__} in Lamina transforms images only; bounding boxes are not supported yet. "
                f"Received: bounding_box_format={bounding_box_format!r}. Remove the argument."
            )
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self.factor = self._parse_factor(0.0 if factor is None else factor)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. Received: factor={factor}"
            )
        self.built = True

    def _parse_factor(self, factor: Any) -> tuple:
        low, high = self._FACTOR_BOUNDS
        message = (
            f"The `factor` argument of {type(self).__name__} should be a number (or a list of two numbers) "
            f"in the range [{low}, {high}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(_is_number(f) for f in factor):
                raise ValueError(message)
            if factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
            return lower, upper
        if not _is_number(factor) or factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor

    # -- randomness -----------------------------------------------------------------------
    def _init_seed(self, seed: int | None) -> None:
        """Keeps `seed` (for the config) and makes the layer's SeedGenerator from it."""
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)

    def _draw_factors(self, count: Any) -> Any:
        """`count` values drawn uniformly from the `factor` range, in the layer's dtype."""
        low, high = self.factor
        return random.uniform((count,), minval=low, maxval=high, dtype=self.compute_dtype, seed=self.seed_generator)

    # -- shapes -------------------------------------------------------------------------
    def _image_axes(self, rank: int) -> tuple:
        """(height axis, width axis) for inputs of `rank`."""
        if rank not in (3, 4):
            raise ValueError(
                f"{type(self).__name__} expects images of rank 3 (one image) or 4 (a batch). "
                f"Received input of rank {rank}."
            )
        return (-3, -2) if self.data_format == "channels_last" else (-2, -1)

    def _check_images(self, inputs: Any) -> Any:
        if isinstance(inputs, dict):
            raise ValueError(
                f"{type(self).__name__} in Lamina takes a tensor of images; dicts of images, labels, "
                "bounding boxes and masks are not supported yet. Pass the images tensor."
            )
        self._image_axes(len(ops.shape(inputs)))
        return inputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        config.update({name: getattr(self, name) for name in self._CONFIG_ATTRIBUTES})
        return config


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def affine_matrix(
    angle: Any = None,
    zoom_x: Any = None,
    zoom_y: Any = None,
    shift_x: Any = None,
    shift_y: Any = None,
    *,
    height: Any,
    width: Any,
) -> Any:
    """Batched `(batch, 8)` transforms: rotate by `angle` (radians) and zoom
    about the image centre, then shift by `(shift_x, shift_y)` pixels.

    Each argument is a `(batch,)` tensor or None. The matrix maps output
    pixels to input pixels (the inverse motion), as `affine_transform` wants.
    """
    present = next(v for v in (angle, zoom_x, zoom_y, shift_x, shift_y) if v is not None)
    zeros = ops.zeros_like(present)
    ones = ops.ones_like(present)
    cos = ops.cos(angle) if angle is not None else ones
    sin = ops.sin(angle) if angle is not None else zeros
    zoom_x = ones if zoom_x is None else zoom_x
    zoom_y = ones if zoom_y is None else zoom_y
    shift_x = zeros if shift_x is None else shift_x
    shift_y = zeros if shift_y is None else shift_y
    center_x = (ops.cast(width, present.dtype) - 1.0) / 2.0
    center_y = (ops.cast(height, present.dtype) - 1.0) / 2.0
    a0 = zoom_x * cos
    a1 = -zoom_x * sin
    b0 = zoom_y * sin
    b1 = zoom_y * cos
    a2 = shift_x + center_x - center_x * a0 - center_y * a1
    b2 = shift_y + center_y - center_x * b0 - center_y * b1
    return ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
