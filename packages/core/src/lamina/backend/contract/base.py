"""Shared machinery for the op namespaces of the backend contract."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from lamina.backend.contract.backend import Backend

F = TypeVar("F", bound=Callable[..., Any])


def required(method: F) -> F:
    """Marks a contract method every backend must implement.

    The base implementation raises `NotImplementedError` naming the backend
    and the op, so a partial third-party backend fails with a clear message
    on first use and the conformance suite lists what is missing.
    """

    @functools.wraps(method)
    def missing(self: OpNamespace, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"The {self.backend.name!r} backend does not implement "
            f"`ops.{method.__name__}` ({type(self).__name__}). Implement it in "
            f"the backend's {self.namespace!r} namespace, or use another backend."
        )

    missing.__lamina_required__ = True  # type: ignore[attr-defined]
    return missing  # type: ignore[return-value]


class OpNamespace:
    """A group of ops (numpy, nn, math, ...) bound to one backend."""

    namespace = ""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @classmethod
    def op_names(cls) -> list[str]:
        """Names of the public ops this namespace declares.

        These are the public methods of the contract class (the one that
        defines `namespace`) and of the mixins it inherits from, such as
        `NumpyCompositeOps`; methods a backend adds in its own subclass are
        not ops.
        """
        names = set()
        for klass in _contract_class(cls).__mro__:
            if klass is OpNamespace or klass is object:
                continue
            names.update(
                name
                for name, value in vars(klass).items()
                if callable(value) and not name.startswith("_") and name != "op_names"
            )
        return sorted(names)

    @classmethod
    def missing_ops(cls) -> list[str]:
        """Required ops this implementation leaves unimplemented."""
        missing = []
        for name in cls.op_names():
            method = getattr(cls, name)
            if getattr(method, "__lamina_required__", False):
                missing.append(name)
        return missing


def _contract_class(cls: type) -> type:
    """The class in the MRO that declares the contract (defines `namespace`)."""
    for klass in reversed(cls.__mro__):
        if issubclass(klass, OpNamespace) and klass is not OpNamespace and "namespace" in vars(klass):
            return klass
    return cls
