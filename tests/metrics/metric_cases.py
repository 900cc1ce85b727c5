"""Metric cases shared by the metric tests: constructors, inputs, and the Keras 3 reference.

Each case names a metric class of `keras.metrics` / `lamina.metrics`, its
constructor arguments and the kind of inputs it takes. Inputs are two
batches of fixed NumPy data with sample weights; the reference runs Keras 3
(NumPy backend) once, in a subprocess, for every case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np

BATCH = 8

# (case id, class name, constructor kwargs, input kind)
CASES: list[tuple[str, str, dict, str]] = [
    ("accuracy", "Accuracy", {}, "class_ids"),
    ("binary_accuracy", "BinaryAccuracy", {}, "binary"),
    ("binary_accuracy_t03", "BinaryAccuracy", {"threshold": 0.3}, "multilabel"),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "onehot"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "sparse"),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("auc", "AUC", {}, "binary"),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary"),
    ("auc_minoring", "AUC", {"summation_method": "minoring", "num_thresholds": 11}, "binary"),
    ("auc_pr_majoring", "AUC", {"curve": "PR", "summation_method": "majoring"}, "multilabel"),
    ("auc_prgain", "AUC", {"curve": "PRGAIN", "num_thresholds": 50}, "binary"),
    ("auc_thresholds", "AUC", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("auc_logits", "AUC", {"from_logits": True}, "binary_logits"),
    ("auc_multi_label", "AUC", {"multi_label": True, "num_labels": 3}, "multilabel"),
    (
        "auc_multi_label_weights",
        "AUC",
        {"multi_label": True, "num_labels": 3, "label_weights": [0.2, 0.5, 1.0]},
        "multilabel",
    ),
    ("auc_label_weights", "AUC", {"label_weights": [0.2, 0.5, 1.0]}, "multilabel"),
    ("precision", "Precision", {}, "binary"),
    ("precision_thresholds", "Precision", {"thresholds": [0.3, 0.7]}, "binary"),
    ("precision_top_k", "Precision", {"top_k": 2}, "multilabel"),
    ("precision_class_id", "Precision", {"class_id": 1}, "multilabel"),
    ("recall", "Recall", {}, "binary"),
    ("recall_top_k", "Recall", {"top_k": 1}, "multilabel"),
    ("recall_class_id_threshold", "Recall", {"class_id": 2, "thresholds": 0.4}, "multilabel"),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.6, "num_thresholds": 20}, "binary"),
    ("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.4, "class_id": 1}, "multilabel"),
    ("true_positives", "TruePositives", {}, "binary"),
    ("false_positives", "FalsePositives", {"thresholds": [0.3, 0.6]}, "binary"),
    ("true_negatives", "TrueNegatives", {}, "multilabel"),
    ("false_negatives", "FalseNegatives", {}, "binary"),
    ("f1", "F1Score", {}, "multilabel"),
    ("f1_micro", "F1Score", {"average": "micro", "threshold": 0.5}, "multilabel"),
    ("f1_macro", "F1Score", {"average": "macro"}, "onehot"),
    ("f1_weighted", "F1Score", {"average": "weighted", "threshold": 0.4}, "multilabel"),
    ("fbeta", "FBetaScore", {"beta": 2.0, "average": "macro", "threshold": 0.5}, "multilabel"),
    ("mse", "MeanSquaredError", {}, "regression"),
    ("rmse", "RootMeanSquaredError", {}, "regression"),
    ("mae", "MeanAbsoluteError", {}, "regression"),
    ("mape", "MeanAbsolutePercentageError", {}, "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("cosine", "CosineSimilarity", {}, "regression"),
    ("logcosh", "LogCoshError", {}, "regression"),
    ("r2", "R2Score", {}, "regression"),
    ("r2_variance_weighted", "R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("r2_raw", "R2Score", {"class_aggregation": None}, "regression"),
    ("r2_adjusted", "R2Score", {"num_regressors": 2}, "regression"),
    ("mean_iou", "MeanIoU", {"num_classes": 4}, "class_ids"),
    ("mean_iou_ignore", "MeanIoU", {"num_classes": 4, "ignore_class": 0}, "class_ids"),
    ("iou", "IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, "class_ids"),
    ("binary_iou", "BinaryIoU", {"target_class_ids": [0, 1], "threshold": 0.4}, "binary"),
    ("one_hot_iou", "OneHotIoU", {"num_classes": 4, "target_class_ids": [1, 3]}, "onehot"),
    ("one_hot_mean_iou", "OneHotMeanIoU", {"num_classes": 4}, "onehot"),
    ("hinge", "Hinge", {}, "multilabel"),
    ("squared_hinge", "SquaredHinge", {}, "multilabel"),
    ("categorical_hinge", "CategoricalHinge", {}, "onehot"),
    ("poisson", "Poisson", {}, "positive"),
    ("kl_divergence", "KLDivergence", {}, "onehot"),
    ("binary_crossentropy", "BinaryCrossentropy", {}, "multilabel"),
    (
        "binary_crossentropy_logits",
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "binary_logits",
    ),
    ("categorical_crossentropy", "CategoricalCrossentropy", {}, "onehot"),
    ("categorical_crossentropy_smooth", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot"),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("mean", "Mean", {}, "values"),
    ("sum", "Sum", {}, "values"),
    ("mean_metric_wrapper", "MeanMetricWrapper", {"fn": "mean_squared_error"}, "regression"),
]

# Metrics whose state is shaped by the first batch (Keras builds them lazily too).
LAZY = {"F1Score", "FBetaScore", "R2Score"}


def make_inputs(kind: str, seed: int) -> dict[str, np.ndarray]:
    """One batch of (y_true, y_pred, sample_weight) of the given kind."""
    rng = np.random.default_rng(seed)
    n = BATCH
    weights = rng.uniform(0.2, 2.0, size=(n,)).astype("float32")
    if kind == "binary":
        y_true = rng.integers(0, 2, size=(n, 1)).astype("float32")
        y_pred = rng.uniform(size=(n, 1)).astype("float32")
    elif kind == "binary_logits":
        y_true = rng.integers(0, 2, size=(n, 1)).astype("float32")
        y_pred = rng.normal(scale=2.0, size=(n, 1)).astype("float32")
    elif kind == "multilabel":
        y_true = rng.integers(0, 2, size=(n, 3)).astype("float32")
        y_pred = rng.uniform(size=(n, 3)).astype("float32")
    elif kind in ("onehot", "sparse", "sparse_logits"):
        labels = rng.integers(0, 4, size=(n,))
        logits = rng.normal(size=(n, 4)).astype("float32")
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        y_pred = logits if kind == "sparse_logits" else probabilities.astype("float32")
        y_true = np.eye(4, dtype="float32")[labels] if kind == "onehot" else labels.astype("int32")
    elif kind == "class_ids":
        y_true = rng.integers(0, 4, size=(n,)).astype("int32")
        y_pred = rng.integers(0, 4, size=(n,)).astype("float32")
        weights = rng.integers(1, 3, size=(n,)).astype("float32")  # IoU keeps integer counts
    elif kind == "regression":
        y_true = rng.normal(size=(n, 3)).astype("float32")
        y_pred = (y_true + rng.normal(scale=0.5, size=(n, 3))).astype("float32")
    elif kind == "positive":
        y_true = rng.uniform(0.1, 3.0, size=(n, 3)).astype("float32")
        y_pred = rng.uniform(0.1, 3.0, size=(n, 3)).astype("float32")
    elif kind == "values":
        y_true = None  # type: ignore[assignment]
        y_pred = rng.normal(size=(n,)).astype("float32")
    else:
        raise ValueError(kind)
    return {"y_true": y_true, "y_pred": y_pred, "sample_weight": weights}


def batches_for(case_index: int, kind: str) -> list[dict[str, np.ndarray]]:
    return [make_inputs(kind, 1000 + 10 * case_index + i) for i in range(2)]


def build_metric(module: Any, class_name: str, kwargs: dict) -> Any:
    """Constructs `module.metrics.<class_name>(**kwargs)` (resolving `fn` names)."""
    kwargs = dict(kwargs)
    if "fn" in kwargs:
        kwargs["fn"] = getattr(module.losses, kwargs["fn"])
    return getattr(module.metrics, class_name)(**kwargs)


def run_case(module: Any, class_name: str, kwargs: dict, batches: list[dict]) -> dict[str, Any]:
    """Results after batch 1, after batch 2, and after a reset and batch 1 again."""

    def update(metric: Any, batch: dict) -> None:
        if batch["y_true"] is None:
            metric.update_state(batch["y_pred"], sample_weight=batch["sample_weight"])
        else:
            metric.update_state(batch["y_true"], batch["y_pred"], sample_weight=batch["sample_weight"])

    def value(metric: Any) -> list:
        return np.asarray(module.ops.convert_to_numpy(metric.result()), dtype="float64").tolist()

    metric = build_metric(module, class_name, kwargs)
    update(metric, batches[0])
    first = value(metric)
    update(metric, batches[1])
    both = value(metric)
    metric.reset_state()
    reset = value(metric)
    update(metric, batches[0])
    again = value(metric)
    return {"first": first, "both": both, "reset": reset, "again": again}


_REFERENCE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import numpy as np
    import keras
    from metric_cases import CASES, batches_for, run_case
    results = {}
    for index, (case_id, class_name, kwargs, kind) in enumerate(CASES):
        try:
            results[case_id] = run_case(keras, class_name, kwargs, batches_for(index, kind))
        except Exception as error:  # reported per case
            results[case_id] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(results))
    """
)


def keras_reference() -> dict[str, Any]:
    """Runs every case on Keras 3 (NumPy backend) in a subprocess."""
    env = {"KERAS_BACKEND": "numpy", "PATH": os.environ.get("PATH", ""), "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-c", _REFERENCE_SCRIPT, os.path.dirname(os.path.abspath(__file__))],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd="/",
    )
    if completed.returncode != 0:
        raise RuntimeError(f"The Keras 3 reference failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
