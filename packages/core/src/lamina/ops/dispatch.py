"""Turns contract methods into the public `lamina.ops` functions.

Each op checks its arguments for symbolic tensors (recording an `OpCall`
and inferring shapes) and otherwise calls the active backend's method of the
same name. The signature and docstring come from the contract, so the
documentation of an op lives in one place.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from lamina.backend import state
from lamina.backend.symbolic import any_symbolic
from lamina.ops.operation import OpCall


def _namespace_of(contract_method: Callable) -> str:
    """The namespace ("numpy", "nn", ...) of the contract class, or mixin of one, defining `contract_method`."""
    from lamina.backend.contract.backend import NAMESPACES, Backend

    owner = contract_method.__qualname__.split(".")[0]
    for namespace in NAMESPACES:
        contract = getattr(Backend, f"{namespace}_ops")
        if any(klass.__name__ == owner for klass in contract.__mro__):
            return contract.namespace
    raise ValueError(
        f"`{contract_method.__qualname__}` is not a method of a backend contract class "
        f"(one of {[getattr(Backend, f'{n}_ops').__name__ for n in NAMESPACES]}) or of a mixin they inherit."
    )


def make_op(contract_method: Callable, module: str) -> Callable:
    """Returns the public op for `contract_method` of a contract namespace class."""
    namespace = _namespace_of(contract_method)
    name = contract_method.__name__

    def op(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return OpCall(namespace, name)(*args, **kwargs)
        return getattr(getattr(state.current(), namespace), name)(*args, **kwargs)

    functools.update_wrapper(op, contract_method)
    del op.__wrapped__  # type: ignore[attr-defined]
    signature = inspect.signature(contract_method)
    op.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    op.__module__ = module
    op.__qualname__ = name
    return op
