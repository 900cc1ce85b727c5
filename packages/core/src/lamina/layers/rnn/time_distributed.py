"""`TimeDistributed`: applies a layer to every time step of a sequence."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.layer import Layer


class TimeDistributed(Wrapper):
    """Applies the same layer (and weights) to every temporal slice of an input.

    The input has shape `(batch, time, ...)`; the wrapped layer sees
    `(batch, ...)` slices, one per step, as in Keras 3 (so layers that use
    batch statistics see one step at a time).

    Args:
        layer: the layer to apply at each step.

    Call arguments:
        inputs: a tensor of shape `(batch, time, ...)`.
        training: passed to the wrapped layer if it accepts it.
        mask: optional `(batch, time)` mask; its slices are passed to the
            wrapped layer if it accepts `mask`.

    Example:
        ```python
        inputs = lamina.Input((10, 128, 128, 3), batch_size=32)
        outputs = lamina.layers.TimeDistributed(lamina.layers.Dense(64))(inputs)
        outputs.shape   # (32, 10, 128, 128, 64)
        ```
    """

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"`TimeDistributed` layer '{self.name}' needs inputs of rank 3 or more, "
                f"`(batch, time, ...)`. Received: input_shape={input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        child_input_shape = self._child_input_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child_input_shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        child_output_shape = self.layer.compute_output_shape(self._child_input_shape(tuple(input_shape)))
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        input_shape = ops.shape(inputs)
        if mask is not None:
            mask_shape = ops.shape(mask)
            if len(mask_shape) < 2 or any(
                isinstance(m, int) and isinstance(i, int) and m != i for m, i in zip(mask_shape[:2], input_shape[:2])
            ):
                raise ValueError(
                    f"The mask passed to `TimeDistributed` layer '{self.name}' must have shape "
                    f"`(batch, time, ...)` matching the inputs' first two dimensions {tuple(input_shape[:2])}. "
                    f"Received: mask.shape={tuple(mask_shape)}"
                )
        kwargs: dict = {}
        if self.layer._call_has_training:
            kwargs["training"] = training

        def apply(step_input: Any, step_mask: Any) -> Any:
            if step_mask is not None and self.layer._call_has_mask:
                return self.layer.call(step_input, mask=step_mask, **kwargs)
            return self.layer.call(step_input, **kwargs)

        steps = input_shape[1]
        if isinstance(steps, int):
            # A static number of steps: a Python loop over the slices.
            outputs = [apply(inputs[:, t], None if mask is None else mask[:, t]) for t in range(steps)]
            return ops.stack(outputs, axis=1)
        # An unknown number of steps (a traced graph): a loop op over time.
        time_major = ops.swapaxes(inputs, 0, 1)
        xs = (time_major, ops.swapaxes(mask, 0, 1)) if mask is not None else time_major

        def step(carry: Any, x: Any) -> tuple:
            step_input, step_mask = x if mask is not None else (x, None)
            return carry, apply(step_input, step_mask)

        _, outputs = ops.scan(step, ops.zeros(()), xs)
        return ops.swapaxes(outputs, 0, 1)
