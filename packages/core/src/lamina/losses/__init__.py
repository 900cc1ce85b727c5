"""`lamina.losses`: loss functions and classes, as `keras.losses`."""

from __future__ import annotations

from typing import Any

from lamina.losses.loss import Loss as Loss
from lamina.losses.losses import CTC as CTC
from lamina.losses.losses import BinaryCrossentropy as BinaryCrossentropy
from lamina.losses.losses import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from lamina.losses.losses import CategoricalCrossentropy as CategoricalCrossentropy
from lamina.losses.losses import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from lamina.losses.losses import CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy
from lamina.losses.losses import CategoricalHinge as CategoricalHinge
from lamina.losses.losses import Circle as Circle
from lamina.losses.losses import CosineSimilarity as CosineSimilarity
from lamina.losses.losses import Dice as Dice
from lamina.losses.losses import Hinge as Hinge
from lamina.losses.losses import Huber as Huber
from lamina.losses.losses import KLDivergence as KLDivergence
from lamina.losses.losses import LogCosh as LogCosh
from lamina.losses.losses import LossFunctionWrapper as LossFunctionWrapper
from lamina.losses.losses import MeanAbsoluteError as MeanAbsoluteError
from lamina.losses.losses import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from lamina.losses.losses import MeanSquaredError as MeanSquaredError
from lamina.losses.losses import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from lamina.losses.losses import Poisson as Poisson
from lamina.losses.losses import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from lamina.losses.losses import SquaredHinge as SquaredHinge
from lamina.losses.losses import Tversky as Tversky
from lamina.losses.losses import binary_crossentropy as binary_crossentropy
from lamina.losses.losses import binary_focal_crossentropy as binary_focal_crossentropy
from lamina.losses.losses import categorical_crossentropy as categorical_crossentropy
from lamina.losses.losses import categorical_focal_crossentropy as categorical_focal_crossentropy
from lamina.losses.losses import categorical_generalized_cross_entropy as categorical_generalized_cross_entropy
from lamina.losses.losses import categorical_hinge as categorical_hinge
from lamina.losses.losses import circle as circle
from lamina.losses.losses import cosine_similarity as cosine_similarity
from lamina.losses.losses import ctc as ctc
from lamina.losses.losses import dice as dice
from lamina.losses.losses import hinge as hinge
from lamina.losses.losses import huber as huber
from lamina.losses.losses import kl_divergence as kl_divergence
from lamina.losses.losses import log_cosh as log_cosh
from lamina.losses.losses import mean_absolute_error as mean_absolute_error
from lamina.losses.losses import mean_absolute_percentage_error as mean_absolute_percentage_error
from lamina.losses.losses import mean_squared_error as mean_squared_error
from lamina.losses.losses import mean_squared_logarithmic_error as mean_squared_logarithmic_error
from lamina.losses.losses import poisson as poisson
from lamina.losses.losses import sparse_categorical_crossentropy as sparse_categorical_crossentropy
from lamina.losses.losses import squared_hinge as squared_hinge
from lamina.losses.losses import tversky as tversky

# Short names, as Keras accepts them in `get` (and tf.keras exported them).
bce = binary_crossentropy
BCE = binary_crossentropy
kld = kl_divergence
KLD = kl_divergence
kullback_leibler_divergence = kl_divergence
mae = mean_absolute_error
MAE = mean_absolute_error
mse = mean_squared_error
MSE = mean_squared_error
mape = mean_absolute_percentage_error
MAPE = mean_absolute_percentage_error
msle = mean_squared_logarithmic_error
MSLE = mean_squared_logarithmic_error
logcosh = log_cosh

_CLASSES = [
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
]
_FUNCTIONS = [
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
]
_ALIASES = {
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
    "logcosh": log_cosh,
}

ALL_OBJECTS: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({fn.__name__: fn for fn in _FUNCTIONS})
ALL_OBJECTS.update(_ALIASES)

__all__ = (
    [cls.__name__ for cls in _CLASSES]
    + [fn.__name__ for fn in _FUNCTIONS]
    + list(_ALIASES)
    + ["get", "serialize", "deserialize"]
)


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
