"""`ActivityRegularization`: adds an L1/L2 penalty on the activations."""

from __future__ import annotations

from typing import Any

from lamina import regularizers
from lamina.layers.layer import Layer


class ActivityRegularization(Layer):
    """Passes its input through and adds `l1 * sum(|x|) + l2 * sum(x**2)` to the losses.

    The penalty (divided by the batch size) is added to `layer.losses` on
    every call, so `fit` minimizes it with the model's loss.

    Args:
        l1: non-negative float, the L1 factor.
        l2: non-negative float, the L2 factor.

    Example:
        ```python
        layer = lamina.layers.ActivityRegularization(l1=0.01)
        y = layer(x)          # y is x
        layer.losses          # [0.01 * sum(|x|) / batch_size]
        ```
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        for name, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected a non-negative float. Received: {name}={value!r}"
                )
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
