"""Regression metrics: running means of errors, cosine similarity and R2."""

from __future__ import annotations

import math
from typing import Any

from lamina import ops
from lamina.backend import config
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.losses.losses import mean_absolute_error, mean_squared_error
from lamina.metrics.metric import Metric
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def _same_rank_floats(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """`100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = _same_rank_floats(y_true, y_pred)
    scale = ops.maximum(ops.abs(y_true), config.epsilon())
    return ops.multiply(ops.mean(ops.abs(ops.divide(ops.subtract(y_true, y_pred), scale)), axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """`mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1)`, values floored at epsilon."""
    y_true, y_pred = _same_rank_floats(y_true, y_pred)
    epsilon = config.epsilon()
    first = ops.log(ops.add(ops.maximum(y_pred, epsilon), 1.0))
    second = ops.log(ops.add(ops.maximum(y_true, epsilon), 1.0))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow."""
    y_true, y_pred = _same_rank_floats(y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    value = ops.subtract(ops.add(error, ops.softplus(ops.multiply(error, -2.0))), math.log(2.0))
    return ops.mean(value, axis=-1)


def _l2_normalize(x: Any, axis: int) -> Any:
    squared = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(squared, 1e-12)))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Cosine of the angle between `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = _same_rank_floats(y_true, y_pred)
    return ops.sum(ops.multiply(_l2_normalize(y_true, axis), _l2_normalize(y_pred, axis)), axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of `mean(square(y_true - y_pred), axis=-1)`.

    Example:
        ```python
        m = lamina.metrics.MeanSquaredError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.25
        ```
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of `mean(abs(y_true - y_pred), axis=-1)`.

    Example:
        ```python
        m = lamina.metrics.MeanAbsoluteError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.25
        ```
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of the absolute percentage error.

    Example:
        ```python
        m = lamina.metrics.MeanAbsolutePercentageError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 250000000.0
        ```
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of the squared logarithmic error.

    Example:
        ```python
        m = lamina.metrics.MeanSquaredLogarithmicError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.12011
        ```
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean of squared errors.

    Example:
        ```python
        m = lamina.metrics.RootMeanSquaredError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.5
        ```
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's squared errors."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(ops.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self) -> Any:
        return ops.sqrt(super().result())


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between `y_true` and `y_pred`.

    Args:
        name: name shown in logs.
        dtype: dtype of the state.
        axis: the axis along which vectors are compared.

    Example:
        ```python
        m = lamina.metrics.CosineSimilarity(axis=1)
        m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
        m.result()   # 0.5
        ```
    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """Running mean of the logarithm of the hyperbolic cosine of the error.

    Example:
        ```python
        m = lamina.metrics.LogCoshError()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.10844523
        ```
    """

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


_R2_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination, `1 - SS_res / SS_tot`, per output column.

    Inputs are 2D, `(batch_size, num_outputs)`; the per-output sums are
    created from the shape of the first batch.

    Args:
        class_aggregation: "uniform_average" (default; mean over outputs),
            "variance_weighted_average" (weighted by each output's variance)
            or None (one score per output).
        num_regressors: with p > 0 regressors, the adjusted R2 score
            `1 - (1 - R2) * (n - 1) / (n - p - 1)` (plain R2 when n <= p + 1).
        name: name shown in logs.
        dtype: dtype of the state.

    Example:
        ```python
        m = lamina.metrics.R2Score()
        m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
        m.result()   # 0.5714
        ```
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if class_aggregation not in _R2_AGGREGATIONS:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {_R2_AGGREGATIONS}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                f"Invalid value for argument `num_regressors`. Expected a value >= 0. Received: "
                f"num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with output_dim fully "
                f"defined (not None). Received input shapes: y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        outputs = y_pred_shape[-1]
        self.squared_sum = self.add_variable(shape=(outputs,), initializer="zeros", name="squared_sum")
        self.sum = self.add_variable(shape=(outputs,), initializer="zeros", name="sum")
        self.total_mse = self.add_variable(shape=(outputs,), initializer="zeros", name="residual")
        self.count = self.add_variable(shape=(outputs,), initializer="zeros", name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's sums of targets, squared targets and squared residuals."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(ops.shape(y_true)), tuple(ops.shape(y_pred)))
        weights = ops.cast(ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight), self.dtype)
        if len(ops.shape(weights)) == 1:
            weights = ops.expand_dims(weights, axis=1)
        weights = ops.broadcast_to(weights, ops.shape(y_true))
        weighted_true = ops.multiply(y_true, weights)
        self.sum.assign_add(ops.sum(weighted_true, axis=0))
        self.squared_sum.assign_add(ops.sum(ops.multiply(y_true, weighted_true), axis=0))
        residual = ops.multiply(ops.square(ops.subtract(y_true, y_pred)), weights)
        self.total_mse.assign_add(ops.sum(residual, axis=0))
        self.count.assign_add(ops.sum(weights, axis=0))
        self.num_samples.assign_add(ops.cast(ops.size(y_true), self.dtype))

    def result(self) -> Any:
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        total_sum = self.sum.value
        mean = ops.divide(total_sum, self.count.value)
        total = ops.subtract(self.squared_sum.value, ops.multiply(total_sum, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors:
            n = self.num_samples.value
            p = float(self.num_regressors)
            # Adjusted only when n > p + 1; otherwise the plain score, as Keras falls back.
            usable = ops.greater(ops.subtract(n, 1.0), p)
            denominator = ops.where(usable, ops.subtract(ops.subtract(n, p), 1.0), ops.ones_like(n))
            adjusted = ops.subtract(
                1.0, ops.divide(ops.multiply(ops.subtract(1.0, score), ops.subtract(n, 1.0)), denominator)
            )
            score = ops.where(usable, adjusted, score)
        return score

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
