"""Scopes that change how variables behave inside traced code.

`StatelessScope` maps variables to replacement values: reads inside the
scope see the replacements and assignments are recorded instead of applied.
Functional backends (JAX) train this way: the compiled step receives
variable values as arguments and returns the updated ones.

`SymbolicScope` is active while Lamina infers shapes: variables created
inside it are initialized only when the outermost scope exits, so that no
framework trace captures their initial values.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lamina.backend.variables import Variable

_local = threading.local()


def get_stateless_scope() -> StatelessScope | None:
    """Returns the innermost active StatelessScope, or None."""
    return getattr(_local, "stateless", None)


def in_stateless_scope() -> bool:
    return getattr(_local, "stateless", None) is not None


class StatelessScope:
    """Reads variables from `state_mapping` and records assignments.

    Args:
        state_mapping: pairs `(variable, value)` that replace the variables'
            values inside the scope.

    Example:
        ```python
        with StatelessScope([(layer.kernel, new_kernel)]) as scope:
            y = layer(x)                              # uses new_kernel
            scope.get_current_value(layer.kernel)     # new_kernel
        ```
    """

    def __init__(self, state_mapping: Iterable[tuple[Variable, Any]] = ()) -> None:
        self._values: dict[int, Any] = {}
        for variable, value in state_mapping:
            self._values[id(variable)] = value
        self._previous: StatelessScope | None = None

    def __enter__(self) -> StatelessScope:
        self._previous = getattr(_local, "stateless", None)
        _local.stateless = self
        return self

    def __exit__(self, *exc: object) -> None:
        _local.stateless = self._previous

    def add_update(self, variable: Variable, value: Any) -> None:
        """Records `value` as the new value of `variable` inside the scope."""
        self._values[id(variable)] = value

    def get_current_value(self, variable: Variable) -> Any:
        """The value of `variable` inside the scope (or an enclosing one), or None."""
        value = self._values.get(id(variable))
        if value is None and self._previous is not None:
            return self._previous.get_current_value(variable)
        return value


def in_symbolic_scope() -> bool:
    return getattr(_local, "symbolic_depth", 0) > 0


class SymbolicScope:
    """Marks shape inference; defers variable initialization until exit."""

    def __enter__(self) -> SymbolicScope:
        _local.symbolic_depth = getattr(_local, "symbolic_depth", 0) + 1
        return self

    def __exit__(self, *exc: object) -> None:
        _local.symbolic_depth -= 1
        if _local.symbolic_depth == 0:
            initialize_deferred_variables()


def register_deferred_variable(variable: Variable) -> None:
    pending = getattr(_local, "deferred", None)
    if pending is None:
        pending = _local.deferred = []
    pending.append(variable)


def initialize_deferred_variables() -> None:
    """Initializes variables created while shapes were being inferred."""
    pending = getattr(_local, "deferred", None)
    if not pending:
        return
    _local.deferred = []
    for variable in pending:
        variable._initialize_deferred()
