"""`RepeatVector`: repeats a vector `n` times along a new axis."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class RepeatVector(Layer):
    """Repeats each `(features,)` sample `n` times: `(batch, features)` -> `(batch, n, features)`.

    Args:
        n: positive int, the number of repetitions.

    Example:
        ```python
        lamina.layers.RepeatVector(3)(lamina.Input((32,))).shape   # (None, 3, 32)
        ```
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(
                f"Expected an integer value for `n` of RepeatVector. Received: n={n!r} of type {type(n).__name__}"
            )
        if n <= 0:
            raise ValueError(f"Argument `n` of RepeatVector should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), inputs.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
