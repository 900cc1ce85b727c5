"""`Dot`: the dot product of two inputs along chosen axes, sample by sample."""

from __future__ import annotations

import string
from typing import Any

from lamina import ops
from lamina.backend.config import epsilon
from lamina.layers.merging.base_merge import Merge


def _l2_normalize(x: Any, axis: int) -> Any:
    """`x / ||x||` along `axis`, with the inverse norm capped at `1 / epsilon()`."""
    inverse_norm = ops.rsqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return ops.multiply(x, ops.minimum(inverse_norm, 1.0 / epsilon()))


def batch_dot(x: Any, y: Any, axes: tuple[int, int]) -> Any:
    """Per-sample dot product of `x` and `y`, contracting `x`'s axis `axes[0]` with `y`'s `axes[1]`.

    The result has the batch axis, then `x`'s remaining axes, then `y`'s;
    a result of rank 1 gets a trailing axis of size 1 (as in Keras).
    """
    x_rank, y_rank = len(ops.shape(x)), len(ops.shape(y))
    letters = iter(string.ascii_letters[2:])
    x_labels = ["a"] + [next(letters) for _ in range(x_rank - 1)]
    y_labels = ["a"] + [next(letters) for _ in range(y_rank - 1)]
    x_labels[axes[0]] = "b"
    y_labels[axes[1]] = "b"
    output = ["a"] + [c for c in x_labels[1:] if c != "b"] + [c for c in y_labels[1:] if c != "b"]
    result = ops.einsum(f"{''.join(x_labels)},{''.join(y_labels)}->{''.join(output)}", x, y)
    if len(output) == 1:
        result = ops.expand_dims(result, -1)
    return result


class Dot(Merge):
    """Computes the dot product of two inputs along `axes`, for each sample.

    For inputs `x` of shape `(batch, n)` and `y` of shape `(batch, n)`, the
    output has shape `(batch, 1)` with `output[i] = sum(x[i] * y[i])`. In
    general the contracted axes are removed and the remaining axes of `x`
    then of `y` are kept.

    Args:
        axes: int, or a pair of ints, the axis (or the axis of each input)
            to contract. The batch axis (0) cannot be contracted.
        normalize: whether to L2-normalize both inputs along the contracted
            axes first, making the output the cosine similarity.

    Example:
        ```python
        x = np.arange(10).reshape(1, 5, 2)
        y = np.arange(10, 20).reshape(1, 2, 5)
        lamina.layers.Dot(axes=(1, 2))([x, y])   # shape (1, 2, 2)
        ```
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int) or isinstance(axes, bool):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    f"Invalid type for argument `axes`: it should be an int or a list of two ints. Received: axes={axes!r}"
                )
            if len(axes) != 2:
                raise ValueError(
                    f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes!r}"
                )
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise ValueError(
                    f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes!r}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _resolved_axes(self, shapes: list) -> list[int]:
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        resolved = []
        for index, (axis, shape) in enumerate(zip(pair, shapes)):
            rank = len(shape)
            if not -rank <= axis < rank:
                raise ValueError(
                    f"`axes` of Dot layer '{self.name}' name axis {axis} of input {index}, which has rank {rank}. "
                    f"Full input shapes: {[tuple(s) for s in shapes]}"
                )
            resolved.append(axis % rank)
        if 0 in resolved:
            raise ValueError(
                f"Dot layer '{self.name}' cannot contract the batch axis 0. Received: axes={self.axes} for input "
                f"shapes {[tuple(s) for s in shapes]}"
            )
        return resolved

    def _check_shapes(self, input_shape: Any) -> list[int]:
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) != 2
            or not all(isinstance(s, (list, tuple)) for s in input_shape)
        ):
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = (tuple(s) for s in input_shape)
        if len(shape1) < 2 or len(shape2) < 2:
            raise ValueError(
                f"Inputs of Dot layer '{self.name}' need a batch axis and at least one more. "
                f"Received shapes {shape1} and {shape2}"
            )
        axes = self._resolved_axes([shape1, shape2])
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(
                f"Incompatible input shapes for Dot layer '{self.name}': axis values {d1} (at axis {axes[0]}) != "
                f"{d2} (at axis {axes[1]}). Full input shapes: {shape1}, {shape2}"
            )
        return axes

    def build(self, input_shape: Any) -> None:
        self._check_shapes(input_shape)

    def _merge_function(self, inputs: list) -> Any:
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received {len(inputs)} inputs.")
        x, y = inputs
        axes = self._resolved_axes([ops.shape(x), ops.shape(y)])
        if self.normalize:
            x = _l2_normalize(x, axes[0])
            y = _l2_normalize(y, axes[1])
        return batch_dot(x, y, (axes[0], axes[1]))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        axes = self._check_shapes(input_shape)
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        output = shape1 + shape2[1:]
        if len(output) == 1:
            output.append(1)
        return tuple(output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config
