"""`DropoutRNNCell`: dropout masks that stay the same for every time step.

A cell mixes this class in next to `Layer`. The masks are drawn once per
call of the recurrent layer (before its loop, so that no random state is
advanced inside a traced loop body) and reused at every step, as in Keras.
The helpers below validate the arguments every cell shares.
"""

from __future__ import annotations

from typing import Any

from lamina import ops, random


def check_units(units: Any) -> int:
    """Returns `units` if it is a positive int, else raises a ValueError."""
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"Received an invalid value for argument `units`, expected a positive integer. Received: units={units!r}"
        )
    return units


def check_rate(name: str, value: Any) -> float:
    """Returns `value` as a float if it lies in [0, 1), else raises a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a float in [0, 1) "
            f"(the fraction of units to drop, e.g. {name}=0.2). Received: {name}={value!r}"
        )
    return float(value)


class DropoutRNNCell:
    """Caches the input and recurrent dropout masks of an RNN cell.

    The cell has `dropout`, `recurrent_dropout` and `seed_generator`
    attributes, and optionally `dropout_mask_count` (one mask per gate).
    Recurrent layers call `get_dropout_mask`/`get_recurrent_dropout_mask`
    before their loop and `reset_dropout_mask`/`reset_recurrent_dropout_mask`
    after it.

    Example:
        ```python
        class MyCell(lamina.layers.Layer, DropoutRNNCell):
            def call(self, inputs, states, training=False):
                mask = self.get_dropout_mask(inputs)
                if training and mask is not None:
                    inputs = inputs * mask
                ...
        ```
    """

    def _create_dropout_mask(self, step_input: Any, rate: float) -> Any:
        ones = ops.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate=rate, seed=self.seed_generator)
        return [random.dropout(ones, rate=rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input: Any) -> Any:
        """The input mask (drawn on first use after a reset), or None without dropout."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        """The mask of the recurrent state, or None without recurrent dropout."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None
