"""`Identity`: returns its input unchanged (a placeholder layer)."""

from __future__ import annotations

from typing import Any

from lamina.layers.layer import Layer


class Identity(Layer):
    """Returns its input unchanged.

    Example:
        >>> lamina.layers.Identity()(x) is x
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
