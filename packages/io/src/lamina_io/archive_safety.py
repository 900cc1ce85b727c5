"""Checks on zip archives before anything in them is read.

Lamina reads archives in memory and never extracts them, but still refuses
what no honest `.keras` file contains: absolute or parent-relative member
names, symbolic links, unexpected members (pickles, code), and members whose
declared or actual size would exhaust memory (zip bombs).
"""

from __future__ import annotations

import stat
import zipfile
from typing import Any

ALLOWED = ("metadata.json", "config.json", "model.weights.h5")
ALLOWED_PREFIXES = ("assets/",)
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_WEIGHTS_BYTES = 16 * 1024**3
MAX_RATIO = 1000  # uncompressed / compressed, for members over 1 MiB


class ArchiveError(ValueError):
    """An archive is corrupt, unsafe, or not a `.keras` file."""


def check_members(archive: zipfile.ZipFile, source: str) -> None:
    """Raises ArchiveError for any member a `.keras` file has no reason to hold."""
    for info in archive.infolist():
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise ArchiveError(f"{source}: refusing archive member {name!r} (absolute or parent-relative path).")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveError(f"{source}: refusing archive member {name!r} (a symbolic link).")
        if name not in ALLOWED and not name.startswith(ALLOWED_PREFIXES):
            raise ArchiveError(
                f"{source}: unexpected archive member {name!r}. A .keras file holds only "
                f"{', '.join(ALLOWED)} and assets/; Lamina does not load anything else."
            )
        limit = MAX_JSON_BYTES if name.endswith(".json") else MAX_WEIGHTS_BYTES
        if info.file_size > limit:
            raise ArchiveError(f"{source}: member {name!r} declares {info.file_size} bytes (limit {limit}).")
        if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise ArchiveError(
                f"{source}: member {name!r} inflates {info.file_size / info.compress_size:.0f}x; refusing a possible zip bomb."
            )


def read_member(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    """Reads one member, never more than its size limit (even if the header lies)."""
    limit = MAX_JSON_BYTES if name.endswith(".json") else MAX_WEIGHTS_BYTES
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ArchiveError(f"{source} is not a .keras archive: it has no {name!r}.") from None
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(1024 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise ArchiveError(f"{source}: member {name!r} inflates beyond {limit} bytes; refusing it.")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveError(f"{source}: member {name!r} is corrupt ({error}).") from None
    return b"".join(chunks)


def open_archive(path: Any, source: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{source} is not a readable .keras (zip) archive ({error}).") from None
    check_members(archive, source)
    return archive
