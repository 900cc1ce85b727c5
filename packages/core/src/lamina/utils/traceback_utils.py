"""The traceback-filtering switch of `lamina.config` (as `keras.config`).

Lamina raises errors from its own frames without extra wrapping, so the flag
is recorded for code that reads it; it does not change tracebacks.
"""

from __future__ import annotations

__all__ = ["disable_traceback_filtering", "enable_traceback_filtering", "is_traceback_filtering_enabled"]

_FILTERING = True


def enable_traceback_filtering() -> None:
    """Turns traceback filtering on (the default)."""
    global _FILTERING
    _FILTERING = True


def disable_traceback_filtering() -> None:
    """Turns traceback filtering off."""
    global _FILTERING
    _FILTERING = False


def is_traceback_filtering_enabled() -> bool:
    """True unless `disable_traceback_filtering()` was called."""
    return _FILTERING
