"""Random number generation every backend provides.

Each function receives `seed`, a 2-element integer tensor of dtype
`seed_dtype` produced by `lamina.random.SeedGenerator` (never None): the same
seed must give the same numbers, so that random ops stay reproducible and
traceable under `jax.jit` and `tf.function`. `lamina.random` turns the
user-facing `seed` argument (int, SeedGenerator or None) into this tensor.
"""

from __future__ import annotations

from typing import Any

from lamina.backend.contract.base import OpNamespace, required

Tensor = Any


class RandomOps(OpNamespace):
    namespace = "random"

    #: Dtype of the seed state tensor (some frameworks lack uint32 arithmetic).
    seed_dtype = "uint32"

    @required
    def normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Tensor = None
    ) -> Tensor:
        """Draws from a normal distribution."""

    @required
    def uniform(
        self, shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Tensor = None
    ) -> Tensor:
        """Draws from a uniform distribution over `[minval, maxval)`."""

    @required
    def truncated_normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Tensor = None
    ) -> Tensor:
        """Draws from a normal distribution re-drawn beyond two standard deviations."""

    @required
    def randint(self, shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Tensor = None) -> Tensor:
        """Draws integers uniformly from `[minval, maxval)`."""

    def dropout(self, inputs: Tensor, rate: float, noise_shape: Any = None, seed: Tensor = None) -> Tensor:
        """Zeros entries with probability `rate` and scales the rest by `1 / (1 - rate)`."""
        np_ = self.backend.numpy
        core = self.backend.core
        shape = noise_shape if noise_shape is not None else core.shape(inputs)
        shape = tuple(core.shape(inputs)[i] if dim is None else dim for i, dim in enumerate(shape))
        keep = np_.greater_equal(self.uniform(shape, dtype=core.dtype(inputs), seed=seed), rate)
        scaled = np_.divide(inputs, 1.0 - rate)
        return np_.where(keep, scaled, np_.zeros_like(inputs))

    @required
    def shuffle(self, x: Tensor, axis: int = 0, seed: Tensor = None) -> Tensor:
        """Shuffles `x` along `axis`."""

    @required
    def categorical(self, logits: Tensor, num_samples: int, dtype: Any = "int32", seed: Tensor = None) -> Tensor:
        """Draws class ids from the categorical distributions given by `logits`."""
