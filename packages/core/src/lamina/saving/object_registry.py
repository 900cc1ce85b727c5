"""Which classes and functions a saved config may name.

Loading resolves names only through this registry: the public namespaces of
Lamina itself, objects registered with `register_keras_serializable` or by
plugins (`register_objects` hook), and `custom_objects` passed by the caller.
It never imports a module named in a file.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import threading
from collections.abc import Callable
from typing import Any

_REGISTERED: dict[str, Any] = {}  # "package>name" -> object
_NAMES: dict[Any, str] = {}  # object -> "package>name"
_PLUGINS: dict[str, str] = {}  # "package>name" -> plugin that registered it
_local = threading.local()

# Public Lamina namespaces a config may name, keyed by the module string that
# Keras 3 and Lamina write into configs.
_NAMESPACES = {
    "layers": "lamina.layers",
    "models": "lamina.models",
    "initializers": "lamina.initializers",
    "regularizers": "lamina.regularizers",
    "constraints": "lamina.constraints",
    "activations": "lamina.activations",
    "optimizers": "lamina.optimizers",
    "optimizers.schedules": "lamina.optimizers.schedules",
    "losses": "lamina.losses",
    "metrics": "lamina.metrics",
    "callbacks": "lamina.callbacks",
    "ops": "lamina.ops",
}


def add_object(obj: Any, package: str | None = None, name: str | None = None, plugin: str = "") -> str:
    """Registers `obj` under "package>name"; returns that key."""
    package = package or "Custom"
    name = name or getattr(obj, "__name__", None)
    if not name:
        raise ValueError(f"Cannot register {obj!r}: give it a `name`.")
    key = f"{package}>{name}"
    previous = _REGISTERED.get(key)
    if previous is not None and previous is not obj and _PLUGINS.get(key) != plugin:
        raise ValueError(
            f"{key!r} is already registered (by {_PLUGINS.get(key) or 'user code'}). "
            "Choose another `package` or `name`."
        )
    _REGISTERED[key] = obj
    _NAMES[obj] = key
    _PLUGINS[key] = plugin
    return key


def remove_object(key: str) -> None:
    obj = _REGISTERED.pop(key, None)
    _PLUGINS.pop(key, None)
    if obj is not None and _NAMES.get(obj) == key:
        del _NAMES[obj]


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator registering a class or function so saved models can name it.

    Example:
        ```python
        @lamina.saving.register_keras_serializable(package="MyLayers")
        class Scale(lamina.layers.Layer):
            ...
        ```
    """

    def decorator(obj: Any) -> Any:
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register {obj.__name__}: it has no get_config method.")
        add_object(obj, package=package, name=name)
        return obj

    return decorator


def get_custom_objects() -> dict[str, Any]:
    """The live global dict of registered objects ("package>name" -> object).

    Adding an entry (`get_custom_objects()["MyLayer"] = MyLayer`) makes the
    name resolvable when loading, as in Keras.
    """
    return _REGISTERED


def get_registered_name(obj: Any) -> str:
    """The registered "package>name" of `obj`, or its plain name."""
    key = _NAMES.get(obj)
    if key is not None:
        return key
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None) -> Any:
    """Looks `name` up in scoped and given custom objects, then the registry."""
    for scope in reversed(getattr(_local, "scopes", [])):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _REGISTERED:
        return _REGISTERED[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    if ">" in name:
        # Plugins register their objects when first loaded; a file may be read
        # before anything else has loaded them.
        from lamina.plugins import manager

        manager.ensure_loaded()
        return _REGISTERED.get(name)
    return None


def _distribution(plugin: str) -> str | None:
    """The installed distribution named by plugin name `plugin`, or None."""
    # A distribution with several entry points shows as "dist:entry_point".
    name = plugin.split(":", 1)[0]
    try:
        importlib.metadata.distribution(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None
    return name


def get_registering_plugin(obj: Any) -> str | None:
    """The distribution of the installed plugin that registered `obj`, or None.

    None for built-ins, objects registered by user code, and plugins
    registered at run time without a distribution. Saving records it in the
    config (key "lamina_plugin") so that loading without the plugin can name
    the package to install.
    """
    key = _NAMES.get(obj)
    plugin = _PLUGINS.get(key) if key is not None else None
    return _distribution(plugin) if plugin else None


def missing_plugin_message(name: str, plugin: str) -> str:
    """Explains why `name`, provided by the plugin distribution `plugin`, cannot be found."""
    from lamina.plugins import manager

    found = {info.name.split(":", 1)[0]: info for info in manager.get_plugins()}
    info = found.get(plugin)
    if info is None:
        return (
            f'This file uses "{name}" from the Lamina plugin "{plugin}", which is not installed: pip install {plugin}'
        )
    if not info.ok:
        return (
            f'This file uses "{name}" from the Lamina plugin "{plugin}" (version {info.version}), which is '
            f"installed but failed to load: {info.error}. Run `lamina plugins` for details."
        )
    return (
        f'This file uses "{name}" from the Lamina plugin "{plugin}", but the installed version '
        f"({info.version}) does not register it. Upgrade the plugin: pip install --upgrade {plugin}"
    )


# Where Keras's `{"module": "builtins", "class_name": "function"}` configs may point.
FUNCTION_NAMESPACES = ("activations", "losses", "metrics", "ops")


def builtin_function(name: str) -> Any:
    """A public Lamina function named in a config without a usable module, or None."""
    for short in FUNCTION_NAMESPACES:
        namespace = importlib.import_module(_NAMESPACES[short])
        exported = getattr(namespace, "__all__", None)
        if (exported is None or name in exported) and not name.startswith("_"):
            found = getattr(namespace, name, None)
            if callable(found) and not isinstance(found, type):
                return found
    return None


# Where a module-less (Keras 2) config's class may come from, in this order.
CLASS_NAMESPACES = (
    "layers",
    "models",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
    "losses",
    "metrics",
)


def builtin_class(name: str) -> Any:
    """A public Lamina class named in a config that has no module, or None."""
    if name.startswith("_"):
        return None
    for short in CLASS_NAMESPACES:
        namespace = importlib.import_module(_NAMESPACES[short])
        exported = getattr(namespace, "__all__", None)
        if exported is not None and name not in exported:
            continue
        found = getattr(namespace, name, None)
        if isinstance(found, type):
            return found
    return None


def builtin_namespace(module: str | None) -> Any:
    """The Lamina module that a config's "module" string stands for, or None."""
    if not module:
        return None
    for prefix in ("keras.", "lamina."):
        if module.startswith(prefix):
            short = module[len(prefix) :]
            if short.startswith("src."):
                return None
            target = _NAMESPACES.get(short)
            return importlib.import_module(target) if target else None
    if module in ("keras", "lamina"):
        return importlib.import_module("lamina")
    return None


class CustomObjectScope:
    """Makes `custom_objects` resolvable by name inside the `with` block.

    Example:
        ```python
        with lamina.saving.CustomObjectScope({"Scale": Scale}):
            model = lamina.models.model_from_json(text)
        ```
    """

    def __init__(self, custom_objects: dict | None = None) -> None:
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> CustomObjectScope:
        scopes = getattr(_local, "scopes", None)
        if scopes is None:
            scopes = _local.scopes = []
        scopes.append(self.custom_objects)
        return self

    def __exit__(self, *exc: object) -> None:
        _local.scopes.pop()


custom_object_scope = CustomObjectScope
