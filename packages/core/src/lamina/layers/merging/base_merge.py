"""`Merge`: the base of layers that combine a list of same-shaped inputs."""

from __future__ import annotations

from typing import Any

from lamina.layers.layer import Layer


def broadcast_shapes(shape1: tuple, shape2: tuple, layer_name: str) -> tuple:
    """NumPy broadcasting of two shapes (None dims match anything)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    shape2 = (1,) * (len(shape1) - len(shape2)) + tuple(shape2)
    result = []
    for a, b in zip(shape1, shape2):
        if a is None or b is None:
            result.append(a if b == 1 else b if a == 1 else None)
        elif a == 1 or b == 1 or a == b:
            result.append(max(a, b))
        else:
            raise ValueError(
                f"Inputs of layer '{layer_name}' have incompatible shapes. "
                f"Received shapes {tuple(shape1)} and {tuple(shape2)}"
            )
    return tuple(result)


class Merge(Layer):
    """Base class: subclasses implement `_merge_function(inputs)`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs: list) -> Any:
        raise NotImplementedError

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                f"A merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                f"A merge layer should be called on a list of at least 1 input. "
                f"Got {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        self.compute_output_shape(input_shape)

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs!r}")
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        output = tuple(input_shape[0])
        for shape in input_shape[1:]:
            output = broadcast_shapes(output, tuple(shape), self.name)
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or all(m is None for m in mask):
            return None
        from lamina import ops

        masks = [m for m in mask if m is not None]
        result = masks[0]
        for m in masks[1:]:
            result = ops.logical_and(result, m)
        return result
