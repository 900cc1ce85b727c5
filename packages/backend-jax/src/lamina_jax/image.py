"""Image ops on JAX: `jax.image.resize` and `jax.scipy.ndimage.map_coordinates`.

Affine transforms use the contract's gather-based sampler, which follows the
same boundary rules as `map_coordinates` and compiles under `jax.jit`.
"""

from __future__ import annotations

from typing import Any

import jax

from lamina.backend.contract import ImageOps
from lamina_jax.core import convert

_METHODS = {"bilinear": "linear", "bicubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


class JaxImageOps(ImageOps):
    def _resize_images(
        self, images: Any, height: int, width: int, interpolation: str, antialias: bool, data_format: str
    ) -> jax.Array:
        images = convert(images)
        shape = list(images.shape)
        h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
        shape[h_axis], shape[w_axis] = height, width
        return jax.image.resize(images, tuple(shape), method=_METHODS[interpolation], antialias=antialias)

    def _map_coordinates(self, inputs: Any, coordinates: Any, order: int, fill_mode: str, fill_value: float) -> Any:
        coordinates = convert(coordinates)
        return jax.scipy.ndimage.map_coordinates(
            convert(inputs), [coordinates[i] for i in range(coordinates.shape[0])], order, fill_mode, fill_value
        )
