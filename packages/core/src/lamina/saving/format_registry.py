"""File formats registered by plugins (`lamina-io` provides the standard ones).

A format entry names a class with `save_model`, `load_model`,
`save_weights` and/or `load_weights`; its `extensions` option lists the
file endings it handles (".keras", ".weights.h5", ...).
"""

from __future__ import annotations

import os
from typing import Any

from lamina.plugins.registry import Entry, NamedRegistry

FORMATS = NamedRegistry("file format", 'pip install "lamina[io]"')


def add_format(name: str, target: Any, plugin: str = "", extensions: tuple = (), **options: Any) -> None:
    FORMATS.add(name, target, plugin=plugin, extensions=tuple(extensions), **options)


def remove_format(name: str) -> None:
    FORMATS.remove(name)


def format_for_path(path: str | os.PathLike, purpose: str) -> Entry:
    """Finds the format handling `path` by its ending.

    Raises:
        ValueError: naming the known endings and `pip install "lamina[io]"`.
    """
    filename = os.fspath(path)
    matches = []
    for entry in FORMATS.entries().values():
        for extension in entry.options.get("extensions", ()):
            if filename.endswith(extension):
                matches.append((len(extension), entry))
    if matches:
        return max(matches, key=lambda match: match[0])[1]
    known = sorted(ext for entry in FORMATS.entries().values() for ext in entry.options.get("extensions", ()))
    if not known:
        raise ValueError(
            f"Cannot {purpose} {filename!r}: no file formats are installed. "
            'File formats come with the lamina-io plugin: pip install "lamina[io]"'
        )
    raise ValueError(
        f"Cannot {purpose} {filename!r}: no installed file format handles this file "
        f"ending. Known endings: {', '.join(known)}."
    )
