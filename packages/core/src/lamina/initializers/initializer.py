"""`Initializer`: the base class of weight initializers.

Lamina's initializers draw their values with NumPy, so the same seed gives
the same initial weights on every backend: a model initialized after
`lamina.utils.set_random_seed(0)` starts identical on torch, JAX and
TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend import dtypes, state


class Initializer:
    """Base class: `initializer(shape, dtype)` returns a tensor.

    Subclasses implement `generate(shape, dtype)` returning a NumPy array,
    and `get_config()` if they take arguments.

    Example:
        ```python
        class Halves(lamina.initializers.Initializer):
            def generate(self, shape, dtype):
                return np.full(shape, 0.5, dtype)
        ```
    """

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        dtype = dtypes.standardize_dtype(dtype)
        shape = tuple(int(d) for d in shape)
        values = np.asarray(self.generate(shape, "float32" if dtype == "bfloat16" else dtype))
        return state.current().core.convert_to_tensor(values, dtype=dtype)

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement generate(shape, dtype).")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"
