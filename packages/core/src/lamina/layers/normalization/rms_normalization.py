"""`RMSNormalization`: scales each sample by the inverse of its root mean square."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import dtypes
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import broadcast_shape, check_axes_in_bounds, standardize_axis_argument


class RMSNormalization(Layer):
    """Root-mean-square normalization with a learned scale.

    Computes `x * rsqrt(mean(square(x), axis) + epsilon) * scale`, without
    centering (Zhang & Sennrich, 2019). `scale` has the shape of the
    normalized axes and starts at ones.

    Args:
        axis: int or list of ints, the axes to normalize over (default -1).
        epsilon: small float added to the mean square (default 1e-6).

    Example:
        ```python
        layer = lamina.layers.RMSNormalization()
        layer(np.array([[3.0, 4.0]]))   # [[0.8485, 1.1314]]
        ```
    """

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = standardize_axis_argument(axis, "RMSNormalization")
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or epsilon < 0:
            raise ValueError(
                f"Received an invalid value for `epsilon`, expected a non-negative float. Received: epsilon={epsilon!r}"
            )
        self.epsilon = epsilon
        self._axes: list[int] = []

    def build(self, input_shape: Any) -> None:
        self._axes = check_axes_in_bounds(self.axis, input_shape, self.name)
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(
                f"The normalized axes {self.axis} of the input to RMSNormalization layer '{self.name}' "
                f"should have defined dimensions. Full input shape received: {tuple(input_shape)}"
            )
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self._param_shape = tuple(broadcast_shape(input_shape, self._axes))

    def call(self, inputs: Any) -> Any:
        dtype = dtypes.result_type(ops.dtype(inputs), "float32")
        x = ops.cast(inputs, dtype)
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        outputs = ops.multiply(x, ops.rsqrt(ops.add(mean_square, self.epsilon)))
        outputs = ops.multiply(outputs, ops.reshape(ops.cast(self.scale, dtype), self._param_shape))
        return ops.cast(outputs, ops.dtype(inputs))

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_axes_in_bounds(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
