"""Deterministic initializers: Zeros, Ones, Constant, Identity."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.initializers.initializer import Initializer


class Zeros(Initializer):
    """Initializes to 0.

    Example:
        >>> lamina.initializers.Zeros()((2, 2))
    """

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        return np.zeros(shape, dtype)


class Ones(Initializer):
    """Initializes to 1."""

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        return np.ones(shape, dtype)


class Constant(Initializer):
    """Initializes to a constant value (a scalar, or an array of the right shape).

    Args:
        value: the value.
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.value, dtype=dtype), shape).copy()

    def get_config(self) -> dict:
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        return {"value": value}


class Identity(Initializer):
    """Initializes 2-D weights to `gain` times the identity matrix.

    Args:
        gain: multiplicative factor.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain}
