"""`lamina.optimizers`: optimizers, as `keras.optimizers`."""

from __future__ import annotations

from typing import Any

from lamina.optimizers.adam import Adam as Adam
from lamina.optimizers.adam import AdamW as AdamW
from lamina.optimizers.optimizer import Optimizer as Optimizer
from lamina.optimizers.rmsprop import RMSprop as RMSprop
from lamina.optimizers.sgd import SGD as SGD

ALL_OBJECTS: dict[str, Any] = {
    "Optimizer": Optimizer,
    "SGD": SGD,
    "Adam": Adam,
    "AdamW": AdamW,
    "RMSprop": RMSprop,
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
}

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "get", "serialize", "deserialize"]


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
