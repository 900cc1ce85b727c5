"""Image ops on PyTorch: `interpolate` for bilinear resizing, `grid_sample`
for bilinear affine transforms with a constant fill.

Other cases (nearest sampling, whose rounding differs from `grid_sample`'s,
and the reflect/wrap/mirror fills) use the contract's gather-based defaults,
so every backend gives the same numbers.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend.contract import ImageOps
from lamina.backend.contract.image_ops import affine_coordinates
from lamina_torch.core import convert


class TorchImageOps(ImageOps):
    def _resize_images(
        self, images: Any, height: int, width: int, interpolation: str, antialias: bool, data_format: str
    ) -> torch.Tensor:
        if interpolation != "bilinear":
            return super()._resize_images(images, height, width, interpolation, antialias, data_format)
        images = convert(images)
        if data_format == "channels_last":
            images = images.permute(0, 3, 1, 2)
        resized = F.interpolate(images, size=(height, width), mode="bilinear", align_corners=False, antialias=antialias)
        if data_format == "channels_last":
            resized = resized.permute(0, 2, 3, 1)
        return resized

    def _affine_sample(
        self, images: Any, transform: Any, order: int, fill_mode: str, fill_value: float
    ) -> torch.Tensor:
        images = convert(images)
        _, height, width, _ = images.shape
        if order != 1 or fill_mode != "constant" or height < 2 or width < 2:
            return super()._affine_sample(images, transform, order, fill_mode, fill_value)
        y_in, x_in = affine_coordinates(self.backend, transform, height, width)
        # grid_sample with align_corners=True maps -1 and 1 to the centres of
        # the edge pixels; its zero padding gives each out-of-range neighbour
        # weight times zero, so sampling `images - fill` and adding `fill`
        # back fills with `fill_value` exactly as map_coordinates does.
        grid = torch.stack([x_in * (2.0 / (width - 1)) - 1.0, y_in * (2.0 / (height - 1)) - 1.0], dim=-1)
        grid = grid.expand(images.shape[0], -1, -1, -1)  # one transform for the whole batch
        shifted = (images - fill_value).permute(0, 3, 1, 2)
        sampled = F.grid_sample(
            shifted, grid.to(images.dtype), mode="bilinear", padding_mode="zeros", align_corners=True
        )
        return sampled.permute(0, 2, 3, 1) + fill_value
