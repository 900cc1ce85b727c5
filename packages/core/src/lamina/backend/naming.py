"""Automatic names ("dense", "dense_1", ...) and name scopes for variable paths."""

from __future__ import annotations

import collections
import re
import threading

_UIDS: collections.Counter = collections.Counter()
_local = threading.local()


def to_snake_case(name: str) -> str:
    """Turns a class name such as "BatchNormalization" into "batch_normalization".

    Digits stay with the preceding word, as in Keras ("Conv2D" -> "conv2d").
    """
    name = re.sub(r"\W+", "", name)
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return snake.lstrip("_") or "object"


def get_uid(prefix: str = "") -> int:
    """Returns 1, 2, 3, ... for successive calls with the same prefix."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def auto_name(prefix: str) -> str:
    """Returns `prefix` the first time, then `prefix_1`, `prefix_2`, ..."""
    uid = get_uid(prefix)
    return prefix if uid == 1 else f"{prefix}_{uid - 1}"


def reset_uids() -> None:
    """Forgets all generated names (see `lamina.utils.clear_session`)."""
    _UIDS.clear()


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


class name_scope:  # noqa: N801 - used like a function, as keras.name_scope
    """Prefixes the paths of variables created inside it.

    Example:
        ```python
        with lamina.name_scope("block"):
            v = lamina.Variable(1.0, name="scale")   # v.path == "block/scale"
        ```
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"A name scope must be a non-empty string without '/'. Received: {name!r}")
        self.name = name

    def __enter__(self) -> name_scope:
        _stack().append(self.name)
        return self

    def __exit__(self, *exc: object) -> None:
        _stack().pop()


def innermost() -> str | None:
    """The innermost active name scope, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def current_path() -> str:
    """Returns the active name scopes joined with "/" ("" outside any scope)."""
    return "/".join(_stack())
