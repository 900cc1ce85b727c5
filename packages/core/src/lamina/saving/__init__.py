"""`lamina.saving`: serialization and the registry of saveable objects.

File formats (`.keras`, `.weights.h5`, YAML) come from the `lamina-io`
plugin and are found through `lamina.saving.format_registry`.
"""

from lamina.saving.object_registry import CustomObjectScope as CustomObjectScope
from lamina.saving.object_registry import custom_object_scope as custom_object_scope
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
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "register_serializable",
    "serialize_keras_object",
    "load_model",
]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    """Loads a model saved with `model.save()` (see `lamina.models.load_model`)."""
    from lamina.models import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
