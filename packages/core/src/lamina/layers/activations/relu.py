"""`ReLU`: the rectified linear unit, with optional leak, cap and threshold."""

from __future__ import annotations

from typing import Any

from lamina import activations
from lamina.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit activation layer.

    Computes `min(x, max_value)` for `x >= threshold` and
    `negative_slope * (x - threshold)` below the threshold.

    Args:
        max_value: optional non-negative float, the largest output.
        negative_slope: non-negative float, slope below the threshold.
        threshold: non-negative float, values below it are damped.

    Example:
        ```python
        layer = lamina.layers.ReLU(max_value=1.0)
        layer(np.array([-3.0, 0.5, 2.0]))   # [0., 0.5, 1.]
        ```
    """

    def __init__(
        self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if max_value is not None and (not isinstance(max_value, (int, float)) or max_value < 0.0):
            raise ValueError(
                f"`max_value` of a ReLU layer cannot be a negative value. Pass None or a float >= 0. "
                f"Received: max_value={max_value!r}"
            )
        if not isinstance(negative_slope, (int, float)) or negative_slope < 0.0:
            raise ValueError(
                "`negative_slope` of a ReLU layer cannot be None or a negative value. Pass a float >= 0. "
                f"Received: negative_slope={negative_slope!r}"
            )
        if not isinstance(threshold, (int, float)) or threshold < 0.0:
            raise ValueError(
                "`threshold` of a ReLU layer cannot be None or a negative value. Pass a float >= 0. "
                f"Received: threshold={threshold!r}"
            )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.relu(
            inputs, negative_slope=self.negative_slope, max_value=self.max_value, threshold=self.threshold
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope, "threshold": self.threshold})
        return config
