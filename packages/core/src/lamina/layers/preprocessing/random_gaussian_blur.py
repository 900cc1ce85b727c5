"""`RandomGaussianBlur`: blurs images with a random Gaussian kernel during training."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.layers.preprocessing.image_preprocessing_layer import ImagePreprocessingLayer
from lamina.layers.preprocessing.random_brightness import check_value_range
from lamina.layers.preprocessing.random_erasing import parse_range


def gaussian_kernel_1d(size: int, sigma: Any) -> Any:
    """The normalised Gaussian weights of `size` taps (sigma may be a tensor)."""
    taps = ops.arange(size, dtype=sigma.dtype) - (size - 1) / 2.0
    weights = ops.exp(-0.5 * ops.square(taps / sigma))
    return weights / ops.sum(weights)


class RandomGaussianBlur(ImagePreprocessingLayer):
    """Randomly blurs images with a Gaussian filter during training.

    Each image is blurred with a probability drawn from `factor`. One pair of
    standard deviations (horizontal, vertical) is drawn per call from
    `sigma` and the filter (zero padding at the borders) is shared by the
    batch, as in Keras 3; the result is clipped to `value_range`. The output
    has the layer's dtype; with `training=False` the layer returns its
    inputs cast to that dtype.

    Args:
        factor: the blur probability: a float `f` in `[0, 1]` (drawn from
            `[0, f]`) or a pair `(lower, upper)`. Default 1.0.
        kernel_size: an odd integer, or a pair of odd integers
            `(width, height)`. Default 3.
        sigma: the standard deviation range, a float `s` in `[0, 1]` (range
            `[0, s]`) or a pair. Default 1.0.
        value_range: `(min, max)` of the pixel values, default `(0, 255)`.
        data_format: "channels_last" (default) or "channels_first".
        seed: optional int seed.

    Example:
        ```python
        layer = lamina.layers.RandomGaussianBlur(factor=0.5, kernel_size=5, sigma=(0.5, 1.0), seed=0)
        blurred = layer(images, training=True)
        ```
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor: Any = 1.0,
        kernel_size: Any = 3,
        sigma: Any = 1.0,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_range(self, factor, "factor")
        sizes = kernel_size if isinstance(kernel_size, (tuple, list)) else [kernel_size]
        if (isinstance(kernel_size, (tuple, list)) and len(kernel_size) != 2) or not all(
            isinstance(k, int) and not isinstance(k, bool) and k > 0 and k % 2 == 1 for k in sizes
        ):
            raise ValueError(
                "`kernel_size` must be an odd positive integer or a pair of them (width, height). "
                f"Received: kernel_size={kernel_size}"
            )
        self.kernel_size = (sizes[0], sizes[-1])
        self.sigma = parse_range(self, sigma, "sigma")
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
        batch = ops.shape(images)[0]
        probability = self._draw_factors(batch)
        apply = random.uniform((batch,), dtype=self.compute_dtype, seed=self.seed_generator) < probability
        sigmas = (
            random.uniform(
                (2,), minval=self.sigma[0], maxval=self.sigma[1], dtype=self.compute_dtype, seed=self.seed_generator
            )
            + 1e-6
        )
        blurred = self._blur(images, sigmas)
        images = ops.where(ops.reshape(apply, (-1, 1, 1, 1)), blurred, images)
        images = ops.clip(images, self.value_range[0], self.value_range[1])
        return images[0] if rank == 3 else images

    def _blur(self, images: Any, sigmas: Any) -> Any:
        width_size, height_size = self.kernel_size
        kernel = ops.outer(gaussian_kernel_1d(height_size, sigmas[1]), gaussian_kernel_1d(width_size, sigmas[0]))
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        channels = ops.shape(images)[-1]
        kernel = ops.tile(kernel[:, :, None, None], (1, 1, channels, 1))
        blurred = ops.depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last")
        return ops.transpose(blurred, (0, 3, 1, 2)) if self.data_format == "channels_first" else blurred

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "factor": self.factor,
                "kernel_size": self.kernel_size,
                "sigma": self.sigma,
                "value_range": self.value_range,
                "seed": self.seed,
            }
        )
        return config
