"""`Antirectifier`: keeps both signs of centred features, then projects them."""

from __future__ import annotations

from typing import Any

from lamina import initializers, ops
from lamina.layers import Layer


class Antirectifier(Layer):
    """Centres features, keeps their positive and negative parts, projects them.

    For inputs `x` of shape `(..., d)`: `c = x - mean(x, axis=-1)`, then
    `concatenate([relu(c), relu(-c)]) @ kernel`, with a kernel of shape
    `(2 * d, units)`. Unlike a ReLU, no information is thrown away: the
    negative half of the signal is kept in its own channels.

    Args:
        units: positive int, the size of the output's last axis.
        kernel_initializer: initializer of the kernel (default "he_uniform").

    Example:
        ```python
        import lamina
        from lamina_example_layers import Antirectifier

        model = lamina.Sequential([lamina.Input((8,)), Antirectifier(4)])
        model.output_shape  # (None, 4)
        ```
    """

    def __init__(self, units: int, kernel_initializer: Any = "he_uniform", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units!r}"
            )
        self.units = units
        self.kernel_initializer = initializers.get(kernel_initializer)

    def build(self, input_shape: Any) -> None:
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"The last dimension of the inputs to Antirectifier layer '{self.name}' should be "
                f"defined. Found None. Full input shape received: {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel", shape=(2 * features, self.units), initializer=self.kernel_initializer
        )

    def call(self, inputs: Any) -> Any:
        centred = ops.subtract(inputs, ops.mean(inputs, axis=-1, keepdims=True))
        both = ops.concatenate([ops.relu(centred), ops.relu(ops.negative(centred))], axis=-1)
        return ops.matmul(both, self.kernel)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"units": self.units, "kernel_initializer": initializers.serialize(self.kernel_initializer)})
        return config
