"""`lamina.metrics`: stateful metrics, as `keras.metrics`."""

from __future__ import annotations

from typing import Any

from lamina.backend.naming import to_snake_case as _to_snake_case
from lamina.losses.losses import binary_crossentropy as binary_crossentropy
from lamina.losses.losses import binary_focal_crossentropy as binary_focal_crossentropy
from lamina.losses.losses import categorical_crossentropy as categorical_crossentropy
from lamina.losses.losses import categorical_focal_crossentropy as categorical_focal_crossentropy
from lamina.losses.losses import huber as huber
from lamina.losses.losses import mean_absolute_error as mean_absolute_error
from lamina.losses.losses import mean_squared_error as mean_squared_error
from lamina.losses.losses import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from lamina.metrics.accuracy_metrics import Accuracy as Accuracy
from lamina.metrics.accuracy_metrics import BinaryAccuracy as BinaryAccuracy
from lamina.metrics.accuracy_metrics import CategoricalAccuracy as CategoricalAccuracy
from lamina.metrics.accuracy_metrics import SparseCategoricalAccuracy as SparseCategoricalAccuracy
from lamina.metrics.accuracy_metrics import SparseTopKCategoricalAccuracy as SparseTopKCategoricalAccuracy
from lamina.metrics.accuracy_metrics import TopKCategoricalAccuracy as TopKCategoricalAccuracy
from lamina.metrics.accuracy_metrics import accuracy as accuracy
from lamina.metrics.accuracy_metrics import binary_accuracy as binary_accuracy
from lamina.metrics.accuracy_metrics import categorical_accuracy as categorical_accuracy
from lamina.metrics.accuracy_metrics import sparse_categorical_accuracy as sparse_categorical_accuracy
from lamina.metrics.accuracy_metrics import sparse_top_k_categorical_accuracy as sparse_top_k_categorical_accuracy
from lamina.metrics.accuracy_metrics import top_k_categorical_accuracy as top_k_categorical_accuracy
from lamina.metrics.confusion_metrics import AUC as AUC
from lamina.metrics.confusion_metrics import FalseNegatives as FalseNegatives
from lamina.metrics.confusion_metrics import FalsePositives as FalsePositives
from lamina.metrics.confusion_metrics import Precision as Precision
from lamina.metrics.confusion_metrics import PrecisionAtRecall as PrecisionAtRecall
from lamina.metrics.confusion_metrics import Recall as Recall
from lamina.metrics.confusion_metrics import RecallAtPrecision as RecallAtPrecision
from lamina.metrics.confusion_metrics import SensitivityAtSpecificity as SensitivityAtSpecificity
from lamina.metrics.confusion_metrics import SpecificityAtSensitivity as SpecificityAtSensitivity
from lamina.metrics.confusion_metrics import TrueNegatives as TrueNegatives
from lamina.metrics.confusion_metrics import TruePositives as TruePositives
from lamina.metrics.correlation_metrics import ConcordanceCorrelation as ConcordanceCorrelation
from lamina.metrics.correlation_metrics import PearsonCorrelation as PearsonCorrelation
from lamina.metrics.correlation_metrics import concordance_correlation as concordance_correlation
from lamina.metrics.correlation_metrics import pearson_correlation as pearson_correlation
from lamina.metrics.f_score_metrics import F1Score as F1Score
from lamina.metrics.f_score_metrics import FBetaScore as FBetaScore
from lamina.metrics.hinge_metrics import CategoricalHinge as CategoricalHinge
from lamina.metrics.hinge_metrics import Hinge as Hinge
from lamina.metrics.hinge_metrics import SquaredHinge as SquaredHinge
from lamina.metrics.hinge_metrics import categorical_hinge as categorical_hinge
from lamina.metrics.hinge_metrics import hinge as hinge
from lamina.metrics.hinge_metrics import squared_hinge as squared_hinge
from lamina.metrics.iou_metrics import BinaryIoU as BinaryIoU
from lamina.metrics.iou_metrics import IoU as IoU
from lamina.metrics.iou_metrics import MeanIoU as MeanIoU
from lamina.metrics.iou_metrics import OneHotIoU as OneHotIoU
from lamina.metrics.iou_metrics import OneHotMeanIoU as OneHotMeanIoU
from lamina.metrics.metric import Metric as Metric
from lamina.metrics.probabilistic_metrics import BinaryCrossentropy as BinaryCrossentropy
from lamina.metrics.probabilistic_metrics import CategoricalCrossentropy as CategoricalCrossentropy
from lamina.metrics.probabilistic_metrics import KLDivergence as KLDivergence
from lamina.metrics.probabilistic_metrics import Poisson as Poisson
from lamina.metrics.probabilistic_metrics import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from lamina.metrics.probabilistic_metrics import kl_divergence as kl_divergence
from lamina.metrics.probabilistic_metrics import poisson as poisson
from lamina.metrics.reduction_metrics import Mean as Mean
from lamina.metrics.reduction_metrics import MeanMetricWrapper as MeanMetricWrapper
from lamina.metrics.reduction_metrics import Sum as Sum
from lamina.metrics.regression_metrics import CosineSimilarity as CosineSimilarity
from lamina.metrics.regression_metrics import LogCoshError as LogCoshError
from lamina.metrics.regression_metrics import MeanAbsoluteError as MeanAbsoluteError
from lamina.metrics.regression_metrics import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from lamina.metrics.regression_metrics import MeanSquaredError as MeanSquaredError
from lamina.metrics.regression_metrics import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from lamina.metrics.regression_metrics import R2Score as R2Score
from lamina.metrics.regression_metrics import RootMeanSquaredError as RootMeanSquaredError
from lamina.metrics.regression_metrics import cosine_similarity as cosine_similarity
from lamina.metrics.regression_metrics import log_cosh as log_cosh
from lamina.metrics.regression_metrics import mean_absolute_percentage_error as mean_absolute_percentage_error
from lamina.metrics.regression_metrics import mean_squared_logarithmic_error as mean_squared_logarithmic_error

_CLASSES = [
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    Metric,
    Mean,
    MeanMetricWrapper,
    Sum,
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    F1Score,
    FBetaScore,
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    BinaryIoU,
    IoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    CosineSimilarity,
    LogCoshError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    R2Score,
    PearsonCorrelation,
    ConcordanceCorrelation,
]
_FUNCTIONS = [
    huber,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    pearson_correlation,
    concordance_correlation,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
    categorical_hinge,
    hinge,
    squared_hinge,
    kl_divergence,
    poisson,
    cosine_similarity,
    log_cosh,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
]
ALL_OBJECTS: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})
ALL_OBJECTS.update({"mse": mean_squared_error, "mae": mean_absolute_error, "acc": accuracy})
ALL_OBJECTS.update({"mape": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error})
ALL_OBJECTS.update({"bce": BinaryCrossentropy, "BCE": BinaryCrossentropy})
ALL_OBJECTS.update({"MSE": MeanSquaredError, "MAE": MeanAbsoluteError})
ALL_OBJECTS.update({"MAPE": MeanAbsolutePercentageError, "MSLE": MeanSquaredLogarithmicError})
# snake_case names of classes (e.g. "auc", "f1_score"), as Keras; functions keep their own names.
ALL_OBJECTS.update(
    {_to_snake_case(cls.__name__): cls for cls in _CLASSES if _to_snake_case(cls.__name__) not in ALL_OBJECTS}
)

__all__ = [cls.__name__ for cls in _CLASSES] + [fn.__name__ for fn in _FUNCTIONS] + ["get", "serialize", "deserialize"]


def get(identifier: Any) -> Any:
    """Returns the metric named by `identifier` (a function for snake_case names, as Keras)."""
    from lamina.saving.lookup import resolve

    found = resolve(identifier, ALL_OBJECTS, "metric", base=Metric, instantiate=False)
    return found() if isinstance(found, type) else found


def serialize(metric: Any) -> Any:
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(metric)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    from lamina.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)
