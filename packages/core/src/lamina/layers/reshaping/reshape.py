"""`Reshape`: gives the non-batch axes a new shape."""

from __future__ import annotations

import math
from typing import Any

from lamina import ops
from lamina.layers.layer import Layer


class Reshape(Layer):
    """Reshapes inputs to `(batch,) + target_shape`.

    Args:
        target_shape: tuple of ints; one entry may be -1 (inferred).

    Example:
        ```python
        lamina.layers.Reshape((3, 4))(lamina.Input((12,))).shape   # (None, 3, 4)
        ```
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(
                f"There can only be one unknown dimension (-1) in `target_shape`. Received: target_shape={target_shape}"
            )
        if any(not isinstance(d, int) or (d < 1 and d != -1) for d in target_shape):
            raise ValueError(
                f"`target_shape` entries must be positive integers or -1. Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape
        self.built = True

    def _resolved(self, input_shape: tuple) -> tuple:
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            if all(d is not None for d in rest) and math.prod(rest) != math.prod(self.target_shape):
                raise ValueError(
                    f"total size of new array must be unchanged, input_shape = {list(rest)}, "
                    f"output_shape = {list(self.target_shape)} (layer '{self.name}')"
                )
            return self.target_shape
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(rest)
        if total % known:
            raise ValueError(
                f"Cannot reshape input of shape {list(rest)} to {list(self.target_shape)} in "
                f"layer '{self.name}': {total} elements do not divide into {known}."
            )
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs: Any) -> Any:
        shape = ops.shape(inputs)
        target = self._resolved(tuple(shape))
        return ops.reshape(inputs, (-1,) + tuple(-1 if d is None else d for d in target))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0],) + self._resolved(tuple(input_shape))

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
