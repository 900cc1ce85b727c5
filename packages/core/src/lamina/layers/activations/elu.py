"""`ELU`: the exponential linear unit."""

from __future__ import annotations

from typing import Any

from lamina import activations
from lamina.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`.

    Args:
        alpha: float, the value the negative part saturates to (as `-alpha`).

    Example:
        ```python
        layer = lamina.layers.ELU()
        layer(np.array([-1.0, 2.0]))   # [-0.632, 2.]
        ```
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
            raise ValueError(
                f"Received an invalid value for `alpha` of ELU, expected a float. Received: alpha={alpha!r}"
            )
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
