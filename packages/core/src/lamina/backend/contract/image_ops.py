"""Image ops every backend provides (`lamina.ops` image namespace).

Images are batched tensors in `data_format` "channels_last" (default,
`(batch, height, width, channels)`) or "channels_first".
"""

from __future__ import annotations

from typing import Any

from lamina.backend.contract.base import OpNamespace

Tensor = Any


class ImageOps(OpNamespace):
    namespace = "image"
