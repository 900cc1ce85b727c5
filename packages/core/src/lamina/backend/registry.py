"""The registry of backends that plugins provide.

Plugins register a backend by name and import path; nothing is imported
until the backend is first used, so `lamina plugins` and backend selection
never pay for importing a framework.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lamina.backend.contract import Backend

#: First-party backends, in the order used when nothing chooses one.
FIRST_PARTY = ("jax", "torch", "tensorflow")


class BackendNotInstalledError(ImportError):
    """Raised when a requested backend is not installed."""


@dataclass
class BackendEntry:
    """A registered backend: how to load it and what it needs."""

    name: str
    target: Any  # "package.module:ClassName", or a Backend subclass
    requires: tuple[str, ...] = ()
    plugin: str = ""
    install_hint: str = ""
    _missing: list[str] | None = field(default=None, repr=False)

    def missing_requirements(self) -> list[str]:
        """Modules this backend needs that cannot be imported (checked once)."""
        if self._missing is None:
            self._missing = [m for m in self.requires if importlib.util.find_spec(m) is None]
        return self._missing

    @property
    def available(self) -> bool:
        return not self.missing_requirements()


_ENTRIES: dict[str, BackendEntry] = {}
_INSTANCES: dict[str, Backend] = {}
_LOCK = threading.RLock()


def install_hint(name: str) -> str:
    """The pip command that installs backend `name`."""
    entry = _ENTRIES.get(name)
    if entry is not None and entry.install_hint:
        return entry.install_hint
    if name in FIRST_PARTY:
        return f'pip install "lamina[{name}]"'
    return f"pip install lamina-{name}"


def add_backend(
    name: str,
    target: Any,
    *,
    requires: tuple[str, ...] | list[str] = (),
    plugin: str = "",
    install_hint: str = "",
) -> None:
    """Registers backend `name` (called through the `register_backends` hook)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"A backend name must be an identifier. Received: {name!r}")
    with _LOCK:
        previous = _ENTRIES.get(name)
        if previous is not None and previous.plugin != plugin:
            raise ValueError(
                f"Backend {name!r} is registered twice: by {previous.plugin!r} "
                f"and by {plugin!r}. Uninstall one of them."
            )
        _ENTRIES[name] = BackendEntry(name, target, tuple(requires), plugin, install_hint)


def remove_backend(name: str) -> None:
    """Unregisters backend `name` (used when a plugin fails half-way)."""
    with _LOCK:
        _ENTRIES.pop(name, None)
        _INSTANCES.pop(name, None)


def entries() -> dict[str, BackendEntry]:
    """All registered backends, loading plugins first."""
    from lamina.plugins import manager

    manager.ensure_loaded()
    return dict(_ENTRIES)


def installed_backends() -> list[str]:
    """Names of registered backends whose framework can be imported."""
    found = entries()
    ordered = [n for n in FIRST_PARTY if n in found]
    ordered += sorted(n for n in found if n not in FIRST_PARTY)
    return [n for n in ordered if found[n].available]


def _load_target(entry: BackendEntry) -> type[Backend]:
    target = entry.target
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        module = importlib.import_module(module_name)
        target = getattr(module, attribute)
    return target


def get_backend(name: str) -> Backend:
    """Returns the (single) instance of backend `name`, importing it if needed.

    Raises:
        BackendNotInstalledError: when `name` is not installed, with the pip
            command that installs it.
    """
    backend = _INSTANCES.get(name)
    if backend is not None:
        return backend
    with _LOCK:
        backend = _INSTANCES.get(name)
        if backend is not None:
            return backend
        found = entries()
        entry = found.get(name)
        if entry is None:
            known = ", ".join(installed_backends()) or "none"
            raise BackendNotInstalledError(
                f"The Lamina backend {name!r} is not installed (installed backends: "
                f"{known}). Install it with: {install_hint(name)}"
            )
        missing = entry.missing_requirements()
        if missing:
            raise BackendNotInstalledError(
                f"The Lamina backend {name!r} needs {', '.join(missing)}, which "
                f"cannot be imported. Install it with: {install_hint(name)}"
            )
        backend_class = _load_target(entry)
        backend = backend_class()
        _INSTANCES[name] = backend
        return backend
