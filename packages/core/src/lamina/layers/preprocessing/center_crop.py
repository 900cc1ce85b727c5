"""`CenterCrop`: crops the central `height x width` window of images."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.resizing import check_size, resized_shape


class CenterCrop(ImagePreprocessingLayer):
    """Crops the centre of images to `(height, width)`.

    When an image is smaller than the target in either dimension, the
    largest centred window with the target aspect ratio is resized (bilinear)
    to the target instead, as Keras does. The output has the layer's dtype.

    Args:
        height, width: the output size.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.CenterCrop(24, 24)
        layer(np.zeros((2, 32, 32, 3), "float32")).shape  # (2, 24, 24, 3)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        check_size("CenterCrop", height, width)
        self.height = height
        self.width = width

    def call(self, inputs: Any) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(len(shape))
        height_diff = shape[height_axis] - self.height
        width_diff = shape[width_axis] - self.width
        if height_diff < 0 or width_diff < 0:
            return ops.image.resize(
                images, (self.height, self.width), crop_to_aspect_ratio=True, data_format=self.data_format
            )
        top, left = height_diff // 2, width_diff // 2
        key = [slice(None)] * len(shape)
        key[height_axis] = slice(top, top + self.height)
        key[width_axis] = slice(left, left + self.width)
        return images[tuple(key)]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return resized_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
