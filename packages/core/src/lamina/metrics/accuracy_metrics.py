"""Accuracy metrics, as `keras.metrics`: functions and their Mean classes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where `y_pred` equals `y_true`, else 0.0."""
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, ops.cast(y_pred, ops.dtype(y_true))), "float32")


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """Mean over the last axis of `(y_pred > threshold) == y_true`."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_pred))
    matches = ops.cast(ops.equal(ops.cast(y_true, ops.dtype(y_pred)), predicted), "float32")
    return ops.mean(matches, axis=-1)


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the argmax of `y_pred` equals the argmax of one-hot `y_true`."""
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    y_pred = ops.argmax(ops.convert_to_tensor(y_pred), axis=-1)
    return ops.cast(ops.equal(y_true, y_pred), "float32")


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the argmax of `y_pred` equals the integer label `y_true`."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(ops.shape(y_true)) == len(ops.shape(y_pred)) and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    predicted = ops.argmax(y_pred, axis=-1)
    return ops.cast(ops.equal(ops.cast(y_true, "int32"), predicted), "float32")


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the true class of one-hot `y_true` is among the top `k` predictions."""
    labels = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return ops.cast(ops.in_top_k(labels, ops.convert_to_tensor(y_pred), k), "float32")


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False) -> Any:
    """1.0 where integer label `y_true` is among the top `k` predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score
    (best first) instead of scores.
    """
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    if len(ops.shape(y_true)) > 1 and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if from_sorted_ids:
        top = ops.cast(y_pred[..., :k], "int32")
        hits = ops.any(ops.equal(ops.expand_dims(ops.cast(y_true, "int32"), -1), top), axis=-1)
        return ops.cast(hits, "float32")
    return ops.cast(ops.in_top_k(ops.cast(y_true, "int32"), y_pred, k), "float32")


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    Example:
        ```python
        m = lamina.metrics.Accuracy()
        m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        m.result()   # 0.75
        ```
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    Args:
        threshold: predictions above it count as 1 (default 0.5).

    Example:
        ```python
        m = lamina.metrics.BinaryAccuracy()
        m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        m.result()   # 0.75
        ```
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches one-hot labels.

    Example:
        ```python
        m = lamina.metrics.CategoricalAccuracy()
        m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        m.result()   # 0.5
        ```
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches integer labels.

    Example:
        ```python
        m = lamina.metrics.SparseCategoricalAccuracy()
        m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        m.result()   # 0.5
        ```
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often one-hot labels are in the top `k` predictions.

    Example:
        ```python
        m = lamina.metrics.TopKCategoricalAccuracy(k=1)
        m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        m.result()   # 0.5
        ```
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often integer labels are in the top `k` predictions.

    Args:
        k: how many of the best predictions count (default 5).
        from_sorted_ids: `y_pred` holds class ids sorted by score, best first.

    Example:
        ```python
        m = lamina.metrics.SparseTopKCategoricalAccuracy(k=1)
        m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        m.result()   # 0.5
        ```
    """

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
