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

    # -- decompositions: native kernels (no composed default) -------------
    def svd(self, x: Tensor, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        """Singular value decomposition: `(u, s, vh)` with `x = u @ diag(s) @ vh`, or `s` alone."""
        raise self._no_kernel("svd")

    def eigh(self, x: Tensor) -> tuple:
        """Eigenvalues (ascending) and eigenvectors of the symmetric matrices in `x`: `(w, v)`."""
        raise self._no_kernel("eigh")

    def qr(self, x: Tensor, mode: str = "reduced") -> tuple:
        """QR decomposition `(q, r)`; `mode` is "reduced" or "complete"."""
        raise self._no_kernel("qr")

    # -- composed defaults ------------------------------------------------
    def solve_triangular(self, a: Tensor, b: Tensor, lower: bool = False) -> Tensor:
        """Solves `a @ x = b` for triangular `a` (only its `lower` or upper triangle is read)."""
        np_ = self.backend.numpy
        return self.solve(np_.tril(a) if lower else np_.triu(a), b)

    def pinv(self, x: Tensor, rcond: float | None = None) -> Tensor:
        """Moore-Penrose pseudo-inverse, ignoring singular values below `rcond * max(s)`."""
        np_ = self.backend.numpy
        u, s, vh = self.svd(x, full_matrices=False)
        cutoff = self._cutoff(x, s, rcond)
        inverse = np_.where(np_.greater(s, cutoff), np_.divide(1.0, np_.where(np_.greater(s, cutoff), s, 1.0)), 0.0)
        return np_.matmul(np_.swapaxes(vh, -1, -2), np_.multiply(np_.expand_dims(inverse, -1), np_.swapaxes(u, -1, -2)))

    def lstsq(self, a: Tensor, b: Tensor, rcond: float | None = None) -> Tensor:
        """Least-squares solution `x` of `a @ x = b` (the minimum-norm one when `a` is rank deficient)."""
        np_ = self.backend.numpy
        b = self.backend.core.convert_to_tensor(b)
        vector = len(self.backend.core.shape(b)) == 1
        solution = np_.matmul(self.pinv(a, rcond=rcond), np_.expand_dims(b, -1) if vector else b)
        return np_.squeeze(solution, -1) if vector else solution

    def matrix_rank(self, x: Tensor, tol: float | None = None) -> Tensor:
        """Number (int32) of singular values above `tol` (default `max(s) * max(m, n) * eps`)."""
        np_ = self.backend.numpy
        s = self.svd(x, compute_uv=False)
        cutoff = self._cutoff(x, s, None) if tol is None else tol
        return self.backend.core.cast(
            np_.sum(self.backend.core.cast(np_.greater(s, cutoff), "int32"), axis=-1), "int32"
        )

    def cholesky_inverse(self, x: Tensor, upper: bool = False) -> Tensor:
        """Inverse of `a` from its Cholesky factor `x` (`a = x @ x.T`, or `x.T @ x` when `upper`)."""
        np_ = self.backend.numpy
        transposed = np_.swapaxes(x, -1, -2)
        return self.inv(np_.matmul(transposed, x) if upper else np_.matmul(x, transposed))

    def _cutoff(self, x: Tensor, s: Tensor, rcond: float | None) -> Tensor:
        import numpy as np

        np_ = self.backend.numpy
        shape = self.backend.core.shape(x)
        if rcond is None:
            dtype = self.backend.core.dtype(s)
            rcond = float(np.finfo("float32" if dtype == "bfloat16" else dtype).eps) * max(shape[-2], shape[-1])
        return np_.multiply(np_.max(s, axis=-1, keepdims=True), rcond)

    def _no_kernel(self, op: str) -> NotImplementedError:
        return NotImplementedError(
            f"`linalg.{op}` has no composed default: the {self.backend.name!r} backend must "
            f"implement it with a native kernel in its linalg namespace."
        )
