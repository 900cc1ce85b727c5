"""`lamina.optimizers`: optimizers, as `keras.optimizers`."""

from __future__ import annotations

from typing import Any

from lamina.optimizers import schedules as schedules
from lamina.optimizers.adadelta import Adadelta as Adadelta
from lamina.optimizers.adafactor import Adafactor as Adafactor
from lamina.optimizers.adagrad import Adagrad as Adagrad
from lamina.optimizers.adam import Adam as Adam
from lamina.optimizers.adam import AdamW as AdamW
from lamina.optimizers.adamax import Adamax as Adamax
from lamina.optimizers.ftrl import Ftrl as Ftrl
from lamina.optimizers.lamb import Lamb as Lamb
from lamina.optimizers.lion import Lion as Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer as LossScaleOptimizer
from lamina.optimizers.nadam import Nadam as Nadam
from lamina.optimizers.optimizer import Optimizer as Optimizer
from lamina.optimizers.rmsprop import RMSprop as RMSprop
from lamina.optimizers.sgd import SGD as SGD

_CLASSES = [
    Optimizer,
    SGD,
    Adam,
    AdamW,
    RMSprop,
    Adagrad,
    Adadelta,
    Adamax,
    Nadam,
    Lion,
    Adafactor,
    Ftrl,
    Lamb,
    LossScaleOptimizer,
]

# By class name and, as Keras's `get`, by lower-case name ("adamw", "rmsprop").
ALL_OBJECTS: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({cls.__name__.lower(): cls for cls in _CLASSES if cls is not Optimizer})

__all__ = [cls.__name__ for cls in _CLASSES] + ["schedules", "get", "serialize", "deserialize"]


def get(identifier: Any) -> Optimizer:
    """Returns a new optimizer for a name ("adam"), config dict, or the given instance."""
    from lamina.saving.lookup import resolve

    found = resolve(identifier, {k: v for k, v in ALL_OBJECTS.items() if k != "Optimizer"}, "optimizer", base=Optimizer)
    if not isinstance(found, Optimizer):
        raise ValueError(
            f"Could not interpret optimizer identifier: {identifier!r}. Expected an optimizer name or instance."
        )
    return found


def serialize(optimizer: Any) -> Any:
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(optimizer)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    from lamina.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)
