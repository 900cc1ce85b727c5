"""Math ops on JAX."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from lamina.backend.contract import MathOps
from lamina_jax.core import convert
from lamina_jax.numpy import _float


class JaxMathOps(MathOps):
    def logsumexp(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jax.scipy.special.logsumexp(_float(x), axis=axis, keepdims=keepdims)

    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple:
        values, indices = jax.lax.top_k(convert(x), k)
        return values, indices.astype(jnp.int32)

    def rsqrt(self, x: Any) -> jax.Array:
        return jax.lax.rsqrt(_float(x))

    def erf(self, x: Any) -> jax.Array:
        return jax.scipy.special.erf(_float(x))

    def erfinv(self, x: Any) -> jax.Array:
        return jax.scipy.special.erfinv(_float(x))
