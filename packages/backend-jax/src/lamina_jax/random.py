"""Random ops on JAX: the seed tensor is a raw threefry key (uint32[2])."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from lamina.backend.contract import RandomOps
from lamina_jax.core import convert, to_jax_dtype


def _key(seed: Any) -> jax.Array:
    return jax.random.wrap_key_data(convert(seed).astype(jnp.uint32), impl="threefry2x32")


class JaxRandomOps(RandomOps):
    def normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> jax.Array:
        sample = jax.random.normal(_key(seed), shape=tuple(shape), dtype=to_jax_dtype(dtype))
        return sample * stddev + mean

    def uniform(
        self, shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> jax.Array:
        return jax.random.uniform(
            _key(seed), shape=tuple(shape), dtype=to_jax_dtype(dtype), minval=minval, maxval=maxval
        )

    def truncated_normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> jax.Array:
        sample = jax.random.truncated_normal(_key(seed), -2.0, 2.0, shape=tuple(shape), dtype=to_jax_dtype(dtype))
        return sample * stddev + mean

    def randint(self, shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> jax.Array:
        return jax.random.randint(
            _key(seed), shape=tuple(shape), minval=minval, maxval=maxval, dtype=to_jax_dtype(dtype)
        )

    def dropout(self, inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> jax.Array:
        inputs = convert(inputs)
        shape = (
            inputs.shape
            if noise_shape is None
            else tuple(inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
        )
        keep = jax.random.bernoulli(_key(seed), 1.0 - rate, shape)
        return jnp.where(keep, inputs / (1.0 - rate), jnp.zeros_like(inputs))

    def shuffle(self, x: Any, axis: int = 0, seed: Any = None) -> jax.Array:
        return jax.random.permutation(_key(seed), convert(x), axis=axis, independent=False)

    def categorical(self, logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> jax.Array:
        logits = convert(logits)
        samples = jax.random.categorical(
            _key(seed), logits[..., None, :], axis=-1, shape=logits.shape[:-1] + (num_samples,)
        )
        return samples.astype(to_jax_dtype(dtype))
