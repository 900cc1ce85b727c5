"""`Normalization`: `(inputs - mean) / sqrt(variance)`, with the statistics
given or learned from data by `adapt()`."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from lamina import ops
from lamina.backend.config import epsilon
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.host_layer import iterate_batches


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance per feature.

    The mean and variance are either passed to the constructor or computed
    by `adapt(data)`, which reads the data once on the host with NumPy and
    stores the results in the non-trainable weights `mean`, `variance` and
    `count`. Call `adapt` before `fit`, `evaluate` or `predict`.

    Args:
        axis: the axis or axes that keep separate statistics (default -1,
            the features); None for one scalar mean and variance.
        mean, variance: the statistics, broadcast to the kept axes. Give
            both or neither.
        invert: apply the inverse transform, `inputs * sqrt(variance) + mean`.

    Example:
        ```python
        layer = lamina.layers.Normalization()
        layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
        layer(np.array([[1.0, 8.0]]))  # [[0., 0.]]
        ```
    """

    def __init__(
        self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            raise ValueError(
                f"Received an invalid value for `axis`, expected an int, a tuple of ints or None. Received: axis={axis}"
            )
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(
                f"When setting values directly, both `mean` and `variance` must be set. Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape: tuple | None = None
        self._fixed_mean: Any = None
        self._fixed_variance: Any = None

    def build(self, input_shape: Any) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                    f"inputs.shape={input_shape}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._mean_and_var_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=self._mean_and_var_shape, initializer="ones", trainable=False
            )
            # Kept for compatibility with Keras's saved weights.
            self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros", trainable=False)
        else:
            self._fixed_mean = self._broadcast_statistic(self.input_mean)
            self._fixed_variance = self._broadcast_statistic(self.input_variance)

    def _broadcast_statistic(self, value: Any) -> np.ndarray:
        """`value` aligned right-to-left with the kept axes and broadcast to `_broadcast_shape`."""
        value = np.asarray(value, dtype="float64")
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        try:
            return np.broadcast_to(np.reshape(value, expanded), self._broadcast_shape).astype(self.compute_dtype)
        except ValueError:
            raise ValueError(
                f"Normalization layer '{self.name}': `mean` and `variance` of shape {value.shape} cannot be "
                f"broadcast to the kept axes {self._keep_axis} of inputs of shape {self._build_input_shape}."
            ) from None

    def adapt(self, data: Any) -> None:
        """Computes the mean and variance of `data` and stores them in the layer.

        Args:
            data: a NumPy array or eager tensor (all samples at once), or an
                iterable of batches: a list or generator of arrays,
                `(x, y)` tuples (x is used), a `lamina.utils.PyDataset` or a
                batched `tf.data.Dataset`.
        """
        spec = getattr(data, "element_spec", None)
        if spec is not None and hasattr(data, "batch"):  # a tf.data.Dataset
            spec = spec[0] if isinstance(spec, tuple) else spec
            if len(spec.shape) == 1:  # unbatched samples: batch them, as Keras does
                data = data.batch(128)
        batches = iterate_batches(data)
        first = next(batches, None)
        if first is None:
            raise ValueError(
                "adapt() received an empty iterable (no batches). Pass a non-empty array or iterable of batches."
            )
        if not self.built:
            self.build(first.shape)
            self.built = True
        elif self.input_mean is not None:
            raise ValueError(
                f"Normalization layer '{self.name}' was given `mean` and `variance` and cannot be adapted. "
                "Create it without them to learn the statistics from data."
            )
        total_mean = np.zeros(self._mean_and_var_shape)
        total_var = np.zeros(self._mean_and_var_shape)
        total_count = 0
        for batch in itertools.chain([first], batches):
            for d in self._keep_axis:
                if d >= batch.ndim or batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but adapt() is "
                        f"being called with data with an incompatible shape, data.shape={batch.shape}"
                    )
            batch = batch.astype("float64")
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            # Chan et al.'s pairwise update of the mean and variance.
            total_count += batch_count
            batch_weight = batch_count / total_count
            new_mean = total_mean * (1 - batch_weight) + batch_mean * batch_weight
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - batch_weight) + (
                batch_var + (batch_mean - new_mean) ** 2
            ) * batch_weight
            total_mean = new_mean
        self.adapt_mean.assign(total_mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(total_var.astype(self.adapt_variance.dtype))

    def _statistics(self) -> tuple:
        if self.input_mean is not None:
            return ops.convert_to_tensor(self._fixed_mean), ops.convert_to_tensor(self._fixed_variance)
        mean = ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype)
        variance = ops.cast(ops.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype)
        return mean, variance

    def call(self, inputs: Any) -> Any:
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        scale = ops.maximum(ops.sqrt(variance), epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config
