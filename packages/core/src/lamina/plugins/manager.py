"""Finding, loading and isolating plugins.

Plugins are found through the entry-point group "lamina" and loaded lazily,
the first time anything asks a registry (not at `import lamina`). Each plugin
is loaded and registered on its own: one whose import, validation or
registration raises is disabled with one warning naming its distribution,
its registrations are rolled back, and everything else keeps working.
`get_plugins()` reports what each plugin registered and any load error.
"""

from __future__ import annotations

import importlib.metadata
import threading
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from lamina.plugins import hookspecs

ENTRY_POINT_GROUP = "lamina"
hookimpl = pluggy.HookimplMarker("lamina")


class PluginWarning(UserWarning):
    """Warns that a plugin failed to load; the rest of Lamina keeps working."""


@dataclass
class PluginInfo:
    """What one plugin is and what it registered."""

    name: str
    version: str
    module: str
    registered: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Kind:
    """One kind of thing plugins register, and where it goes."""

    hook: str
    label: str
    add: Callable[..., str]  # registers, returns the name to report
    remove: Callable[[str], None]


def _kinds() -> list[_Kind]:
    from lamina.backend import registry as backend_registry
    from lamina.export import registry as export_registry
    from lamina.saving import format_registry, object_registry

    def add_backend(plugin: str, name: str, target: Any, **options: Any) -> str:
        backend_registry.add_backend(name, target, plugin=plugin, **options)
        return name

    def add_format(plugin: str, name: str, target: Any, **options: Any) -> str:
        format_registry.add_format(name, target, plugin=plugin, **options)
        return name

    def add_exporter(plugin: str, name: str, target: Any, **options: Any) -> str:
        export_registry.add_exporter(name, target, plugin=plugin, **options)
        return name

    def add_object(plugin: str, obj: Any, package: str | None = None, name: str | None = None) -> str:
        return object_registry.add_object(obj, package=package, name=name, plugin=plugin)

    return [
        _Kind("register_backends", "backends", add_backend, backend_registry.remove_backend),
        _Kind("register_formats", "formats", add_format, format_registry.remove_format),
        _Kind("register_exporters", "exporters", add_exporter, export_registry.remove_exporter),
        _Kind("register_objects", "objects", add_object, object_registry.remove_object),
    ]


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.loaded = False
        self.loading = False
        self.manager: pluggy.PluginManager | None = None
        self.plugins: dict[str, PluginInfo] = {}


_STATE = _State()


def _iter_entry_points() -> Iterable[importlib.metadata.EntryPoint]:
    seen = set()
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry_point, "dist", None)
        key = (dist.name if dist else "", entry_point.value)
        if key in seen:  # editable installs can list a distribution twice
            continue
        seen.add(key)
        yield entry_point


def _describe_error(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _warn(info: PluginInfo) -> None:
    warnings.warn(
        f"The Lamina plugin {info.name!r} ({info.module}) failed to load and is "
        f"disabled: {info.error}. Everything else still works. Run `lamina plugins` "
        f"for details; upgrading or uninstalling {info.name!r} fixes this.",
        PluginWarning,
        stacklevel=4,
    )


def _new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("lamina")
    manager.add_hookspecs(hookspecs)
    return manager


def _register_module(manager: pluggy.PluginManager, info: PluginInfo, module: Any) -> bool:
    """Registers `module` with pluggy and validates its hooks; False on failure."""
    try:
        manager.register(module, name=info.name)
        manager.check_pending()
    except Exception as error:  # noqa: BLE001 - isolation is the point
        if manager.is_registered(module):
            manager.unregister(module)
        message = str(error)
        if "unknown hook" in message:
            known = ", ".join(manager.hook.__dict__)
            message = f"{message}. Hooks Lamina knows: {known}"
        info.error = f"{type(error).__name__}: {message}"
        return False
    return True


def _run_hooks(manager: pluggy.PluginManager, plugin_name: str) -> None:
    """Calls each hook of one plugin; on any error rolls back its registrations."""
    info = _STATE.plugins[plugin_name]
    done: list[tuple[_Kind, str]] = []
    plugin = manager.get_plugin(plugin_name)
    for kind in _kinds():
        caller = getattr(manager.hook, kind.hook)
        for impl in caller.get_hookimpls():
            if impl.plugin is not plugin:
                continue

            def register(*args: Any, _kind: _Kind = kind, **kwargs: Any) -> None:
                name = _kind.add(plugin_name, *args, **kwargs)
                done.append((_kind, name))
                info.registered.setdefault(_kind.label, []).append(name)

            try:
                impl.function(register=register)
            except Exception as error:  # noqa: BLE001 - isolation is the point
                for undo_kind, name in reversed(done):
                    undo_kind.remove(name)
                info.registered.clear()
                info.error = f"in {kind.hook}: {_describe_error(error)}"
                manager.unregister(plugin)
                return


def _load_all() -> None:
    manager = _new_manager()
    _STATE.manager = manager
    for entry_point in _iter_entry_points():
        dist = getattr(entry_point, "dist", None)
        name = dist.name if dist is not None else entry_point.name
        version = dist.version if dist is not None else "unknown"
        info = PluginInfo(name, version, entry_point.value)
        if name in _STATE.plugins:
            name = f"{name}:{entry_point.name}"
            info.name = name
        _STATE.plugins[name] = info
        try:
            module = entry_point.load()
        except Exception as error:  # noqa: BLE001 - isolation is the point
            info.error = f"import failed: {_describe_error(error)}"
            _warn(info)
            continue
        if _register_module(manager, info, module):
            _run_hooks(manager, name)
        if info.error:
            _warn(info)


def ensure_loaded() -> None:
    """Loads all plugins once (later calls return at once)."""
    if _STATE.loaded or _STATE.loading:
        return
    with _STATE.lock:
        if _STATE.loaded or _STATE.loading:
            return
        _STATE.loading = True
        try:
            _load_all()
        finally:
            _STATE.loading = False
        _STATE.loaded = True


def register(plugin: ModuleType | object, name: str | None = None, version: str = "local") -> PluginInfo:
    """Registers a plugin object or module at run time (without an entry point).

    Returns its `PluginInfo`; `info.error` is set (and a warning shown) if it
    failed, exactly as for an installed plugin.
    """
    ensure_loaded()
    assert _STATE.manager is not None
    name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
    if name in _STATE.plugins and _STATE.plugins[name].ok:
        raise ValueError(f"A plugin named {name!r} is already registered.")
    info = PluginInfo(name, version, getattr(plugin, "__name__", repr(plugin)))
    _STATE.plugins[name] = info
    if _register_module(_STATE.manager, info, plugin):
        _run_hooks(_STATE.manager, name)
    if info.error:
        _warn(info)
    return info


def unregister(name: str) -> None:
    """Removes a plugin registered with `register` and what it registered."""
    ensure_loaded()
    info = _STATE.plugins.pop(name, None)
    if info is None:
        raise KeyError(f"No plugin named {name!r}. Registered: {sorted(_STATE.plugins)}")
    kinds = {kind.label: kind for kind in _kinds()}
    for label, names in info.registered.items():
        for item in names:
            kinds[label].remove(item)
    assert _STATE.manager is not None
    plugin = _STATE.manager.get_plugin(name)
    if plugin is not None:
        _STATE.manager.unregister(plugin)


def get_plugins() -> list[PluginInfo]:
    """Every plugin found, with what it registered and any load error."""
    ensure_loaded()
    return list(_STATE.plugins.values())


def get_plugin_manager() -> pluggy.PluginManager:
    """The underlying pluggy PluginManager (plugins loaded)."""
    ensure_loaded()
    assert _STATE.manager is not None
    return _STATE.manager


def reset() -> None:
    """Forgets loaded plugins so the next use loads them again (for tests)."""
    with _STATE.lock:
        if _STATE.manager is not None:
            kinds = {kind.label: kind for kind in _kinds()}
            for info in _STATE.plugins.values():
                for label, names in info.registered.items():
                    for item in names:
                        kinds[label].remove(item)
        _STATE.manager = None
        _STATE.plugins = {}
        _STATE.loaded = False
