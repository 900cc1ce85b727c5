"""Exporters registered by plugins (`model.export(path, format=...)`).

Each entry is one exporter, registered under a unique name by the
`register_exporters` hook with these options:

- `backends`: the backends whose models it exports (empty: any backend);
- `format`: the format it writes (default: its name), so that one format
  can come from several exporters, one per backend ("onnx" from torch
  through `torch.onnx`, from TensorFlow through tf2onnx);
- `requires`: modules it imports, and `install`: the pip command that
  provides them.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from lamina.plugins.registry import Entry, NamedRegistry

#: Backends suggested first when a format needs another backend (widest layer coverage first).
_PREFERRED = ("torch", "tensorflow", "jax")

EXPORTERS = NamedRegistry("export format", "pip install a Lamina exporter plugin")


def add_exporter(name: str, target: Any, plugin: str = "", backends: tuple = (), **options: Any) -> None:
    """Registers exporter `name` (called through the `register_exporters` hook)."""
    if isinstance(backends, str):
        backends = (backends,)
    requires = options.get("requires", ())
    options["requires"] = (requires,) if isinstance(requires, str) else tuple(requires)
    EXPORTERS.add(name, target, plugin=plugin, backends=tuple(backends), **options)


def remove_exporter(name: str) -> None:
    EXPORTERS.remove(name)


def format_of(entry: Entry) -> str:
    """The format an exporter writes."""
    return entry.options.get("format") or entry.name


def serves_backend(entry: Entry, backend: str) -> bool:
    backends = entry.options.get("backends", ())
    return not backends or backend in backends


def missing_requirements(entry: Entry) -> list[str]:
    """Modules the exporter needs that cannot be imported."""
    return [module for module in entry.options.get("requires", ()) if importlib.util.find_spec(module) is None]


def formats_for_backend(backend: str) -> dict[str, str]:
    """Format -> exporter name, for every format models on `backend` can be exported to.

    Example:
        ```python
        lamina.export.formats_for_backend("torch")  # {"onnx": "onnx", "torch": "torch"}
        ```
    """
    found: dict[str, str] = {}
    for name, entry in sorted(EXPORTERS.entries().items()):
        if serves_backend(entry, backend):
            found.setdefault(format_of(entry), name)
    return dict(sorted(found.items()))


def find_exporter(format: str, backend: str) -> Entry:  # noqa: A002 - Keras's argument name
    """The exporter that writes `format` for models on `backend`, or a clear error.

    `format` is a format name ("onnx") or the name of one exporter ("tf2onnx").
    """
    entries = EXPORTERS.entries()
    if format in entries and serves_backend(entries[format], backend):
        return entries[format]
    candidates = [entry for entry in entries.values() if format_of(entry) == format or entry.name == format]
    for entry in sorted(candidates, key=lambda e: e.name):
        if serves_backend(entry, backend):
            return entry
    available = formats_for_backend(backend)
    available_text = ", ".join(available) or "none"
    if not candidates:
        every = sorted({format_of(entry) for entry in entries.values()})
        raise ValueError(
            f"Unknown export format {format!r}. Installed export formats: {', '.join(every) or 'none'} "
            f"(models on the {backend!r} backend: {available_text}). A plugin that registers a "
            f"{format!r} exporter through the `register_exporters` hook would add it."
        )
    producers = sorted({b for entry in candidates for b in entry.options.get("backends", ())})
    preferred = sorted(producers, key=lambda b: (_PREFERRED.index(b) if b in _PREFERRED else len(_PREFERRED), b))
    plugins = sorted({entry.plugin for entry in candidates if entry.plugin})
    raise ValueError(
        f"The {format!r} export format cannot be produced from models on the {backend!r} backend: "
        f"it is produced from models on {', '.join(producers)}"
        + (f" (by {', '.join(plugins)})" if plugins else "")
        + f". Models on {backend!r} can be exported to: {available_text}. Export to one of those, "
        f"or move the model first, e.g. `lamina.models.clone_model(model, backend={preferred[0]!r})"
        f".export(path, format={format!r})`, or install a plugin that exports {backend} models to {format}."
    )
