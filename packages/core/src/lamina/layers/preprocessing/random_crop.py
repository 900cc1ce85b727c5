"""`RandomCrop`: crops a random `height x width` window of images during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.resizing import check_size, resized_shape


class RandomCrop(ImagePreprocessingLayer):
    """Randomly crops images to `(height, width)` during training.

    In training, one random window position is drawn per call and the whole
    batch is cropped there (as Keras 3 does). When the layer does not crop at
    random (`training=False`, or an image that is not larger than the target
    in both dimensions), it returns the largest centred window with the
    target aspect ratio, resized (bilinear) to `(height, width)`: the
    behaviour the Keras 3 documentation describes, and what `CenterCrop`
    does. (Keras 3.15 itself returns the images unchanged at inference,
    keras-team/keras#21868, which breaks the output shape.) The output has
    the layer's dtype.

    Args:
        height: the output height, a positive integer.
        width: the output width, a positive integer.
        seed: optional int seed.
        data_format: "channels_last" (default) or "channels_first".

    Example:
        ```python
        layer = lamina.layers.RandomCrop(24, 24, seed=0)
        layer(np.zeros((2, 32, 32, 3), "float32"), training=True).shape  # (2, 24, 24, 3)
        ```
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self, height: int, width: int, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        check_size("RandomCrop", height, width)
        self.height = height
        self.width = width
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = True) -> Any:
        images = ops.cast(self._check_images(inputs), self.compute_dtype)
        shape = ops.shape(images)
        height_axis, width_axis = self._image_axes(len(shape))
        input_height, input_width = shape[height_axis], shape[width_axis]
        if input_height is None or input_width is None:
            raise ValueError(
                "RandomCrop needs images with a known height and width. "
                f"Received: images.shape={tuple(shape)}. Give the Input layer a full image shape."
            )
        if not (training and input_height > self.height and input_width > self.width):
            return ops.image.resize(
                images, (self.height, self.width), crop_to_aspect_ratio=True, data_format=self.data_format
            )
        top = self._random_offset(input_height - self.height)
        left = self._random_offset(input_width - self.width)
        zero = ops.zeros((), "int32")
        start = [zero] * len(shape)
        start[height_axis] = top
        start[width_axis] = left
        size = list(shape)
        size[height_axis] = self.height
        size[width_axis] = self.width
        return ops.slice(images, start, size)

    def _random_offset(self, largest: int) -> Any:
        """A random int32 offset in `[0, largest]`."""
        draw = random.uniform((), minval=0.0, maxval=float(largest + 1), seed=self.seed_generator)
        return ops.minimum(ops.cast(draw, "int32"), largest)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return resized_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
