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


def make_op(contract_method: Callable, module: str) -> Callable:
    """Returns the public op for `contract_method` of a contract namespace class."""
    namespace = contract_method.__qualname__.split(".")[0]
    namespace = {
        "CoreOps": "core",
        "NumpyOps": "numpy",
        "NNOps": "nn",
        "MathOps": "math",
        "LinalgOps": "linalg",
        "RandomOps": "random",
        "ImageOps": "image",
    }[namespace]
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
