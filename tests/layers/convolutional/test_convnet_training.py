"""A small convnet (Conv 32 -> pool -> Conv 64 -> pool -> Dense 10 on 28x28x1) trains on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers

pytestmark = pytest.mark.training


def _digits(count: int, seed: int = 0) -> tuple:
    """28x28 images whose class is where a bright 7x7 square sits (a 3x3 grid plus one blank class)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=count).astype("int32")
    images = rng.normal(scale=0.1, size=(count, 28, 28, 1)).astype("float32")
    for image, label in zip(images, labels):
        if label < 9:
            row, col = divmod(int(label), 3)
            image[2 + 9 * row : 9 + 9 * row, 2 + 9 * col : 9 + 9 * col] += 1.0
    return images, labels


def test_small_convnet_trains(trainable_backend: Any) -> None:
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )
    assert model.output_shape == (None, 10)
    model.compile(
        optimizer=lamina.optimizers.Adam(1e-3),
        loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    images, labels = _digits(64)
    history = model.fit(images, labels, batch_size=32, epochs=4, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)), losses
    assert losses[-1] < losses[0], losses
    predictions = model.predict(images[:4], verbose=0)
    assert predictions.shape == (4, 10) and np.all(np.isfinite(predictions))
