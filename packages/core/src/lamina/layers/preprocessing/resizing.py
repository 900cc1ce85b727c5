"""`Resizing`: resizes images to a fixed height and width."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend.contract.image_ops import RESIZE_INTERPOLATIONS
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer


def check_size(layer: str, height: Any, width: Any) -> None:
    for name, value in (("height", height), ("width", width)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(
                f"Received an invalid value for `{name}` of {layer}, expected a positive integer. "
                f"Received: {name}={value!r}"
            )


def resized_shape(input_shape: Any, height: int, width: int, data_format: str) -> tuple:
    shape = list(input_shape)
    if len(shape) not in (3, 4):
        raise ValueError(f"Expected an image shape of rank 3 or 4. Received: input_shape={tuple(input_shape)}")
    height_axis, width_axis = (-3, -2) if data_format == "channels_last" else (-2, -1)
    shape[height_axis], shape[width_axis] = height, width
    return tuple(shape)


class Resizing(ImagePreprocessingLayer):
    """Resizes images to `(height, width)`.

    Interpolation follows `lamina.ops.image.resize` (half-pixel centres, as
    `tf.image.resize` and `jax.image.resize`). Integer images keep their
    dtype (results are rounded and saturated).

    Args:
        height, width: the output size.
        interpolation: "bilinear" (default), "nearest", "bicubic", "lanczos3"
            or "lanczos5".
        crop_to_aspect_ratio: crop the largest centred window with the
            target aspect ratio first, so nothing is distorted.
        pad_to_aspect_ratio: pad the short side evenly with `fill_value`
            first, so nothing is distorted.
        fill_mode: only "constant".
        fill_value: padding value for `pad_to_aspect_ratio`.
        antialias: filter when downsampling.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.Resizing(224, 224, crop_to_aspect_ratio=True)
        layer(np.zeros((2, 300, 400, 3), "float32")).shape  # (2, 224, 224, 3)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        check_size("Resizing", height, width)
        if interpolation not in RESIZE_INTERPOLATIONS:
            raise ValueError(
                f"Invalid value for argument `interpolation`. Expected one of {RESIZE_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        if fill_mode != "constant":
            raise ValueError(
                f"Invalid value for argument `fill_mode`. Only 'constant' is supported. Received: fill_mode={fill_mode!r}"
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True. "
                f"Received: crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
            )
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def call(self, inputs: Any) -> Any:
        return ops.image.resize(
            self._check_images(inputs),
            (self.height, self.width),
            interpolation=self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return resized_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "antialias": self.antialias,
            }
        )
        return config
