"""Linear-algebra ops (`lamina.ops` linalg namespace)."""

from __future__ import annotations

from typing import Any

from lamina.backend.contract.base import OpNamespace, required

Tensor = Any


class LinalgOps(OpNamespace):
    namespace = "linalg"

    def norm(self, x: Tensor, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Vector 2-norm (the default), 1-norm, inf-norm, or Frobenius norm of matrices."""
        np_ = self.backend.numpy
        matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
        if matrix and ord not in (None, "fro"):
            raise NotImplementedError(
                f"The default norm supports only ord=None or 'fro' over two axes (received ord={ord!r}); "
                "the backend must override `linalg.norm` for matrix norms."
            )
        if ord in (None, 2, "fro", "euclidean"):
            return np_.sqrt(np_.sum(np_.square(x), axis=axis, keepdims=keepdims))
        if ord == 1:
            return np_.sum(np_.abs(x), axis=axis, keepdims=keepdims)
        if ord in (float("inf"), "inf"):
            return np_.max(np_.abs(x), axis=axis, keepdims=keepdims)
        raise ValueError(f"Unsupported `ord` for norm: {ord!r}. Expected None, 1, 2, 'fro' or inf.")

    @required
    def inv(self, x: Tensor) -> Tensor:
        """Inverse of the square matrices in `x`."""

    @required
    def solve(self, a: Tensor, b: Tensor) -> Tensor:
        """Solves `a @ x = b` for `x`."""

    @required
    def det(self, x: Tensor) -> Tensor:
        """Determinant of the square matrices in `x`."""

    @required
    def cholesky(self, x: Tensor) -> Tensor:
        """Lower Cholesky factor of the symmetric positive-definite matrices in `x`."""
