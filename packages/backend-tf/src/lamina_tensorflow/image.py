"""Image ops on TensorFlow: `tf.image.resize` for bilinear resizing and
`ImageProjectiveTransformV3` for affine transforms with a constant fill.

TensorFlow's reflect/wrap/nearest fills map the continuous coordinate
before interpolating, which differs from `map_coordinates` at the borders;
those cases, and the other resize kernels (whose border handling differs
from `jax.image.resize`), use the contract's defaults.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.contract import ImageOps
from lamina_tensorflow.core import convert


class TensorFlowImageOps(ImageOps):
    def _resize_images(
        self, images: Any, height: int, width: int, interpolation: str, antialias: bool, data_format: str
    ) -> tf.Tensor:
        if interpolation != "bilinear":
            return super()._resize_images(images, height, width, interpolation, antialias, data_format)
        images = convert(images)
        if data_format == "channels_first":
            images = tf.transpose(images, (0, 2, 3, 1))
        resized = tf.image.resize(images, (height, width), method="bilinear", antialias=antialias)
        resized = tf.cast(resized, images.dtype)
        if data_format == "channels_first":
            resized = tf.transpose(resized, (0, 3, 1, 2))
        return resized

    def _affine_sample(self, images: Any, transform: Any, order: int, fill_mode: str, fill_value: float) -> tf.Tensor:
        if fill_mode != "constant":
            return super()._affine_sample(images, transform, order, fill_mode, fill_value)
        images = convert(images)
        shape = tf.shape(images)
        return tf.raw_ops.ImageProjectiveTransformV3(
            images=images,
            transforms=tf.cast(convert(transform), tf.float32),
            output_shape=shape[1:3],
            fill_value=tf.cast(fill_value, tf.float32),
            interpolation="BILINEAR" if order == 1 else "NEAREST",
            fill_mode="CONSTANT",
        )
