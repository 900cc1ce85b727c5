"""Linear algebra on JAX."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from lamina.backend.contract import LinalgOps
from lamina_jax.core import convert
from lamina_jax.numpy import _float


class JaxLinalgOps(LinalgOps):
    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.linalg.norm(_float(x), ord=ord, axis=axis, keepdims=keepdims)

    def inv(self, x: Any) -> jax.Array:
        return jnp.linalg.inv(_float(x))

    def solve(self, a: Any, b: Any) -> jax.Array:
        return jnp.linalg.solve(_float(a), _float(b))

    def det(self, x: Any) -> jax.Array:
        return jnp.linalg.det(_float(x))

    def cholesky(self, x: Any) -> jax.Array:
        return jnp.linalg.cholesky(convert(x))

    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        return jnp.linalg.svd(_float(x), full_matrices=full_matrices, compute_uv=compute_uv)

    def eigh(self, x: Any) -> tuple:
        return tuple(jnp.linalg.eigh(_float(x)))

    def qr(self, x: Any, mode: str = "reduced") -> tuple:
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        return tuple(jnp.linalg.qr(_float(x), mode=mode))

    def solve_triangular(self, a: Any, b: Any, lower: bool = False) -> jax.Array:
        a, b = _float(a), _float(b)
        return jax.scipy.linalg.solve_triangular(a, b, lower=lower)
