"""Building blocks of the conformance suite's op cases: `OpCase`, seeded input
makers (`f32`, `i32`, `boolean`, `args`) and small NumPy references shared by
`op_cases` and `parity_cases`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class OpCase:
    op: str
    make_args: Callable[[np.random.Generator], tuple]
    reference: Callable[..., Any]
    kwargs: dict = field(default_factory=dict)
    dtype: str | None = None  # expected result dtype, when NumPy's differs
    rtol: float = 1e-5
    atol: float = 1e-6
    label: str = ""
    symbolic: bool = True  # check shape inference on symbolic inputs too
    # Maps the list of results (NumPy arrays) to a canonical form before
    # comparing, for results that are not unique (signs of eigenvectors).
    canonical: Callable[[list], list] | None = None
    # Optional native kernels ("linalg.svd") the op needs: the contract has no
    # composed default for them, so a backend without them skips the case.
    kernels: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.label or self.op


def f32(*shape: int, low: float = -2.0, high: float = 2.0) -> Callable:
    return lambda rng: rng.uniform(low, high, size=shape).astype("float32")


def i32(*shape: int, low: int = -5, high: int = 6) -> Callable:
    return lambda rng: rng.integers(low, high, size=shape).astype("int32")


def boolean(*shape: int) -> Callable:
    return lambda rng: rng.uniform(size=shape) > 0.5


def args(*makers: Any) -> Callable[[np.random.Generator], tuple]:
    def build(rng: np.random.Generator) -> tuple:
        return tuple(m(rng) if callable(m) else m for m in makers)

    return build


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _one_hot(x: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype="float32")[x]


def _erf(x: np.ndarray) -> np.ndarray:
    from math import erf

    return np.vectorize(erf)(x).astype("float32")


def _fn(function: Callable) -> Callable:
    """An argument maker for a function argument (`args` calls plain callables)."""
    return lambda rng: function
