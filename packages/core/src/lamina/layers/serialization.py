"""`lamina.layers.serialize` / `deserialize`: a layer to a config dict and back."""

from __future__ import annotations

from typing import Any

from lamina.layers.layer import Layer

__all__ = ["deserialize", "serialize"]


def serialize(layer: Layer) -> dict:
    """Returns the Keras 3 config dict of `layer` (`module`, `class_name`, `config`, ...)."""
    from lamina.saving import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Layer:
    """Rebuilds a layer from `serialize`'s output (or a Keras 3 layer config).

    Raises:
        ValueError: if `config` describes something that is not a layer.
    """
    from lamina.saving import deserialize_keras_object

    obj: Any = deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(obj, Layer):
        raise ValueError(
            "`lamina.layers.deserialize` expects the config of a layer, but it describes "
            f"{type(obj).__name__!r}. Use `lamina.saving.deserialize_keras_object` for other objects. "
            f"Received: config={config!r}"
        )
    return obj
