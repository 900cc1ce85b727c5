"""Objects to JSON-compatible configs and back, in the Keras 3 format.

`serialize_keras_object(obj)` gives `{"module", "class_name", "config",
"registered_name"}` dicts (plus "build_config"/"compile_config" for layers
and models) that Keras 3 writes too, so configs move between the two.
`deserialize_keras_object` resolves classes only through
`lamina.saving.object_registry`: nothing named in a config is imported.

Objects registered by an installed plugin also record the plugin's
distribution (`"lamina_plugin": "lamina-example-layers"`, a key Keras
ignores), so that loading where the plugin is missing names the package to
install instead of failing with "Could not locate class".
"""

from __future__ import annotations

import threading
import types
from typing import Any

import numpy as np

from lamina.saving import object_registry

_local = threading.local()

# Internal module paths Keras 3 writes for classes that are not public.
_KERAS_INTERNAL = {
    ("keras.src.models.functional", "Functional"): ("lamina.models", "Functional"),
    ("keras.src.models.sequential", "Sequential"): ("lamina.models", "Sequential"),
    ("keras.src.models.model", "Model"): ("lamina.models", "Model"),
}


class SafeModeScope:
    """Sets whether deserialization may rebuild code (e.g. `Lambda` bytecode)."""

    def __init__(self, safe_mode: bool = True) -> None:
        self.safe_mode = safe_mode

    def __enter__(self) -> SafeModeScope:
        self._previous = getattr(_local, "safe_mode", None)
        _local.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc: object) -> None:
        _local.safe_mode = self._previous


_UNSAFE_GLOBALLY = False


def enable_unsafe_deserialization() -> None:
    """Turns safe mode off for the whole process (e.g. to load `Lambda` bytecode).

    Only do this for files you trust: it lets loading rebuild Python code.
    """
    global _UNSAFE_GLOBALLY
    _UNSAFE_GLOBALLY = True


def in_safe_mode() -> bool:
    if _UNSAFE_GLOBALLY:
        return False
    value = getattr(_local, "safe_mode", None)
    return True if value is None else value


def _public_module(obj: Any) -> str:
    """The module string to write: Keras's public name for built-ins."""
    cls = obj if isinstance(obj, (type, types.FunctionType)) else type(obj)
    module = cls.__module__ or ""
    if module.startswith("lamina."):
        parts = module.split(".")
        if parts[1] == "models":
            if cls.__name__ == "Functional":
                return "keras.src.models.functional"
            return "keras"
        if parts[1] == "optimizers" and len(parts) > 2 and parts[2] == "schedules":
            return "keras.optimizers.schedules"
        return f"keras.{parts[1]}"
    return module


def _with_plugin(config: dict, obj: Any) -> dict:
    """Adds "lamina_plugin" (the distribution that registered `obj`) to `config`.

    Keras ignores the key; Lamina reads it to name the package to install
    when a file is loaded where that plugin is missing.
    """
    plugin = object_registry.get_registering_plugin(obj)
    if plugin:
        config["lamina_plugin"] = plugin
    return config


def serialize_keras_object(obj: Any) -> Any:
    """Returns a JSON-compatible config describing `obj`."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): serialize_keras_object(value) for key, value in obj.items()}
    registered = object_registry.get_registered_name(obj)
    is_registered = ">" in registered
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _with_plugin(
            {
                "module": _public_module(obj),
                "class_name": "function",
                "config": obj.__name__,
                "registered_name": registered if is_registered else obj.__name__,
            },
            obj,
        )
    if isinstance(obj, type):
        return _with_plugin(
            {
                "module": _public_module(obj),
                "class_name": "__typespec__",
                "config": obj.__name__,
                "registered_name": registered if is_registered else None,
            },
            obj,
        )
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r}: it is not a Lamina object and has no "
            "`get_config()` method. Give it one, or register it with "
            "`lamina.saving.register_keras_serializable()`."
        )
    cls = getattr(type(obj), "__lamina_functional_of__", type(obj))
    type_registered = object_registry.get_registered_name(cls)
    config = {
        "module": _public_module(obj),
        # Some classes are exported by Keras under another name (GroupQueryAttention).
        "class_name": getattr(cls, "_keras_class_name", cls.__name__),
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": type_registered if ">" in type_registered else None,
    }
    _with_plugin(config, cls)
    build_config = getattr(obj, "get_build_config", None)
    if build_config is not None:
        built = build_config()
        if built is not None:
            config["build_config"] = serialize_keras_object(built)
    compile_config = getattr(obj, "get_compile_config", None)
    if compile_config is not None:
        compiled = compile_config()
        if compiled is not None:
            config["compile_config"] = serialize_keras_object(compiled)
    return config


def _resolve(config: dict, module_objects: dict | None, custom_objects: dict | None) -> Any:
    class_name = config.get("class_name")
    registered_name = config.get("registered_name")
    module = config.get("module")
    if class_name in ("function", "__typespec__"):
        short = config.get("config")
    else:
        short = class_name
    for name in (registered_name, short):
        if name:
            found = object_registry.get_registered_object(name, custom_objects, module_objects)
            if found is not None:
                return found
    internal = _KERAS_INTERNAL.get((module, short))
    if internal is not None:
        namespace = object_registry.builtin_namespace(internal[0])
        return getattr(namespace, internal[1], None)
    if (
        class_name == "function"
        and isinstance(short, str)
        and (module in (None, "builtins") or module.startswith("keras.src"))
    ):
        return object_registry.builtin_function(short)
    namespace = object_registry.builtin_namespace(module)
    if namespace is not None and isinstance(short, str) and not short.startswith("_"):
        exported = getattr(namespace, "__all__", None)
        if exported is None or short in exported:
            return getattr(namespace, short, None)
    if (
        (module is None or module.startswith("keras.src."))
        and isinstance(short, str)
        and class_name
        not in (
            "function",
            "__typespec__",
        )
    ):
        # Keras 2 configs name classes without a module; Keras 3 files saved on torch
        # name internal modules (keras.src.backend.torch.optimizers.torch_adam).
        # Keras 2 configs name classes without a module: look in Lamina's public namespaces.
        return object_registry.builtin_class(short)
    return None


def deserialize_keras_object(
    config: Any,
    module_objects: dict | None = None,
    custom_objects: dict | None = None,
    safe_mode: bool = True,
    **kwargs: Any,
) -> Any:
    """Rebuilds an object from `serialize_keras_object`'s output.

    Raises:
        TypeError: if a class cannot be found among built-in, registered and
            custom objects. Nothing is ever imported by name from the config.
    """
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = object_registry.get_registered_object(config, custom_objects, module_objects)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, module_objects, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Cannot deserialize {config!r}: expected a dict config.")
    if "class_name" not in config or "config" not in config:
        return {
            key: deserialize_keras_object(value, module_objects, custom_objects, safe_mode)
            for key, value in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"]
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        return np.array(inner["value"], dtype=inner["dtype"])
    target = _resolve(config, module_objects, custom_objects)
    if target is None and config.get("lamina_plugin"):
        name = config.get("registered_name") or (inner if class_name in ("function", "__typespec__") else class_name)
        raise TypeError(object_registry.missing_plugin_message(str(name), str(config["lamina_plugin"])))
    if target is None:
        raise TypeError(
            f"Could not locate {'function' if class_name == 'function' else 'class'} "
            f"{config.get('config') if class_name == 'function' else class_name!r}. "
            "Make sure custom classes and functions are decorated with "
            "`@lamina.saving.register_keras_serializable()` or passed in "
            f"`custom_objects`. Full object config: {config}"
        )
    if class_name in ("function", "__typespec__"):
        return target
    if not isinstance(target, type) or not hasattr(target, "from_config"):
        raise TypeError(f"{class_name!r} resolved to {target!r}, which has no from_config.")
    if _UNSAFE_GLOBALLY:
        safe_mode = False
    with SafeModeScope(safe_mode if getattr(_local, "safe_mode", None) is None else in_safe_mode() and safe_mode):
        with object_registry.CustomObjectScope(custom_objects or {}):
            obj = target.from_config(inner)
            build_config = config.get("build_config")
            if build_config and hasattr(obj, "build_from_config"):
                obj.build_from_config(build_config)
            compile_config = config.get("compile_config")
            if compile_config and hasattr(obj, "compile_from_config"):
                obj.compile_from_config(compile_config)
    return obj
