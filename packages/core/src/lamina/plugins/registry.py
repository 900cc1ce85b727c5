"""A registry of named, lazily imported plugin objects (formats, exporters)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    name: str
    target: Any  # "package.module:attribute" or the object itself
    plugin: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    _loaded: Any = None

    def load(self) -> Any:
        """Imports (once) and returns the registered object."""
        if self._loaded is None:
            target = self.target
            if isinstance(target, str):
                module_name, _, attribute = target.partition(":")
                target = getattr(importlib.import_module(module_name), attribute)
            self._loaded = target
        return self._loaded


class NamedRegistry:
    """Name -> Entry, filled through a plugin hook.

    Args:
        kind: what is registered, for messages ("file format").
        install_hint: the pip command that provides the usual entries.
    """

    def __init__(self, kind: str, install_hint: str) -> None:
        self.kind = kind
        self.install_hint = install_hint
        self._entries: dict[str, Entry] = {}

    def add(self, name: str, target: Any, plugin: str = "", **options: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"A {self.kind} name must be a non-empty string. Received: {name!r}")
        previous = self._entries.get(name)
        if previous is not None and previous.plugin != plugin:
            raise ValueError(
                f"The {self.kind} {name!r} is registered twice: by {previous.plugin!r} "
                f"and by {plugin!r}. Uninstall one of them."
            )
        self._entries[name] = Entry(name, target, plugin, dict(options))

    def remove(self, name: str) -> None:
        self._entries.pop(name, None)

    def entries(self) -> dict[str, Entry]:
        from lamina.plugins import manager

        manager.ensure_loaded()
        return dict(self._entries)

    def get(self, name: str) -> Entry:
        """Returns the entry `name`, or raises an error naming what to install."""
        found = self.entries()
        if name in found:
            return found[name]
        known = ", ".join(sorted(found)) or "none"
        raise ValueError(
            f"No {self.kind} named {name!r} is installed (installed: {known}). Install one with: {self.install_hint}"
        )
