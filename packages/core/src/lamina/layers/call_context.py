"""The context of an outermost layer call: the `training` flag for nested layers."""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()


class CallContext:
    """Holds values every nested layer call sees (set by the outermost call)."""

    __slots__ = ("training", "entry_layer")

    def __init__(self, training: bool | None, entry_layer: Any) -> None:
        self.training = training
        self.entry_layer = entry_layer


def get() -> CallContext | None:
    return getattr(_local, "context", None)


def enter(training: bool | None, layer: Any) -> CallContext:
    context = CallContext(training, layer)
    _local.context = context
    return context


def leave() -> None:
    _local.context = None
