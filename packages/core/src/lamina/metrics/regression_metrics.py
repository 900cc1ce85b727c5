"""Regression metrics: mean squared / absolute error and their root."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.losses.losses import mean_absolute_error, mean_squared_error
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of `mean(square(y_true - y_pred), axis=-1)`."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of `mean(abs(y_true - y_pred), axis=-1)`."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the running mean of squared errors."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
        from lamina.losses.loss import squeeze_or_expand_to_same_rank

        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(ops.subtract(y_true, y_pred)), sample_weight=sample_weight)

    def result(self) -> Any:
        return ops.sqrt(super().result())
