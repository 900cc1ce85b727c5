"""`lamina.metrics`: stateful metrics, as `keras.metrics`."""

from __future__ import annotations

from typing import Any

from lamina.losses.losses import binary_crossentropy as binary_crossentropy
from lamina.losses.losses import categorical_crossentropy as categorical_crossentropy
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
from lamina.metrics.metric import Metric as Metric
from lamina.metrics.reduction_metrics import Mean as Mean
from lamina.metrics.reduction_metrics import MeanMetricWrapper as MeanMetricWrapper
from lamina.metrics.reduction_metrics import Sum as Sum
from lamina.metrics.regression_metrics import MeanAbsoluteError as MeanAbsoluteError
from lamina.metrics.regression_metrics import MeanSquaredError as MeanSquaredError
from lamina.metrics.regression_metrics import RootMeanSquaredError as RootMeanSquaredError

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
]
_FUNCTIONS = [
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
]
ALL_OBJECTS: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})
ALL_OBJECTS.update({"mse": mean_squared_error, "mae": mean_absolute_error, "acc": accuracy})

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
