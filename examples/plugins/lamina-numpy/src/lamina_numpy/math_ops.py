"""Math ops on NumPy (`erf`, `erfinv`, `top_k`).

NumPy has no error function; `erf` evaluates Python's `math.erf` element by
element in float64 (exact, and fast enough for inference), and `erfinv`
refines M. Giles' single-precision approximation with Newton steps on it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lamina.backend.contract import MathOps
from lamina_numpy.numpy_ops import to_float
from lamina_numpy.tensor import NumpyTensor, array, wrap

_ERF = np.frompyfunc(math.erf, 1, 1)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Polynomial coefficients (highest degree first) of Giles' approximation, for
# w = -log(1 - x^2) below 5 (in w - 2.5) and above (in sqrt(w) - 3).
_CENTRAL = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
_TAIL = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)


def _erf64(x: np.ndarray) -> np.ndarray:
    return _ERF(x).astype("float64") if x.size else x.astype("float64")


def _erfinv_estimate(x: np.ndarray) -> np.ndarray:
    """M. Giles, "Approximating the erfinv function" (GPU Computing Gems), single precision."""
    w = -np.log((1.0 - x) * (1.0 + x))
    central = w - 2.5
    p = np.full_like(x, _CENTRAL[0])
    for c in _CENTRAL[1:]:
        p = c + p * central
    tail = np.sqrt(w) - 3.0
    q = np.full_like(x, _TAIL[0])
    for c in _TAIL[1:]:
        q = c + q * tail
    return np.where(w < 5.0, p, q) * x


class NumpyMathOps(MathOps):
    """`erf`, `erfinv` and `top_k` (the rest is the contract's default)."""

    def erf(self, x: Any) -> NumpyTensor:
        a = to_float(x)
        return wrap(_erf64(a.astype("float64")).astype(a.dtype))

    def erfinv(self, x: Any) -> NumpyTensor:
        a = to_float(x)
        x64 = a.astype("float64")
        with np.errstate(all="ignore"):
            y = _erfinv_estimate(x64)
            inside = np.abs(x64) < 1
            safe = np.where(inside, y, 0.0)
            for _ in range(2):  # Newton on erf(y) = x
                safe = safe - (_erf64(safe) - np.where(inside, x64, 0.0)) / (_TWO_OVER_SQRT_PI * np.exp(-safe * safe))
            edge = np.where(np.abs(x64) == 1, np.sign(x64) * np.inf, np.nan)
            result = np.where(inside, safe, edge)
        return wrap(result.astype(a.dtype))

    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple:
        a = array(x)
        k = int(k)
        # A stable sort of the negated values keeps the lower index first on ties.
        order = np.argsort(-a if a.dtype.kind != "b" else ~a, axis=-1, kind="stable")[..., :k]
        return wrap(np.take_along_axis(a, order, axis=-1)), wrap(order.astype("int32"))
