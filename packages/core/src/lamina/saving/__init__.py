"""`lamina.saving`: serialization and the registry of saveable objects.

File formats (`.keras`, `.weights.h5`, YAML) come from the `lamina-io`
plugin and are found through `lamina.saving.format_registry`.
"""

from __future__ import annotations

from typing import Any

from lamina.saving.object_registry import CustomObjectScope as CustomObjectScope
from lamina.saving.object_registry import custom_object_scope as custom_object_scope
from lamina.saving.object_registry import get_custom_objects as get_custom_objects
from lamina.saving.object_registry import get_registered_name as get_registered_name
from lamina.saving.object_registry import get_registered_object as get_registered_object
from lamina.saving.object_registry import register_keras_serializable as register_keras_serializable
from lamina.saving.serialization import deserialize_keras_object as deserialize_keras_object
from lamina.saving.serialization import serialize_keras_object as serialize_keras_object

register_serializable = register_keras_serializable

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "register_serializable",
    "serialize_keras_object",
    "load_model",
    "load_weights",
    "save_model",
    "save_weights",
]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    """Loads a model saved with `model.save()` (see `lamina.models.load_model`)."""
    from lamina.models import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> None:
    """Saves `model` to `filepath` (same as `model.save(filepath, overwrite=...)`).

    `zipped` is accepted for Keras compatibility; only `None`/`True` (a zip
    `.keras` archive, or the format named by the file ending) are supported.
    """
    if zipped is False:
        raise ValueError(
            "`zipped=False` (an unzipped folder) is not supported by Lamina's `.keras` writer. "
            "Pass `zipped=None` or `zipped=True`."
        )
    model.save(filepath, overwrite=overwrite, **kwargs)


def save_weights(model: Any, filepath: Any, overwrite: bool = True, max_shard_size: Any = None, **kwargs: Any) -> None:
    """Saves `model`'s weights to a `.weights.h5` file (same as `model.save_weights`)."""
    if max_shard_size is not None:
        raise ValueError(
            "`max_shard_size` (sharded weight files) is not supported yet. Received: "
            f"max_shard_size={max_shard_size!r}. Pass `max_shard_size=None`."
        )
    if kwargs:
        raise ValueError(f"Unrecognized arguments for `save_weights`: {sorted(kwargs)}")
    model.save_weights(filepath, overwrite=overwrite)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
    """Loads weights saved by `save_weights` into `model` (same as `model.load_weights`)."""
    model.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)
