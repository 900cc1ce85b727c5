"""`lamina.losses`: loss functions and classes, as `keras.losses`."""

from __future__ import annotations

from typing import Any

from lamina.losses.loss import Loss as Loss
from lamina.losses.losses import BinaryCrossentropy as BinaryCrossentropy
from lamina.losses.losses import CategoricalCrossentropy as CategoricalCrossentropy
from lamina.losses.losses import LossFunctionWrapper as LossFunctionWrapper
from lamina.losses.losses import MeanAbsoluteError as MeanAbsoluteError
from lamina.losses.losses import MeanSquaredError as MeanSquaredError
from lamina.losses.losses import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from lamina.losses.losses import binary_crossentropy as binary_crossentropy
from lamina.losses.losses import categorical_crossentropy as categorical_crossentropy
from lamina.losses.losses import mean_absolute_error as mean_absolute_error
from lamina.losses.losses import mean_squared_error as mean_squared_error
from lamina.losses.losses import sparse_categorical_crossentropy as sparse_categorical_crossentropy

_CLASSES = [
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    Loss,
    LossFunctionWrapper,
]
_FUNCTIONS = [
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
]

ALL_OBJECTS: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})
ALL_OBJECTS.update(
    {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error, "MAE": mean_absolute_error}
)

__all__ = [cls.__name__ for cls in _CLASSES] + [fn.__name__ for fn in _FUNCTIONS] + ["get", "serialize", "deserialize"]


def get(identifier: Any) -> Any:
    """Returns the loss named by `identifier` (a function for names, as in Keras)."""
    from lamina.saving.lookup import resolve

    found = resolve(identifier, ALL_OBJECTS, "loss", base=Loss, instantiate=False)
    return found() if isinstance(found, type) else found


def serialize(loss: Any) -> Any:
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(loss)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    from lamina.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)
