"""`SeedGenerator`: random state that lives in a Variable.

Because the state is a Variable, seeded random ops work inside compiled
steps (`jax.jit`, `tf.function`): the step reads the state, draws, and writes
the advanced state back like any other variable.
"""

from __future__ import annotations

import random as python_random
from typing import Any

import numpy as np

from lamina.backend import naming, state

# Lamina's own generator of default seeds: seeded by `set_random_seed`, and not
# disturbed by libraries that draw from Python's global `random` on import.
_DEFAULT_SEEDS = python_random.Random()


def make_default_seed() -> int:
    """A seed for unseeded initializers and generators (see `lamina.utils.set_random_seed`)."""
    return _DEFAULT_SEEDS.randint(1, int(1e9))


def seed_default_seeds(seed: int) -> None:
    _DEFAULT_SEEDS.seed(seed)


class SeedGenerator:
    """Generates a fresh seed for each random op call.

    Args:
        seed: initial seed (int); drawn from Python's `random` when None.
        name: name of the generator (and prefix of its state variable).

    Example:
        ```python
        generator = lamina.random.SeedGenerator(seed=42)
        a = lamina.random.normal((2,), seed=generator)
        b = lamina.random.normal((2,), seed=generator)   # differs from a
        ```
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self._initial_seed = int(seed)
        self.name = name or naming.auto_name("seed_generator")
        backend = state.current()
        self.backend = backend
        seed_dtype = backend.random.seed_dtype
        initial = np.array([self._initial_seed % (2**31), 0], dtype=seed_dtype)
        with naming.name_scope(self.name):
            self.state = backend.Variable(
                initializer=initial,
                shape=(2,),
                dtype=seed_dtype,
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered: bool = True) -> Any:
        """Returns the current seed tensor and advances the state."""
        numpy = self.backend.numpy
        # A copy: some backends update the state in place on `assign`.
        seed = numpy.copy(self.state.value)
        increment = self.backend.core.convert_to_tensor(
            np.array([0, 1], dtype=self.state.dtype), dtype=self.state.dtype
        )
        self.state.assign(numpy.add(seed, increment))
        return seed

    def get_config(self) -> dict:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)


_GLOBAL: dict[str, SeedGenerator] = {}


def global_seed_generator() -> SeedGenerator:
    """The generator used by random ops called with `seed=None`, per backend."""
    backend = state.current()
    generator = _GLOBAL.get(backend.name)
    if generator is None:
        generator = _GLOBAL[backend.name] = SeedGenerator(name="global_seed_generator")
    return generator


def reset_global_seed_generators() -> None:
    _GLOBAL.clear()


def draw_seed(seed: Any) -> Any:
    """Turns a user `seed` (None, int or SeedGenerator) into a backend seed tensor."""
    backend = state.current()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        dtype = backend.random.seed_dtype
        return backend.core.convert_to_tensor(np.array([int(seed) % (2**31), 0], dtype=dtype), dtype=dtype)
    if backend.core.is_tensor(seed):
        return seed
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of "
        f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed).__name__})"
    )
