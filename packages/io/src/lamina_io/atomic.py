"""Atomic file writes: a killed save never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(filepath: str | os.PathLike, overwrite: bool = True) -> Iterator[str]:
    """Yields a temporary path next to `filepath`; renames it over `filepath` on success.

    The temporary file is flushed to disk before the rename, and removed if
    the block raises, so the previous file stays intact and loadable.
    """
    target = Path(filepath)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists. Pass overwrite=True to replace it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
