"""`Masking`: marks timesteps whose features all equal `mask_value` as padding."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps in which every feature equals `mask_value`.

    For inputs of shape `(batch, timesteps, features)`, a timestep is masked
    (mask False) when all its features equal `mask_value`. The output equals
    the input except that masked timesteps are zeroed, and it carries the
    mask, so the following layers that accept `mask` (RNNs, Softmax,
    BatchNormalization, ...) skip those timesteps.

    Args:
        mask_value: the padding value (default 0.0).

    Example:
        ```python
        inputs = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
        layer = lamina.layers.Masking(mask_value=0.0)
        layer.compute_mask(inputs)   # [[True, False, True]]
        ```
    """

    def __init__(self, mask_value: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            from lamina.saving.serialization import deserialize_keras_object

            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        # Layer.__call__ attaches compute_mask's result to the output.
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
