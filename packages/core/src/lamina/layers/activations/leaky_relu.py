"""`LeakyReLU`: ReLU with a small slope for negative inputs."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import activations
from lamina.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: `x` if `x >= 0` else `negative_slope * x`.

    Args:
        negative_slope: non-negative float, slope for negative inputs
            (default 0.3, as in Keras 3; `alpha` is accepted as a deprecated
            alias).

    Example:
        ```python
        layer = lamina.layers.LeakyReLU()
        layer(np.array([-2.0, 1.0]))   # [-0.6, 1.]
        ```
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` of LeakyReLU is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if not isinstance(negative_slope, (int, float)) or isinstance(negative_slope, bool) or negative_slope < 0:
            raise ValueError(
                "The `negative_slope` of a LeakyReLU layer cannot be None or a negative value. Pass a float >= 0. "
                f"Received: negative_slope={negative_slope!r}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
