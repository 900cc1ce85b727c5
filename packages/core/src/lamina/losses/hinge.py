"""Hinge losses for maximum-margin classification."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.losses.loss import Loss, LossFunctionWrapper


def _hinge_labels(y_true: Any, y_pred: Any) -> Any:
    """Labels as -1/1: 0/1 labels are mapped (when all are 0 or 1), others are kept."""
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(2.0, y_true), 1.0), y_true)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """`mean(maximum(1 - y_true * y_pred, 0))` over the last axis, labels -1/1 (or 0/1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _hinge_labels(y_true, y_pred)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """`mean(square(maximum(1 - y_true * y_pred, 0)))` over the last axis, labels -1/1 (or 0/1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _hinge_labels(y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """`maximum(max_wrong - correct + 1, 0)` for one-hot `y_true`."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(negative, positive), 1.0), ops.cast(0.0, ops.dtype(y_pred)))


class Hinge(LossFunctionWrapper):
    """Hinge loss `mean(maximum(1 - y_true * y_pred, 0))`; 0/1 labels are mapped to -1/1.

    Example:
        ```python
        lamina.losses.Hinge()([[1.0, -1.0]], [[0.3, -2.0]])  # 0.35
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss `mean(square(maximum(1 - y_true * y_pred, 0)))`.

    Example:
        ```python
        lamina.losses.SquaredHinge()([[1.0, -1.0]], [[0.3, -2.0]])
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss `maximum(max_wrong - correct + 1, 0)` for one-hot labels.

    Example:
        ```python
        lamina.losses.CategoricalHinge()([[0.0, 1.0]], [[0.6, 0.4]])  # 1.2
        ```
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "categorical_hinge", dtype: Any = None
    ) -> None:
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
