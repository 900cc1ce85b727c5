"""`UnitNormalization`: scales each sample to unit L2 norm."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import check_axes_in_bounds, standardize_axis_argument

# Keras's floor on the norm: inputs with a smaller norm are scaled by 1 / _EPSILON.
_EPSILON = 1e-12


class UnitNormalization(Layer):
    """Divides each sample by its L2 norm over `axis`.

    Args:
        axis: int or list of ints, the axes the norm is taken over (default -1).

    Example:
        ```python
        layer = lamina.layers.UnitNormalization()
        layer(np.array([[3.0, 4.0]]))   # [[0.6, 0.8]]
        ```
    """

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = standardize_axis_argument(axis, "UnitNormalization")
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        axes = check_axes_in_bounds(self.axis, ops.shape(inputs), self.name)
        inverse_norm = ops.rsqrt(ops.sum(ops.square(inputs), axis=axes, keepdims=True))
        return ops.multiply(inputs, ops.minimum(inverse_norm, 1.0 / _EPSILON))

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_axes_in_bounds(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
