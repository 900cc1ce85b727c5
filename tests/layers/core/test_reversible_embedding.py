"""ReversibleEmbedding: lookups as Embedding, reverse projections, Keras 3 parity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.backend import masking
from lamina.testing import assert_matches_keras, run_layer_test


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"tie_weights": False}, {"logit_soft_cap": 2.0}, {"mask_zero": True, "reverse_dtype": "float32"}],
    ids=["tied", "untied", "soft-cap", "mask-zero"],
)
def test_reversible_embedding_matches_keras_both_ways(backend: Any, kwargs: dict) -> None:
    pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 11, size=(2, 5)).astype("int32")
    hidden = rng.normal(size=(2, 5, 4)).astype("float32")
    assert_matches_keras(layers.ReversibleEmbedding(11, 4, **kwargs), ids)
    assert_matches_keras(layers.ReversibleEmbedding(11, 4, **kwargs), hidden, call_kwargs={"reverse": True})


def test_reversible_embedding_harness(backend: Any) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.ReversibleEmbedding,
        {"input_dim": 9, "output_dim": 3, "tie_weights": False},
        input_shape=(2, 4),
        input_dtype="int32",
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
    )


def test_reverse_call_uses_the_transposed_table_and_keeps_no_mask(backend: Any) -> None:
    table = np.arange(12, dtype="float32").reshape(4, 3) / 10
    layer = layers.ReversibleEmbedding(4, 3, mask_zero=True, weights=[table])
    embedded = layer(np.array([[1, 0]]))
    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(embedded)), [[True, False]])
    logits = layer(embedded, reverse=True)
    np.testing.assert_allclose(ops.convert_to_numpy(logits), table[[[1, 0]]] @ table.T, rtol=1e-6)
    assert masking.get_mask(logits) is None
    capped = layers.ReversibleEmbedding(4, 3, weights=[table], logit_soft_cap=0.5)(embedded, reverse=True)
    np.testing.assert_allclose(ops.convert_to_numpy(capped), np.tanh(table[[[1, 0]]] @ table.T / 0.5) * 0.5, rtol=1e-6)


def test_language_model_head_trains_and_reloads(backend: Any, tmp_path: Any) -> None:
    """Tied weights: one table serves the lookup and the logits, in a saved model."""
    embedding = layers.ReversibleEmbedding(20, 8, name="tokens")
    inputs = lamina.Input((6,), dtype="int32")
    logits = embedding(layers.Dense(8)(embedding(inputs)), reverse=True)
    model = lamina.Model(inputs, logits)
    assert tuple(logits.shape) == (None, 6, 20)
    assert len(model.trainable_weights) == 3
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 20, size=(32, 6)).astype("int32")
    model.compile(optimizer="adam", loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ids, ids, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "lm.keras"
    model.save(path)
    restored = lamina.models.load_model(path)
    np.testing.assert_allclose(
        ops.convert_to_numpy(restored(ids[:2])), ops.convert_to_numpy(model(ids[:2])), rtol=1e-5, atol=1e-6
    )
