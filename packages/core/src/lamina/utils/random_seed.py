"""`set_random_seed`: one call makes Lamina programs reproducible."""

from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seeds Python's `random`, NumPy and Lamina's random generators.

    Initializers draw with NumPy, so after this call a model starts with the
    same weights on every backend.

    Example:
        ```python
        lamina.utils.set_random_seed(42)
        ```
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % (2**32))
    from lamina.random.seed_generator import reset_global_seed_generators, seed_default_seeds

    seed_default_seeds(int(seed))
    reset_global_seed_generators()
