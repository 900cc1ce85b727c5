"""Correlation metrics: `PearsonCorrelation` and `ConcordanceCorrelation` (as Keras 3)."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import config
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper

__all__ = ["ConcordanceCorrelation", "PearsonCorrelation", "concordance_correlation", "pearson_correlation"]


def _as_tensors(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson correlation of `y_true` and `y_pred` along `axis` (one value per sample).

    Example:
        >>> lamina.metrics.pearson_correlation([[0, 1, 0.5]], [[0.1, 0.9, 0.5]])
    """
    y_true, y_pred = _as_tensors(y_true, y_pred)
    true_centred = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    pred_centred = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    true_centred = true_centred / ops.std(true_centred, axis=axis, keepdims=True)
    pred_centred = pred_centred / ops.std(pred_centred, axis=axis, keepdims=True)
    return ops.mean(true_centred * pred_centred, axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Concordance correlation coefficient along `axis` (one value per sample).

    Follows Keras 3's formula exactly, including its covariance term
    `(y_true - mean(y_pred)) * (y_pred - mean(y_pred))`, so the values match
    Keras.
    """
    y_true, y_pred = _as_tensors(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = ops.var(y_pred - pred_mean, axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + ops.square(true_mean - pred_mean)
    return ops.mean(2 * covariance / (norm + config.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean Pearson correlation coefficient between labels and predictions.

    Args:
        name: Name of the metric.
        dtype: Dtype of the metric's result.
        axis: Axis (or axes) along which each correlation is computed.

    Example:
        ```python
        m = lamina.metrics.PearsonCorrelation()
        m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        m.result()   # ~0.9967
        ```
    """

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean concordance correlation coefficient between labels and predictions.

    Args:
        name: Name of the metric.
        dtype: Dtype of the metric's result.
        axis: Axis (or axes) along which each coefficient is computed.

    Example:
        ```python
        m = lamina.metrics.ConcordanceCorrelation()
        m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
        m.result()   # ~0.9816
        ```
    """

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
