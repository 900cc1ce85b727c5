"""A small Transformer encoder block (attention + residual + feed-forward) trains on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np

import lamina
from lamina import layers


def _encoder_block(length: int, dim: int, attention: layers.Layer) -> lamina.Model:
    inputs = lamina.Input((length, dim))
    attended = attention(inputs, inputs, use_causal_mask=True)
    x = layers.Add()([inputs, attended])
    feed_forward = layers.Dense(dim)(layers.Dense(2 * dim, activation="relu")(x))
    outputs = layers.Add()([x, feed_forward])
    return lamina.Model(inputs, outputs)


def _task(rng: np.random.Generator, length: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    # Target: the running mean of the sequence, which causal attention can express.
    x = rng.normal(size=(32, length, dim)).astype("float32")
    y = np.cumsum(x, axis=1) / np.arange(1, length + 1, dtype="float32")[None, :, None]
    return x, y


def test_encoder_block_trains(backend: Any) -> None:
    lamina.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = _task(rng, length=6, dim=8)
    for attention in (
        layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1, seed=0),
        layers.GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2),
    ):
        model = _encoder_block(6, 8, attention)
        model.compile(optimizer=lamina.optimizers.Adam(learning_rate=0.01), loss="mse")
        history = model.fit(x, y, batch_size=16, epochs=6, verbose=0)
        losses = history.history["loss"]
        assert np.all(np.isfinite(losses)), losses
        assert losses[-1] < 0.8 * losses[0], losses
        predictions = model.predict(x[:4], verbose=0)
        assert predictions.shape == (4, 6, 8) and np.all(np.isfinite(predictions))
