"""Small synthetic datasets for the Keras-compatibility tests (no network)."""

from __future__ import annotations

import numpy as np


def classification(samples: int = 800, features: int = 20, classes: int = 4) -> tuple:
    """Linearly separable-ish clusters: ((x_train, y_train), (x_val, y_val))."""
    rng = np.random.default_rng(42)
    centers = rng.normal(scale=3.0, size=(classes, features))
    labels = rng.integers(0, classes, size=samples)
    x = (centers[labels] + rng.normal(size=(samples, features))).astype("float32")
    split = int(samples * 0.8)
    return (x[:split], labels[:split]), (x[split:], labels[split:])
