"""`GroupNormalization`: normalizes groups of channels within each sample."""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.backend import dtypes
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import check_axes_in_bounds


class GroupNormalization(Layer):
    """Splits the channels into `groups` and normalizes each group per sample.

    With `groups=1` this is layer normalization over all non-batch axes; with
    `groups=-1` (one group per channel) it is instance normalization.

    Args:
        groups: positive int, the number of groups; the channel count must be
            a multiple of it. -1 means one group per channel.
        axis: int, the channels axis (default -1).
        epsilon: small float added to the variance.
        center: whether to add the learned per-channel offset `beta`.
        scale: whether to multiply by the learned per-channel scale `gamma`.
        beta_initializer, gamma_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.

    Example:
        ```python
        layer = lamina.layers.GroupNormalization(groups=4)
        layer(np.random.normal(size=(2, 8, 8, 16)))   # 4 groups of 4 channels
        ```
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for `groups`, expected a positive integer (or -1 for instance "
                f"normalization). Received: groups={groups!r}"
            )
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"Received an invalid value for `axis`, expected an integer. Received: axis={axis!r}")
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or epsilon < 0:
            raise ValueError(
                f"Received an invalid value for `epsilon`, expected a non-negative float. Received: epsilon={epsilon!r}"
            )
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape: Any) -> None:
        (axis,) = check_axes_in_bounds(self.axis, input_shape, self.name)
        if axis == 0:
            raise ValueError(
                f"GroupNormalization layer '{self.name}' cannot normalize over the batch axis: `axis` must "
                f"name a channels axis. Received: axis={self.axis} for input shape {tuple(input_shape)}"
            )
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of the input to GroupNormalization layer '{self.name}' should have a "
                f"defined dimension. Full input shape received: {tuple(input_shape)}"
            )
        groups = channels if self.groups == -1 else self.groups
        if channels < groups:
            raise ValueError(
                f"GroupNormalization layer '{self.name}' has more groups ({groups}) than channels "
                f"({channels}). Use at most {channels} groups."
            )
        if channels % groups:
            raise ValueError(
                f"The number of channels ({channels}) of the input to GroupNormalization layer '{self.name}' "
                f"must be a multiple of the number of groups ({groups})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=(channels,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=(channels,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        # Inputs are viewed as (..., groups, channels // groups, ...) at the channels axis.
        self._axis_index = axis
        self._group_count = groups
        grouped_rank = len(input_shape) + 1
        self._reduction_axes = [a for a in range(1, grouped_rank) if a != axis]
        self._param_shape = [1] * grouped_rank
        self._param_shape[axis] = groups
        self._param_shape[axis + 1] = channels // groups

    def call(self, inputs: Any) -> Any:
        shape = list(ops.shape(inputs))
        channels = shape[self._axis_index]
        grouped_shape = [-1] + shape[1 : self._axis_index]
        grouped_shape += [self._group_count, channels // self._group_count] + shape[self._axis_index + 1 :]
        grouped = ops.reshape(inputs, grouped_shape)
        dtype = dtypes.result_type(ops.dtype(inputs), "float32")
        grouped = ops.cast(grouped, dtype)
        mean, variance = ops.moments(grouped, axes=self._reduction_axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(ops.cast(self.gamma, dtype), self._param_shape))
        offset = ops.negative(ops.multiply(mean, inv))
        if self.beta is not None:
            offset = ops.add(offset, ops.reshape(ops.cast(self.beta, dtype), self._param_shape))
        normalized = ops.add(ops.multiply(grouped, inv), offset)
        outputs = ops.reshape(normalized, [-1] + shape[1:])
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_axes_in_bounds(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
