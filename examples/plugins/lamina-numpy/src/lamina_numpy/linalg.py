"""Linear-algebra ops on NumPy.

During shape inference (`eval_shape` runs on zeros) the matrices would be
singular; identity matrices of the same shape stand in for them, which gives
the same output shapes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.contract import LinalgOps
from lamina_numpy.numpy_ops import axis_arg, float_operands, to_float
from lamina_numpy.tensor import NumpyTensor, is_tracing, wrap


def _matrices(a: np.ndarray) -> np.ndarray:
    if is_tracing() and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return a


class NumpyLinalgOps(LinalgOps):
    """`inv`, `solve`, `det`, `cholesky`, `norm`, `svd`, `eigh` and `qr` with `numpy.linalg`."""

    def inv(self, x: Any) -> NumpyTensor:
        a = _matrices(to_float(x))
        return wrap(np.linalg.inv(a).astype(a.dtype, copy=False))

    def solve(self, a: Any, b: Any) -> NumpyTensor:
        a, b = float_operands(a, b)
        a = _matrices(a)
        return wrap(np.linalg.solve(a, b).astype(a.dtype, copy=False))

    def det(self, x: Any) -> NumpyTensor:
        a = _matrices(to_float(x))
        return wrap(np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False))

    def cholesky(self, x: Any) -> NumpyTensor:
        a = _matrices(to_float(x))
        return wrap(np.linalg.cholesky(a).astype(a.dtype, copy=False))

    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        a = to_float(x)
        result = np.linalg.norm(a, ord=ord, axis=axis_arg(axis), keepdims=keepdims)
        return wrap(np.asarray(result).astype(a.dtype, copy=False))

    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        a = to_float(x)
        if not compute_uv:
            return wrap(np.linalg.svd(a, compute_uv=False).astype(a.dtype, copy=False))
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        return tuple(wrap(t.astype(a.dtype, copy=False)) for t in (u, s, vh))

    def eigh(self, x: Any) -> tuple:
        a = _matrices(to_float(x))
        return tuple(wrap(t.astype(a.dtype, copy=False)) for t in np.linalg.eigh(a))

    def qr(self, x: Any, mode: str = "reduced") -> tuple:
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        a = to_float(x)
        return tuple(wrap(t.astype(a.dtype, copy=False)) for t in np.linalg.qr(a, mode=mode))
