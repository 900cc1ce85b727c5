"""Intersection-over-union metrics, from a running confusion matrix."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.backend import config
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import confusion_matrix


class _IoUBase(Metric):
    """Keeps the `(num_classes, num_classes)` confusion matrix of all batches."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        if not isinstance(num_classes, int) or num_classes <= 0:
            raise ValueError(f"Argument `num_classes` must be a positive integer. Received: num_classes={num_classes}")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            shape=(num_classes, num_classes), initializer="zeros", dtype=self.dtype, name="total_confusion_matrix"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch to the confusion matrix.

        Args:
            y_true: class ids (or one-hot with `sparse_y_true=False`).
            y_pred: class ids (or scores with `sparse_y_pred=False`).
            sample_weight: optional weights, broadcastable to `y_true`.
        """
        if not self.sparse_y_true:
            y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(ops.convert_to_tensor(y_pred), axis=self.axis)
        y_true = ops.reshape(ops.cast(ops.convert_to_tensor(y_true), "int32"), (-1,))
        y_pred = ops.reshape(ops.cast(ops.convert_to_tensor(y_pred), "int32"), (-1,))
        if sample_weight is None:
            weights = ops.ones_like(y_true, dtype="float32")
        else:
            weights = ops.cast(ops.convert_to_tensor(sample_weight), "float32")
            if len(ops.shape(weights)) > 1:
                weights = ops.reshape(weights, (-1,))
            weights = ops.broadcast_to(weights, ops.shape(y_true))
        in_bounds = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, self.num_classes)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, self.num_classes)),
        )
        if self.ignore_class is not None:
            in_bounds = ops.logical_and(in_bounds, ops.not_equal(y_true, self.ignore_class))
        weights = ops.where(in_bounds, weights, ops.zeros_like(weights))
        current = confusion_matrix(y_true, y_pred, self.num_classes, weights=weights, dtype=self.dtype)
        self.total_cm.assign(ops.add(self.total_cm.value, current))


class IoU(_IoUBase):
    """Mean intersection-over-union over the classes in `target_class_ids`.

    For each class, `IoU = tp / (tp + fp + fn)`; classes never seen (in
    labels or predictions) are left out of the mean.

    Args:
        num_classes: number of classes.
        target_class_ids: the class ids whose IoU is averaged.
        name: name shown in logs.
        dtype: dtype of the confusion matrix (default integer: float
            sample weights are truncated, as in Keras).
        ignore_class: a label id to skip (e.g. a "void" class).
        sparse_y_true: labels are class ids (False: one-hot).
        sparse_y_pred: predictions are class ids (False: scores, argmax taken).
        axis: the class axis for one-hot inputs.

    Example:
        ```python
        m = lamina.metrics.IoU(num_classes=2, target_class_ids=[0])
        m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        m.result()   # 0.3333
        ```
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        target_class_ids = [int(i) for i in target_class_ids]
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < 0:
            raise ValueError(
                f"Target class ids {target_class_ids} are out of range, which is [0, {num_classes}). "
                "Pass at least one class id below `num_classes`."
            )
        self.target_class_ids = target_class_ids

    def result(self) -> Any:
        """The mean IoU over the target classes that occurred."""
        cm = ops.cast(self.total_cm.value, "float32")
        predicted = ops.sum(cm, axis=0)
        actual = ops.sum(cm, axis=1)
        true_positives = ops.diagonal(cm)
        denominator = ops.subtract(ops.add(predicted, actual), true_positives)
        ids = ops.convert_to_tensor(np.asarray(self.target_class_ids, dtype="int32"))
        true_positives = ops.take(true_positives, ids)
        denominator = ops.take(denominator, ids)
        valid = ops.greater(denominator, 1e-9)
        iou = ops.divide(true_positives, ops.add(denominator, config.epsilon()))
        iou = ops.where(valid, iou, ops.zeros_like(iou))
        count = ops.sum(ops.cast(valid, "float32"))
        return ops.divide(ops.sum(iou), ops.add(count, config.epsilon()))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU for binary labels, with predictions thresholded at `threshold`.

    Args:
        target_class_ids: which of the classes 0 and 1 to average (default both).
        threshold: predictions at or above it are class 1.
        name: name shown in logs.
        dtype: dtype of the confusion matrix.

    Example:
        ```python
        m = lamina.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        m.result()   # 0.3333
        ```
    """

    def __init__(
        self, target_class_ids: Any = (0, 1), threshold: float = 0.5, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Thresholds `y_pred`, then adds the batch to the confusion matrix."""
        y_pred = ops.cast(
            ops.greater_equal(ops.cast(ops.convert_to_tensor(y_pred), "float32"), self.threshold), "int32"
        )
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """Mean IoU over all `num_classes` classes (those that occurred).

    Example:
        ```python
        m = lamina.metrics.MeanIoU(num_classes=2)
        m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        m.result()   # 0.3333
        ```
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """IoU for one-hot labels and score predictions (argmax taken on `axis`).

    Example:
        ```python
        m = lamina.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
        m.update_state([[0, 0, 1], [1, 0, 0]], [[0.1, 0.2, 0.7], [0.2, 0.7, 0.1]])
        ```
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """Mean IoU over all classes for one-hot labels and score predictions.

    Example:
        ```python
        m = lamina.metrics.OneHotMeanIoU(num_classes=3)
        m.update_state([[0, 0, 1], [1, 0, 0]], [[0.1, 0.2, 0.7], [0.2, 0.7, 0.1]])
        ```
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
