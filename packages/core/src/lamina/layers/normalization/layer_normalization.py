"""`LayerNormalization`: normalizes each sample over its feature axes."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.backend import dtypes
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import broadcast_shape, check_axes_in_bounds, standardize_axis_argument


class LayerNormalization(Layer):
    """Normalizes each sample independently over `axis`.

    Computes `gamma * (x - mean) / sqrt(variance + epsilon) + beta`, with the
    mean and variance taken over `axis` of each sample (not over the batch).
    `gamma` and `beta` have the shape of the normalized axes.

    Args:
        axis: int or list of ints, the axes to normalize over (default -1).
        epsilon: small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned scale `gamma`.
        rms_scaling: deprecated (as in Keras): divide by the standard deviation
            without centering, and skip `beta`. Prefer `RMSNormalization`.
        beta_initializer, gamma_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.

    Example:
        ```python
        layer = lamina.layers.LayerNormalization()
        layer(np.array([[1.0, 2.0, 3.0]]))   # [[-1.22, 0., 1.22]]
        ```
    """

    def __init__(
        self,
        axis: int | list[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        rms_scaling: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) is deprecated (as in Keras): it scales the inputs by "
                "their variance, not their root mean square. Use `lamina.layers.RMSNormalization` instead.",
                stacklevel=2,
            )
        self.axis = standardize_axis_argument(axis, "LayerNormalization")
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or epsilon < 0:
            raise ValueError(
                f"Received an invalid value for `epsilon`, expected a non-negative float. Received: epsilon={epsilon!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None
        self._axes: list[int] = []

    def build(self, input_shape: Any) -> None:
        self._axes = check_axes_in_bounds(self.axis, input_shape, self.name)
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(
                f"The normalized axes {self.axis} of the input to LayerNormalization layer '{self.name}' "
                f"should have defined dimensions. Full input shape received: {tuple(input_shape)}"
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self._param_shape = tuple(broadcast_shape(input_shape, self._axes))

    def call(self, inputs: Any) -> Any:
        dtype = dtypes.result_type(ops.dtype(inputs), "float32")
        x = ops.cast(inputs, dtype)
        gamma = ops.reshape(ops.cast(self.gamma, dtype), self._param_shape) if self.gamma is not None else None
        if self.rms_scaling:
            outputs = ops.multiply(x, ops.rsqrt(ops.add(ops.var(x, axis=self._axes, keepdims=True), self.epsilon)))
            if gamma is not None:
                outputs = ops.multiply(outputs, gamma)
        elif self._trailing_axes(len(ops.shape(x))):
            # One `ops.layer_normalization` (a fused kernel where the backend has one).
            beta = ops.cast(self.beta, dtype) if self.beta is not None else None
            gamma = ops.cast(self.gamma, dtype) if self.gamma is not None else None
            outputs = ops.layer_normalization(x, gamma, beta, axis=self._axes, epsilon=self.epsilon)
        else:
            mean, variance = ops.moments(x, axes=self._axes, keepdims=True)
            inv = ops.rsqrt(ops.add(variance, self.epsilon))
            if gamma is not None:
                inv = ops.multiply(inv, gamma)
            offset = ops.negative(ops.multiply(mean, inv))
            if self.beta is not None:
                offset = ops.add(offset, ops.reshape(ops.cast(self.beta, dtype), self._param_shape))
            outputs = ops.add(ops.multiply(x, inv), offset)
        return ops.cast(outputs, self.compute_dtype)

    def _trailing_axes(self, ndim: int) -> bool:
        axes = sorted(a % ndim for a in self._axes)
        return axes == list(range(ndim - len(axes), ndim))

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_axes_in_bounds(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
