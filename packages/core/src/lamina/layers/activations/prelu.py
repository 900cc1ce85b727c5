"""`PReLU`: leaky ReLU whose negative slope is learned."""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: `x` if `x >= 0` else `alpha * x`, with `alpha` learned.

    `alpha` has the input's shape without the batch axis, except along
    `shared_axes`, where one value is shared (e.g. `shared_axes=[1, 2]` on
    images gives one slope per channel).

    Args:
        alpha_initializer: initializer of `alpha` (default zeros).
        alpha_regularizer: optional regularizer of `alpha`.
        alpha_constraint: optional constraint on `alpha`.
        shared_axes: int or list of ints (1-based, the batch axis is 0): the
            axes along which `alpha` is shared.

    Example:
        ```python
        layer = lamina.layers.PReLU(shared_axes=[1, 2])
        layer(np.random.normal(size=(2, 8, 8, 3)))   # alpha has shape (1, 1, 3)
        ```
    """

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is not None:
            shared_axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a != 0 for a in shared_axes):
                raise ValueError(
                    "Received an invalid value for `shared_axes`, expected non-zero integers (axis 0 is the "
                    f"batch axis, which is never shared). Received: shared_axes={shared_axes!r}"
                )
        self.shared_axes = shared_axes
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        rank = len(input_shape)
        for axis in self.shared_axes or []:
            if not -rank < axis < rank:
                raise ValueError(
                    f"`shared_axes` of PReLU layer '{self.name}' name axis {axis}, but the input has rank {rank}. "
                    f"Full input shape received: {tuple(input_shape)}"
                )
        shared = [a % rank for a in self.shared_axes or []]
        param_shape = list(input_shape[1:])
        for axis in shared:
            param_shape[axis - 1] = 1
        if None in param_shape:
            raise ValueError(
                f"PReLU layer '{self.name}' needs defined sizes on the axes that are not shared. Full input "
                f"shape received: {tuple(input_shape)}. Share the unknown axes with `shared_axes`."
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, rank) if i not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)

    def call(self, inputs: Any) -> Any:
        positive = ops.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config
