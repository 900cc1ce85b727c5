"""Metrics from confusion-matrix counts: TP/FP/TN/FN, precision, recall, AUC, ...

Each metric keeps per-threshold counts in variables created in `__init__`
(AUC with `multi_label=True` and no `num_labels` creates them on its first
batch) and computes its result from them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.backend import config
from lamina.metrics import metrics_utils
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import divide_no_nan


class _ConfusionMatrixConditionCount(Metric):
    """Counts one confusion-matrix condition ("tp", "fp", "tn" or "fn") at each threshold."""

    _condition = ""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's (weighted) count at each threshold."""
        metrics_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator}, y_true, y_pred, self.thresholds, sample_weight=sample_weight
        )

    def result(self) -> Any:
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Counts (weighted) true positives: label 1, prediction above the threshold.

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5); with a
            list, the result has one count per threshold.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.TruePositives()
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        m.result()   # 2.0
        ```
    """

    _condition = metrics_utils.TRUE_POSITIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    """Counts (weighted) false positives: label 0, prediction above the threshold.

    Example:
        ```python
        m = lamina.metrics.FalsePositives()
        m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
        m.result()   # 2.0
        ```
    """

    _condition = metrics_utils.FALSE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Counts (weighted) true negatives: label 0, prediction at or below the threshold.

    Example:
        ```python
        m = lamina.metrics.TrueNegatives()
        m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
        m.result()   # 2.0
        ```
    """

    _condition = metrics_utils.TRUE_NEGATIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Counts (weighted) false negatives: label 1, prediction at or below the threshold.

    Example:
        ```python
        m = lamina.metrics.FalseNegatives()
        m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
        m.result()   # 2.0
        ```
    """

    _condition = metrics_utils.FALSE_NEGATIVES


class _PrecisionRecallBase(Metric):
    _second = ""

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if top_k is not None and (not isinstance(top_k, int) or top_k <= 0):
            raise ValueError(f"Argument `top_k` must be a positive integer or None. Received: top_k={top_k}")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default)
        count = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(count,), initializer="zeros", name="true_positives")
        other = "false_positives" if self._second == metrics_utils.FALSE_POSITIVES else "false_negatives"
        setattr(self, other, self.add_variable(shape=(count,), initializer="zeros", name=other))
        self._other = getattr(self, other)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's (weighted) counts; `y_pred` are scores in [0, 1]."""
        metrics_utils.update_confusion_matrix_variables(
            {metrics_utils.TRUE_POSITIVES: self.true_positives, self._second: self._other},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self) -> Any:
        tp = self.true_positives.value
        value = divide_no_nan(tp, ops.add(tp, self._other.value))
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """Precision, `tp / (tp + fp)`, over all batches so far.

    Args:
        thresholds: float or list of floats in [0, 1]: a prediction above it
            is positive (default 0.5, or any kept prediction with `top_k`).
        top_k: only the `top_k` largest predictions of each sample count.
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.Precision()
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        m.result()   # 0.6667
        ```
    """

    _second = metrics_utils.FALSE_POSITIVES

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)


class Recall(_PrecisionRecallBase):
    """Recall, `tp / (tp + fn)`, over all batches so far.

    Args:
        thresholds: float or list of floats in [0, 1] (default 0.5).
        top_k: only the `top_k` largest predictions of each sample count.
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.Recall()
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        m.result()   # 0.6667
        ```
    """

    _second = metrics_utils.FALSE_NEGATIVES

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype)


def _even_thresholds(num_thresholds: int) -> list[float]:
    """`num_thresholds` thresholds evenly spaced from 0 to 1 (both included)."""
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0] + inner + [1.0]


class SensitivitySpecificityBase(Metric):
    """Base of the metrics that read one rate where another reaches a target value.

    Keeps TP/FP/TN/FN at `num_thresholds` evenly spaced thresholds.
    """

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        self.thresholds = [0.5] if num_thresholds == 1 else _even_thresholds(num_thresholds)
        count = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(count,), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=(count,), initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=(count,), initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=(count,), initializer="zeros", name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's (weighted) counts at every threshold."""
        metrics_utils.update_confusion_matrix_variables(
            {
                metrics_utils.TRUE_POSITIVES: self.true_positives,
                metrics_utils.TRUE_NEGATIVES: self.true_negatives,
                metrics_utils.FALSE_POSITIVES: self.false_positives,
                metrics_utils.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self.thresholds,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _rates(self) -> dict[str, Any]:
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        return {
            "recall": divide_no_nan(tp, ops.add(tp, fn)),
            "specificity": divide_no_nan(tn, ops.add(tn, fp)),
            "precision": divide_no_nan(tp, ops.add(tp, fp)),
        }

    def _find_max_under_constraint(self, constrained: Any, dependent: Any) -> Any:
        """The largest `dependent` among thresholds where `constrained >= value` (0 if none)."""
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)))

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id}


def _check_unit_interval(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is at least `specificity`.

    Args:
        specificity: the target specificity, in [0, 1].
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200).
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.SensitivityAtSpecificity(0.5)
        m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        m.result()   # 0.5
        ```
    """

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["recall"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity is at least `sensitivity`.

    Args:
        sensitivity: the target sensitivity (recall), in [0, 1].
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200).
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.SpecificityAtSensitivity(0.5)
        m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        m.result()   # 0.6667
        ```
    """

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        rates = self._rates()
        return self._find_max_under_constraint(rates["recall"], rates["specificity"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is at least `recall`.

    Args:
        recall: the target recall, in [0, 1].
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200).
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.PrecisionAtRecall(0.5)
        m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        m.result()   # 0.5
        ```
    """

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        rates = self._rates()
        return self._find_max_under_constraint(rates["recall"], rates["precision"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is at least `precision`.

    Args:
        precision: the target precision, in [0, 1].
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200).
        class_id: compute the metric for this class (last axis) only.
        name: name shown in logs.
        dtype: dtype of the counts.

    Example:
        ```python
        m = lamina.metrics.RecallAtPrecision(0.8)
        m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        m.result()   # 0.5
        ```
    """

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["recall"])

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "precision": self.precision}


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: thresholds evenly spaced in [0, 1] (default 200; > 1).
        curve: "ROC" (default), "PR" or "PRGAIN".
        summation_method: "interpolation" (default; the Davis & Goadrich
            interpolation for PR), "minoring" or "majoring".
        name: name shown in logs.
        dtype: dtype of the counts.
        thresholds: explicit thresholds in [0, 1] (overrides
            `num_thresholds`); 0 and 1 are added at the ends.
        multi_label: treat the last axis as independent labels and average
            their AUCs, instead of flattening everything into one curve.
        num_labels: the number of labels with `multi_label` (otherwise taken
            from the first batch).
        label_weights: per-label weights (averaging weights with
            `multi_label`, count weights otherwise).
        from_logits: `y_pred` are logits (a sigmoid is applied first).

    Example:
        ```python
        m = lamina.metrics.AUC(num_thresholds=3)
        m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        m.result()   # 0.75
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[lamina.metrics.AUC()])
        ```
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        curve_key = str(getattr(curve, "value", curve)).lower()
        if curve_key not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        summation_key = str(getattr(summation_method, "value", summation_method)).lower()
        if summation_key not in _SUMMATIONS:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". '
                'Expected values are ["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(metrics_utils.parse_init_thresholds(thresholds))
            self.num_thresholds = len(inner) + 2
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = _even_thresholds(num_thresholds)[1:-1]
        epsilon = config.epsilon()
        self._thresholds = np.array([0.0 - epsilon] + inner + [1.0 + epsilon])
        self.curve = _CURVES[curve_key]
        self.summation_method = summation_key
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, including the -epsilon and 1 + epsilon ends."""
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape: tuple = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's (weighted) counts at every threshold."""
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(ops.shape(y_pred)))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {
                metrics_utils.TRUE_POSITIVES: self.true_positives,
                metrics_utils.TRUE_NEGATIVES: self.true_negatives,
                metrics_utils.FALSE_POSITIVES: self.false_positives,
                metrics_utils.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            list(self._thresholds),
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, by_threshold: Any) -> Any:
        if not self.multi_label:
            return ops.sum(by_threshold)
        by_label = ops.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        weights = ops.convert_to_tensor(self.label_weights)
        return divide_no_nan(ops.sum(ops.multiply(by_label, weights)), ops.sum(weights))

    def interpolate_pr_auc(self) -> Any:
        """PR AUC with the interpolation of Davis & Goadrich (2006)."""
        n = self.num_thresholds
        tp = self.true_positives.value
        fp = self.false_positives.value
        fn = self.false_negatives.value
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        prec_slope = divide_no_nan(dtp, ops.maximum(dp, 0))
        intercept = ops.subtract(tp[1:], ops.multiply(prec_slope, p[1:]))
        both_positive = ops.logical_and(ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0))
        safe_p_ratio = ops.where(both_positive, divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0)), ops.ones_like(p[1:]))
        increment = divide_no_nan(
            ops.multiply(prec_slope, ops.add(dtp, ops.multiply(intercept, ops.log(safe_p_ratio)))),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0),
        )
        return self._average_over_labels(increment)

    def result(self) -> Any:
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        recall = divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, ops.add(fp, tn)), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, ops.add(tp, fp))
        else:  # PRGAIN
            scale = divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = ops.subtract(1.0, ops.multiply(scale, divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, divide_no_nan(fp, tp)))
            no_tp = ops.equal(tp, 0.0)
            x = ops.maximum(ops.where(no_tp, ops.zeros_like(recall_gain), recall_gain), 0.0)
            y = ops.where(no_tp, ops.ones_like(precision_gain), precision_gain)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average_over_labels(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        config_ = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config_["thresholds"] = [float(t) for t in self.thresholds[1:-1]]
        return config_
