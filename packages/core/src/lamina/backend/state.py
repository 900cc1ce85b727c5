"""Which backend ops run on: the process default and per-call scopes.

`current()` is read on every op call, so it is kept small: the innermost
`backend_scope` of this thread, else the process-wide default, which is
resolved on first use (see `lamina.backend.selection`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lamina.backend.contract import Backend

_DEFAULT: Backend | None = None
_local = threading.local()


def current() -> Backend:
    """Returns the backend that ops dispatch to right now."""
    stack = getattr(_local, "stack", None)
    if stack:
        return stack[-1]
    if _DEFAULT is None:
        return _resolve_default()
    return _DEFAULT


def _resolve_default() -> Backend:
    from lamina.backend import registry, selection

    set_default(registry.get_backend(selection.default_backend_name()))
    assert _DEFAULT is not None
    return _DEFAULT


def default_or_none() -> Backend | None:
    """The process default if one was chosen already, without resolving it."""
    return _DEFAULT


def set_default(backend: Backend | None) -> None:
    global _DEFAULT
    _DEFAULT = backend


class backend_scope:  # noqa: N801 - used like a function
    """Runs the enclosed code on `backend` (a Backend instance).

    Layers enter the scope of the backend they were built with, so a model
    keeps its backend after `lamina.config.set_backend` switches the default.
    """

    __slots__ = ("backend",)

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def __enter__(self) -> Backend:
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        stack.append(self.backend)
        return self.backend

    def __exit__(self, *exc: object) -> None:
        _local.stack.pop()
