"""`Activation`: applies an activation function."""

from __future__ import annotations

from typing import Any

from lamina import activations
from lamina.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: a function or the name of one ("relu", "softmax", ...).

    Example:
        ```python
        layer = lamina.layers.Activation("relu")
        layer([-3.0, 0.0, 2.0])   # [0., 0., 2.]
        ```
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
