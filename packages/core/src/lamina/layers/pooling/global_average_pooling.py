"""`GlobalAveragePooling1D`, `GlobalAveragePooling2D`, `GlobalAveragePooling3D`: the mean over all spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalAveragePooling(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.mean(inputs, axis=self.spatial_axes, keepdims=self.keepdims)


class GlobalAveragePooling1D(_GlobalAveragePooling):
    """Global average pooling over the steps of temporal data, honouring a mask.

    With a mask `(batch, steps)` (passed as `mask=` or propagated from an
    `Embedding(mask_zero=True)` or `Masking` layer), only unmasked steps are
    averaged. The output carries no mask.

    Args:
        data_format: "channels_last" (`(batch, steps, features)`, the default)
            or "channels_first" (`(batch, features, steps)`).
        keepdims: keep the steps axis with size 1.

    Example:
        ```python
        lamina.layers.GlobalAveragePooling1D()(lamina.Input((10, 4))).shape   # (None, 4)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        steps_axis = self.spatial_axes[0]
        mask = ops.expand_dims(ops.cast(mask, "bool"), 2 if self.data_format == "channels_last" else 1)
        weights = ops.cast(mask, ops.dtype(inputs))
        total = ops.sum(ops.where(mask, inputs, 0.0), axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(weights, axis=steps_axis, keepdims=self.keepdims))

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        return None


class GlobalAveragePooling2D(_GlobalAveragePooling):
    """Global average pooling over the height and width of images.

    Args:
        data_format: "channels_last" (`(batch, height, width, channels)`, the
            default) or "channels_first".
        keepdims: keep the spatial axes with size 1.

    Example:
        ```python
        lamina.layers.GlobalAveragePooling2D()(lamina.Input((8, 8, 3))).shape   # (None, 3)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(_GlobalAveragePooling):
    """Global average pooling over the three spatial axes of volumes.

    Args:
        data_format: "channels_last" (`(batch, dim1, dim2, dim3, channels)`,
            the default) or "channels_first".
        keepdims: keep the spatial axes with size 1.

    Example:
        ```python
        lamina.layers.GlobalAveragePooling3D()(lamina.Input((4, 4, 4, 2))).shape   # (None, 2)
        ```
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)
