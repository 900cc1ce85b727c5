"""Random ops (`lamina.random`), identical in signature to `keras.random`.

`seed` may be an int (the same numbers every call), a `SeedGenerator`
(fresh numbers each call, traceable) or None (a global generator).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend import state, symbolic
from lamina.random.seed_generator import draw_seed


def _shape_tuple(shape: Any) -> tuple:
    if isinstance(shape, int):
        return (shape,)
    # Dynamic dimensions (tensors inside compiled functions) pass through as they are.
    return tuple(int(dim) if isinstance(dim, (int, np.integer)) else dim for dim in shape)


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Draws from a normal distribution with the given `mean` and `stddev`."""
    backend = state.current()
    return backend.random.normal(_shape_tuple(shape), mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed))


def uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Draws from a uniform distribution over `[minval, maxval)`."""
    backend = state.current()
    return backend.random.uniform(_shape_tuple(shape), minval=minval, maxval=maxval, dtype=dtype, seed=draw_seed(seed))


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Any:
    """Draws from a normal distribution, re-drawing values beyond two stddevs."""
    backend = state.current()
    return backend.random.truncated_normal(
        _shape_tuple(shape), mean=mean, stddev=stddev, dtype=dtype, seed=draw_seed(seed)
    )


def randint(shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> Any:
    """Draws integers uniformly from `[minval, maxval)`."""
    backend = state.current()
    return backend.random.randint(_shape_tuple(shape), minval, maxval, dtype=dtype, seed=draw_seed(seed))


def dropout(inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> Any:
    """Zeros entries with probability `rate` and scales the others by `1 / (1 - rate)`."""
    if not 0 <= rate < 1:
        raise ValueError(
            f"Invalid value received for argument `rate`. Expected a float in [0, 1). Received: rate={rate}"
        )
    if symbolic.is_symbolic(inputs):
        return symbolic.SymbolicTensor(inputs.shape, inputs.dtype)
    backend = state.current()
    return backend.random.dropout(inputs, rate, noise_shape=noise_shape, seed=draw_seed(seed))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Any:
    """Shuffles `x` along `axis`."""
    if symbolic.is_symbolic(x):
        return symbolic.SymbolicTensor(x.shape, x.dtype)
    return state.current().random.shuffle(x, axis=axis, seed=draw_seed(seed))


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Any:
    """Draws `num_samples` class ids per row of `logits`."""
    return state.current().random.categorical(logits, num_samples, dtype=dtype, seed=draw_seed(seed))
