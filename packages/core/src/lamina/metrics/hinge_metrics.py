"""Hinge metrics: the running mean of hinge, squared hinge and categorical hinge."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _float_pair(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred)), y_pred


def _to_signed_labels(y_true: Any) -> Any:
    """Maps labels in {0, 1} to {-1, 1}; other labels (already -1/1) are kept."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(y_true, 2.0), 1.0), y_true)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`; labels in {-1, 1} or {0, 1}."""
    y_true, y_pred = _float_pair(y_true, y_pred)
    y_true = _to_signed_labels(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`; labels in {-1, 1} or {0, 1}."""
    y_true, y_pred = _float_pair(y_true, y_pred)
    y_true = _to_signed_labels(y_true)
    margin = ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """`maximum(neg - pos + 1, 0)` with `pos` the true class score and `neg` the best other one."""
    y_true, y_pred = _float_pair(y_true, y_pred)
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(negative, positive), 1.0), 0.0)


class Hinge(MeanMetricWrapper):
    """Running mean of the hinge loss between `y_true` and `y_pred`.

    Example:
        ```python
        m = lamina.metrics.Hinge()
        m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        m.result()   # 1.3
        ```
    """

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """Running mean of the squared hinge loss between `y_true` and `y_pred`.

    Example:
        ```python
        m = lamina.metrics.SquaredHinge()
        m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        m.result()   # 1.86
        ```
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of the categorical hinge loss between one-hot `y_true` and `y_pred`.

    Example:
        ```python
        m = lamina.metrics.CategoricalHinge()
        m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        m.result()   # 1.4
        ```
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}
