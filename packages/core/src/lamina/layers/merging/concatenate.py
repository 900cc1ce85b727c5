"""`Concatenate`: joins a list of inputs along one axis."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`; other axes must match.

    Args:
        axis: the axis to join along (default -1).

    Example:
        ```python
        merged = lamina.layers.Concatenate()([x1, x2])   # (None, 8) from two (None, 4)
        ```
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) < 1:
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        self.compute_output_shape(input_shape)

    def _merge_function(self, inputs: list) -> Any:
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank
        output = list(shapes[0])
        for shape in shapes[1:]:
            if len(shape) != rank:
                raise ValueError(
                    f"A `Concatenate` layer requires inputs with matching shapes except for "
                    f"the concatenation axis. Received: input_shape={shapes}"
                )
            for i, (a, b) in enumerate(zip(output, shape)):
                if i == axis:
                    output[i] = None if a is None or b is None else a + b
                elif a is not None and b is not None and a != b:
                    raise ValueError(
                        f"A `Concatenate` layer requires inputs with matching shapes except for "
                        f"the concatenation axis. Received: input_shape={shapes}"
                    )
                elif a is None:
                    output[i] = b
        return tuple(output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or all(m is None for m in mask):
            return None
        masks = [ops.ones_like(x, dtype="bool")[..., 0] if m is None else m for x, m in zip(inputs, mask)]
        return (
            ops.any(ops.stack(masks, axis=-1), axis=-1)
            if self.axis in (-1, len(ops.shape(inputs[0])) - 1)
            else masks[0]
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
