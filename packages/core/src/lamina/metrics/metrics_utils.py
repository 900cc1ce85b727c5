"""Helpers shared by the confusion-matrix metrics (thresholds, TP/FP/TN/FN counts).

Everything here is written with `lamina.ops` and no Python branching on
tensor values, so the metrics that use it run inside compiled steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lamina import ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank

# The threshold used with `top_k`: every kept prediction is above it.
NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
_CONDITIONS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def divide_no_nan(x: Any, y: Any) -> Any:
    """`x / y`, with 0 wherever `y` is 0."""
    x = ops.convert_to_tensor(x)
    y = ops.convert_to_tensor(y)
    zero = ops.equal(y, 0)
    return ops.where(zero, ops.zeros_like(x), ops.divide(x, ops.where(zero, ops.ones_like(y), y)))


def to_list(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return [value]


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list[float]:
    """Returns `thresholds` as a list of floats in [0, 1] (the default when None)."""
    if thresholds is None:
        return [default_threshold]
    values = to_list(thresholds)
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return [float(t) for t in values]


def filter_top_k(x: Any, k: int) -> Any:
    """Keeps the `k` largest values of the last axis and sets the others to `NEG_INF`."""
    _, indices = ops.top_k(x, k)
    mask = ops.sum(ops.one_hot(indices, ops.shape(x)[-1], dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, mask), ops.multiply(ops.subtract(1.0, mask), NEG_INF))


def update_confusion_matrix_variables(
    variables_to_update: dict[str, Any],
    y_true: Any,
    y_pred: Any,
    thresholds: Sequence[float],
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
    label_weights: Any = None,
) -> None:
    """Adds this batch's (weighted) TP/FP/TN/FN counts at each threshold to the variables.

    A prediction counts as positive at threshold `t` when `y_pred > t`; a
    label is positive when it is non-zero. Counts are summed over all
    elements (or per label, along the last axis, when `multi_label`).

    Args:
        variables_to_update: maps "tp", "fp", "tn", "fn" to variables of
            shape `(num_thresholds,)` (or `(num_thresholds, num_labels)`).
        y_true: labels, same shape as `y_pred`.
        y_pred: scores, usually in [0, 1].
        thresholds: the thresholds, a list of floats.
        top_k: only the `top_k` largest predictions of the last axis count.
        class_id: only this class (an index of the last axis) counts.
        sample_weight: weights broadcastable to `y_true`.
        multi_label: count each label (the last axis) separately.
        label_weights: per-label weights, when not `multi_label`.
    """
    unknown = [key for key in variables_to_update if key not in _CONDITIONS]
    if unknown or not variables_to_update:
        raise ValueError(
            f"Expected confusion matrix keys among {list(_CONDITIONS)}. Received: {list(variables_to_update)}"
        )
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multi-label data must be applied by the caller, not here.")
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(ops.shape(y_pred)) == 1:
            raise ValueError(
                "When `class_id` is given, `y_pred` must have shape (num_samples, num_classes). "
                f"Received: y_pred.shape={ops.shape(y_pred)}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]

    num_thresholds = len(thresholds)
    threshold_values = ops.convert_to_tensor(np.asarray(thresholds, dtype=dtype))
    if multi_label:
        # (thresholds, samples, labels)
        predictions = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(ops.not_equal(y_true, 0), 0)
        threshold_values = ops.reshape(threshold_values, (num_thresholds, 1, 1))
    else:
        # (thresholds, all elements)
        predictions = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(ops.not_equal(y_true, 0), (1, -1))
        threshold_values = ops.reshape(threshold_values, (num_thresholds, 1))
    pred_is_pos = ops.greater(predictions, threshold_values)
    pred_is_neg = ops.logical_not(pred_is_pos)
    label_is_neg = ops.logical_not(labels)

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, ops.shape(y_pred))
    if label_weights is not None:
        lw = ops.broadcast_to(
            ops.expand_dims(ops.cast(ops.convert_to_tensor(label_weights), dtype), 0), ops.shape(y_pred)
        )
        weights = lw if weights is None else ops.multiply(weights, lw)
    if weights is not None:
        weights = ops.expand_dims(weights, 0) if multi_label else ops.reshape(weights, (1, -1))

    conditions = {
        TRUE_POSITIVES: (labels, pred_is_pos),
        FALSE_POSITIVES: (label_is_neg, pred_is_pos),
        TRUE_NEGATIVES: (label_is_neg, pred_is_neg),
        FALSE_NEGATIVES: (labels, pred_is_neg),
    }
    for key, variable in variables_to_update.items():
        label_condition, pred_condition = conditions[key]
        hits = ops.cast(ops.logical_and(label_condition, pred_condition), dtype)
        if weights is not None:
            hits = ops.multiply(hits, weights)
        variable.assign(ops.add(variable.value, ops.sum(hits, axis=1)))


def confusion_matrix(labels: Any, predictions: Any, num_classes: int, weights: Any = None, dtype: Any = "int32") -> Any:
    """The `(num_classes, num_classes)` matrix of (weighted) counts; rows are labels.

    Labels or predictions outside `[0, num_classes)` contribute nothing.
    """
    labels = ops.reshape(ops.cast(ops.convert_to_tensor(labels), "int32"), (-1,))
    predictions = ops.reshape(ops.cast(ops.convert_to_tensor(predictions), "int32"), (-1,))
    true_one_hot = ops.one_hot(labels, num_classes, dtype="float32")
    pred_one_hot = ops.one_hot(predictions, num_classes, dtype="float32")
    if weights is not None:
        weights = ops.cast(ops.convert_to_tensor(weights), dtype)  # integer matrices truncate weights, as Keras
        weights = ops.reshape(ops.cast(weights, "float32"), (-1, 1))
        pred_one_hot = ops.multiply(pred_one_hot, weights)
    return ops.cast(ops.matmul(ops.transpose(true_one_hot), pred_one_hot), dtype)
