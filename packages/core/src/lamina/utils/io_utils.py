"""Where progress output goes: the terminal (interactive) or the `lamina` logger.

`lamina.config.disable_interactive_logging()` makes progress bars and epoch
lines go to `logging.getLogger("lamina")` at INFO level instead of stdout, for
servers and notebooks that capture logs.
"""

from __future__ import annotations

import logging
import sys

__all__ = [
    "disable_interactive_logging",
    "enable_interactive_logging",
    "is_interactive_logging_enabled",
    "print_msg",
]

_INTERACTIVE = True
logger = logging.getLogger("lamina")


def enable_interactive_logging() -> None:
    """Progress output goes to stdout (live bars in a terminal); the default."""
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging() -> None:
    """Progress output goes to the `lamina` logger (one INFO record per line), no live bars."""
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled() -> bool:
    """True unless `disable_interactive_logging()` was called."""
    return _INTERACTIVE


def print_msg(message: str, line_break: bool = True) -> None:
    """Writes `message` to stdout, or logs it when interactive logging is off."""
    if _INTERACTIVE:
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        logger.info(message)
