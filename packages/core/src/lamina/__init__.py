"""Lamina: Keras 3's API on pluggable PyTorch, JAX and TensorFlow backends.

`import lamina` is cheap: submodules load on first attribute access and no
framework is imported until a backend is first used.

Example:
    ```python
    import lamina as keras

    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    ```
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lamina.version import __version__ as __version__

_SUBMODULES = (
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "distribution",
    "dtype_policies",
    "estimator",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "plugins",
    "random",
    "regularizers",
    "saving",
    "testing",
    "tree",
    "utils",
)

# Top-level names, as in `keras`, and the module each comes from.
_ATTRIBUTES = {
    "Input": "lamina.layers",
    "InputSpec": "lamina.layers",
    "Layer": "lamina.layers",
    "Model": "lamina.models",
    "Sequential": "lamina.models",
    "Functional": "lamina.models",
    "Variable": "lamina.backend",
    "KerasTensor": "lamina.backend",
    "SymbolicTensor": "lamina.backend",
    "StatelessScope": "lamina.backend",
    "SymbolicScope": "lamina.backend",
    "name_scope": "lamina.backend",
    "Operation": "lamina.ops.operation",
    "Loss": "lamina.losses",
    "Metric": "lamina.metrics",
    "Optimizer": "lamina.optimizers",
    "Initializer": "lamina.initializers",
    "Regularizer": "lamina.regularizers",
    "Constraint": "lamina.constraints",
    "DTypePolicy": "lamina.dtype_policies",
    "FloatDTypePolicy": "lamina.dtype_policies",
}

__all__ = ["__version__", *_SUBMODULES, *_ATTRIBUTES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"lamina.{name}")
        globals()[name] = module
        return module
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
        globals()[name] = value
        return value
    if name == "version":
        return lambda: __version__
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from lamina import (  # noqa: F401
        activations,
        backend,
        callbacks,
        config,
        constraints,
        initializers,
        layers,
        losses,
        metrics,
        models,
        ops,
        optimizers,
        plugins,
        random,
        regularizers,
        saving,
        utils,
    )
