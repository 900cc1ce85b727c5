"""`BatchNormalization`: normalizes with batch statistics while training, moving ones after."""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.backend import dtypes
from lamina.backend.config import epsilon as backend_epsilon
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._axes import check_axes_in_bounds

_RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def _compute_dtype_of(dtype: str) -> str:
    """Half-precision inputs are normalized in float32, as Keras does."""
    return dtypes.result_type(dtype, "float32")


class BatchNormalization(Layer):
    """Normalizes its inputs to zero mean and unit variance per feature.

    While training (`training=True`, as in `fit`) the layer uses the mean and
    variance of the current batch and updates its moving statistics:
    `moving_mean = moving_mean * momentum + mean * (1 - momentum)` (and the
    same for the variance). At inference it uses the moving statistics.
    The output is `gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
    A layer with `trainable=False` always runs in inference mode.

    Args:
        axis: int, the features axis (typically -1, or 1 for "channels_first").
        momentum: momentum of the moving statistics.
        epsilon: small float added to the variance.
        center: whether to add the learned offset `beta`.
        scale: whether to multiply by the learned scale `gamma`.
        beta_initializer, gamma_initializer: initializers of the weights.
        moving_mean_initializer, moving_variance_initializer: initializers of
            the moving statistics.
        beta_regularizer, gamma_regularizer: optional regularizers.
        beta_constraint, gamma_constraint: optional constraints.
        renorm: whether to use Batch Renormalization (extra moving statistics
            that correct the batch statistics while training).
        renorm_clipping: dict with optional "rmax", "rmin" and "dmax" clips of
            the renormalization corrections.
        renorm_momentum: momentum of the renormalization statistics.
        synchronized: only `False` is supported (statistics of the local batch).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to normalize with the batch statistics.
        mask: optional boolean tensor of the inputs' shape without the last
            axis; masked entries are left out of the batch statistics.

    Example:
        ```python
        layer = lamina.layers.BatchNormalization()
        y = layer(x, training=True)    # batch statistics; moving ones updated
        y = layer(x)                   # moving statistics
        ```
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]  # Keras 2 configs store the axis as a one-element list
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                "Received an invalid value for `axis`, expected an integer (BatchNormalization normalizes "
                f"one features axis). Received: axis={axis!r}"
            )
        for name, value in (("momentum", momentum), ("renorm_momentum", renorm_momentum)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected a float between 0 and 1. "
                    f"Received: {name}={value!r}"
                )
        if not isinstance(epsilon, (int, float)) or isinstance(epsilon, bool) or epsilon < 0:
            raise ValueError(
                f"Received an invalid value for `epsilon`, expected a non-negative float. Received: epsilon={epsilon!r}"
            )
        if synchronized:
            raise ValueError(
                "BatchNormalization(synchronized=True) is not supported by Lamina: statistics are computed on "
                "each replica's batch. Pass synchronized=False (the default)."
            )
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = sorted(set(renorm_clipping) - set(_RENORM_CLIPPING_KEYS))
            if unknown:
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping`: {unknown}. "
                    f"Supported keys: {list(_RENORM_CLIPPING_KEYS)}. Received: renorm_clipping={renorm_clipping}"
                )
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "`renorm_clipping['rmax']` should be greater than or equal to `renorm_clipping['rmin']`. "
                    f"Received: rmax={rmax}, rmin={rmin}"
                )
            if dmax is not None and dmax < 0:
                raise ValueError(f"`renorm_clipping['dmax']` should be non-negative. Received: dmax={dmax}")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.synchronized = synchronized
        self.supports_masking = True
        self.gamma = None
        self.beta = None
        self._feature_axis = 0
        self._reduction_axes: list[int] = []
        self._broadcast_shape: list[int] = []

    def build(self, input_shape: Any) -> None:
        (axis,) = check_axes_in_bounds(self.axis, input_shape, self.name)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of the input to BatchNormalization layer '{self.name}' should have a "
                f"defined dimension. Full input shape received: {tuple(input_shape)}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        if self.renorm:
            variance_initializer = self.moving_variance_initializer

            def stddev_initializer(shape: Any, dtype: Any = None) -> Any:
                return ops.sqrt(variance_initializer(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(
                name="moving_stddev",
                shape=shape,
                initializer=stddev_initializer,
                trainable=False,
                autocast=False,
            )
            self.renorm_mean = self.add_weight(
                name="renorm_mean",
                shape=shape,
                initializer=self.moving_mean_initializer,
                trainable=False,
                autocast=False,
            )
            self.renorm_stddev = self.add_weight(
                name="renorm_stddev",
                shape=shape,
                initializer=stddev_initializer,
                trainable=False,
                autocast=False,
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self._feature_axis = axis
        self._reduction_axes = [a for a in range(len(input_shape)) if a != axis]
        self._broadcast_shape = [1] * len(input_shape)
        self._broadcast_shape[axis] = dim

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if mask is not None and len(ops.shape(mask)) != len(ops.shape(inputs)) - 1:
            raise ValueError(
                f"The mask given to BatchNormalization layer '{self.name}' should have one dimension less "
                f"than the inputs. Received: mask.shape={tuple(ops.shape(mask))}, "
                f"inputs.shape={tuple(ops.shape(inputs))}"
            )
        dtype = _compute_dtype_of(ops.dtype(inputs))
        x = ops.cast(inputs, dtype)
        moving_mean = ops.cast(self.moving_mean, dtype)
        moving_variance = ops.cast(self.moving_variance, dtype)
        gamma = ops.cast(self.gamma, dtype) if self.gamma is not None else None
        beta = ops.cast(self.beta, dtype) if self.beta is not None else None
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                gamma, beta = self._renormalized_transform(mean, variance, gamma, beta, dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(self._moving_average(moving_mean, mean, self.momentum))
                self.moving_variance.assign(self._moving_average(moving_variance, variance, self.momentum))
        else:
            mean, variance = moving_mean, moving_variance
        outputs = self._normalize(x, mean, variance, gamma, beta)
        return ops.cast(outputs, self.compute_dtype)

    @staticmethod
    def _moving_average(average: Any, value: Any, momentum: float) -> Any:
        return ops.add(ops.multiply(average, momentum), ops.multiply(value, 1.0 - momentum))

    def _moments(self, x: Any, mask: Any) -> tuple[Any, Any]:
        if mask is None:
            return ops.moments(x, axes=self._reduction_axes)
        # Masked entries (mask broadcast along the last axis) are left out.
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(x))
        weights = ops.cast(keep, ops.dtype(x))
        count = ops.add(ops.sum(weights, axis=self._reduction_axes, keepdims=True), backend_epsilon())
        mean = ops.divide(ops.sum(ops.where(keep, x, 0.0), axis=self._reduction_axes, keepdims=True), count)
        deviation = ops.where(keep, ops.subtract(x, mean), 0.0)
        variance = ops.divide(ops.sum(ops.square(deviation), axis=self._reduction_axes, keepdims=True), count)
        size = (self._broadcast_shape[self._feature_axis],)
        return ops.reshape(mean, size), ops.reshape(variance, size)

    def _normalize(self, x: Any, mean: Any, variance: Any, gamma: Any, beta: Any) -> Any:
        # x * inv + (beta - mean * inv), with inv = gamma / sqrt(variance + epsilon).
        shape = tuple(self._broadcast_shape)
        inv = ops.rsqrt(ops.add(ops.reshape(variance, shape), self.epsilon))
        if gamma is not None:
            inv = ops.multiply(inv, ops.reshape(gamma, shape))
        offset = ops.negative(ops.multiply(ops.reshape(mean, shape), inv))
        if beta is not None:
            offset = ops.add(offset, ops.reshape(beta, shape))
        return ops.add(ops.multiply(x, inv), offset)

    # -- batch renormalization -----------------------------------------------------
    def _renormalized_transform(self, mean: Any, variance: Any, gamma: Any, beta: Any, dtype: str) -> tuple:
        """Folds the renorm corrections `r` and `d` into the scale and offset."""
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean, dtype)
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev, dtype), float(self.epsilon) ** 0.5)
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        clipping = self.renorm_clipping or {}
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        r = ops.stop_gradient(r)
        d = ops.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = ops.multiply(r, gamma), ops.multiply(d, gamma)
        else:
            new_gamma, new_beta = r, d
        if beta is not None:
            new_beta = ops.add(new_beta, beta)
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean: Any, variance: Any) -> None:
        dtype = ops.dtype(mean)
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        self.renorm_mean.assign(self._moving_average(ops.cast(self.renorm_mean, dtype), mean, self.renorm_momentum))
        self.renorm_stddev.assign(
            self._moving_average(ops.cast(self.renorm_stddev, dtype), stddev, self.renorm_momentum)
        )
        self.moving_mean.assign(self._moving_average(ops.cast(self.moving_mean, dtype), mean, self.momentum))
        moving_stddev = self._moving_average(ops.cast(self.moving_stddev, dtype), stddev, self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(moving_stddev), self.epsilon)))

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_axes_in_bounds(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config
