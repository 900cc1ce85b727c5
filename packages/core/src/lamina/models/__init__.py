"""`lamina.models`: Model, Sequential, Functional, and model-level utilities."""

from __future__ import annotations

from typing import Any

from lamina.models.cloning import clone_model as clone_model
from lamina.models.functional import Functional as Functional
from lamina.models.model import Model as Model
from lamina.models.sequential import Sequential as Sequential

__all__ = [
    "Model",
    "Sequential",
    "Functional",
    "clone_model",
    "model_from_json",
    "model_from_yaml",
    "load_model",
    "save_model",
]


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """Rebuilds a model (without weights) from `model.to_json()`'s output.

    Classes resolve only through Lamina's registry and `custom_objects`;
    nothing in the JSON is executed or imported.
    """
    import json

    from lamina.saving.serialization import deserialize_keras_object

    try:
        config = json.loads(json_string)
    except ValueError as error:
        raise ValueError(f"model_from_json received text that is not valid JSON: {error}") from None
    return deserialize_keras_object(config, custom_objects=custom_objects)


def model_from_yaml(yaml_string: str, custom_objects: dict | None = None) -> Any:
    """Rebuilds a model (without weights) from `model.to_yaml()`'s output.

    Uses YAML's safe loader (needs `lamina[io]`): tags that would construct
    Python objects are refused, and classes resolve only through the registry.
    """
    from lamina.saving.format_registry import FORMATS
    from lamina.saving.serialization import deserialize_keras_object

    config = FORMATS.get("yaml").load()().loads(yaml_string)
    if not isinstance(config, dict):
        raise ValueError("model_from_yaml expects a YAML mapping describing a model.")
    return deserialize_keras_object(config, custom_objects=custom_objects)


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True) -> Any:
    """Loads a model saved with `model.save()` (format from the file ending).

    Formats come from the `lamina-io` plugin: `pip install "lamina[io]"`.
    """
    from lamina.saving.format_registry import format_for_path

    entry = format_for_path(filepath, "load a model from")
    return entry.load()().load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> None:
    """Saves `model` to `filepath` (see `lamina.saving.save_model`)."""
    from lamina.saving import save_model as _save

    _save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)
