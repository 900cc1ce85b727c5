"""Exporters registered by plugins (`model.export(path, format=...)`)."""

from __future__ import annotations

from typing import Any

from lamina.plugins.registry import NamedRegistry

EXPORTERS = NamedRegistry("export format", "pip install a Lamina exporter plugin")


def add_exporter(name: str, target: Any, plugin: str = "", backends: tuple = (), **options: Any) -> None:
    EXPORTERS.add(name, target, plugin=plugin, backends=tuple(backends), **options)


def remove_exporter(name: str) -> None:
    EXPORTERS.remove(name)
