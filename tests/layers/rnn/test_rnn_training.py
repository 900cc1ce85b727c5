"""Recurrent layers in models: training, masks from Embedding/Masking, compiled loops, saving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops

TOLERANCE = 1e-4  # recurrences accumulate float32 rounding over the steps


def _sequences(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_small_lstm_model_learns(backend: Any) -> None:
    lamina.utils.set_random_seed(0)
    x = _sequences((32, 6, 3))
    y = x[:, :, :1].sum(axis=1)  # the sum of the first feature over time
    model = lamina.Sequential([lamina.Input((6, 3)), layers.LSTM(8), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.5 * losses[0]


def test_stacked_bidirectional_gru_model_trains(backend: Any) -> None:
    lamina.utils.set_random_seed(1)
    x = _sequences((16, 5, 4))
    y = (x.mean(axis=(1, 2)) > 0).astype("float32")[:, None]
    model = lamina.Sequential(
        [
            lamina.Input((5, 4)),
            layers.Bidirectional(layers.GRU(4, return_sequences=True, dropout=0.1, recurrent_dropout=0.1)),
            layers.SimpleRNN(3),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_embedding_mask_reaches_lstm(backend: Any) -> None:
    tokens = np.array([[3, 5, 2, 0, 0], [1, 4, 4, 2, 6]], "int32")
    embedding = layers.Embedding(8, 4, mask_zero=True)
    lstm = layers.LSTM(3)
    padded = ops.convert_to_numpy(lstm(embedding(tokens)))
    # The same LSTM on the unpadded first sequence.
    unpadded = ops.convert_to_numpy(lstm(embedding(tokens[:1, :3])))
    np.testing.assert_allclose(padded[0], unpadded[0], rtol=TOLERANCE, atol=TOLERANCE)
    # In a functional model the mask travels between the layers too.
    inputs = lamina.Input((5,), dtype="int32")
    model = lamina.Model(inputs, lstm(embedding(inputs)))
    np.testing.assert_allclose(model.predict(tokens, verbose=0), padded, rtol=TOLERANCE, atol=TOLERANCE)


def test_masking_layer_reaches_bidirectional_gru(backend: Any) -> None:
    x = _sequences((2, 6, 3))
    x[0, 4:] = 0.0
    masking = layers.Masking(0.0)
    layer = layers.Bidirectional(layers.GRU(2, return_sequences=True))
    outputs = ops.convert_to_numpy(layer(masking(x)))
    reference = ops.convert_to_numpy(layer(x[:1, :4]))
    np.testing.assert_allclose(outputs[0, :4], reference[0], rtol=TOLERANCE, atol=TOLERANCE)
    np.testing.assert_allclose(outputs[0, 4:], 0.0)  # zero_output_for_mask with return_sequences


def test_rnn_model_compiled_with_jit(backend: Any) -> None:
    if backend.name == "torch":
        pytest.skip("torch: jit_compile=True runs torch.compile, too slow for a unit test; the eager loop is tested")
    x = _sequences((8, 5, 3))
    mask_tokens = np.ones((8, 5), bool)
    mask_tokens[:4, 3:] = False
    model = lamina.Sequential([lamina.Input((5, 3)), layers.Masking(0.0), layers.GRU(4), layers.Dense(1)])
    x = x * mask_tokens[..., None]
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    before = model.predict(x, verbose=0)
    model.fit(x, np.zeros((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    after = model.predict(x, verbose=0)
    assert np.all(np.isfinite(after)) and not np.allclose(before, after)


def test_scan_inside_compiled_functions(backend: Any) -> None:
    xs = np.arange(1.0, 6.0, dtype="float32")

    def run(values: Any) -> Any:
        return ops.scan(lambda c, x: (c * 0.5 + x, c), ops.zeros(()), values, reverse=True)

    eager = [ops.convert_to_numpy(t) for t in run(xs)]
    if backend.name == "jax":
        import jax

        compiled = jax.jit(run)
    elif backend.name == "tensorflow":
        import tensorflow as tf

        compiled = tf.function(run, jit_compile=True, input_signature=[tf.TensorSpec([None], tf.float32)])
    else:
        pytest.skip("torch: ops.scan is an eager Python loop, checked by the conformance suite")
    for got, want in zip(compiled(ops.convert_to_tensor(xs)), eager):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-6)


def test_recurrent_model_save_and_load(backend: Any, tmp_path: Path) -> None:
    pytest.importorskip("lamina_io")
    inputs = lamina.Input((5, 3))
    hidden = layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode="sum")(inputs)
    hidden = layers.TimeDistributed(layers.Dense(2))(hidden)
    outputs = layers.RNN([layers.GRUCell(3), layers.SimpleRNNCell(2)])(hidden)
    model = lamina.Model(inputs, outputs)
    x = _sequences((2, 5, 3))
    path = tmp_path / "recurrent.keras"
    model.save(path)
    revived = lamina.models.load_model(path)
    np.testing.assert_allclose(revived.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_output_masks_follow_keras(backend: Any) -> None:
    from lamina.backend import masking

    tokens = np.array([[3, 5, 2, 0, 0], [1, 4, 4, 2, 6]], "int32")
    embedded = layers.Embedding(8, 4, mask_zero=True)(tokens)
    sequence = layers.LSTM(3, return_sequences=True)(embedded)
    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(sequence)), tokens != 0)
    # The next recurrent layer receives the mask with the sequence.
    stacked = layers.GRU(2)(sequence)
    assert masking.get_mask(stacked) is None
    outputs = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_state=True)(embedded)
    assert all(masking.get_mask(t) is None for t in [outputs[0], *outputs[1], outputs[2]])
