"""`lamina.optimizers.schedules`: learning rate schedules, as `keras.optimizers.schedules`."""

from __future__ import annotations

from typing import Any

from lamina.optimizers.schedules.learning_rate_schedule import CosineDecay as CosineDecay
from lamina.optimizers.schedules.learning_rate_schedule import CosineDecayRestarts as CosineDecayRestarts
from lamina.optimizers.schedules.learning_rate_schedule import ExponentialDecay as ExponentialDecay
from lamina.optimizers.schedules.learning_rate_schedule import InverseTimeDecay as InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule as LearningRateSchedule
from lamina.optimizers.schedules.learning_rate_schedule import PiecewiseConstantDecay as PiecewiseConstantDecay
from lamina.optimizers.schedules.learning_rate_schedule import PolynomialDecay as PolynomialDecay

ALL_OBJECTS: dict[str, Any] = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "serialize",
    "deserialize",
]


def serialize(learning_rate_schedule: Any) -> Any:
    """Returns the config dict of a schedule (`{"module", "class_name", "config", ...}`)."""
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(learning_rate_schedule)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """Rebuilds a schedule from `serialize`'s output."""
    from lamina.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)
