"""Bidirectional and TimeDistributed: the layer harness, Keras 3 as reference, masks, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.backend import SymbolicTensor
from lamina.testing import assert_matches_keras, run_layer_test

TOLERANCE = 1e-4  # recurrences accumulate float32 rounding over the steps
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 0]], dtype=bool)


def _sequences(shape: tuple = (3, 5, 4), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# -- Bidirectional ------------------------------------------------------------------


def test_bidirectional_harness(backend: Any) -> None:
    run_layer_test(
        layers.Bidirectional,
        {"layer": layers.LSTM(3, return_sequences=True)},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 6),
        expected_num_trainable_weights=6,
        supports_masking=True,
    )


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_merge_modes_match_keras(backend: Any, merge_mode: Any, return_sequences: bool) -> None:
    pytest.importorskip("keras")
    layer = layers.Bidirectional(layers.GRU(4, return_sequences=return_sequences), merge_mode=merge_mode)
    assert_matches_keras(layer, _sequences(), tolerance=TOLERANCE)


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_return_state_matches_keras(backend: Any, merge_mode: Any) -> None:
    pytest.importorskip("keras")
    layer = layers.Bidirectional(layers.LSTM(4, return_sequences=True, return_state=True), merge_mode=merge_mode)
    assert_matches_keras(layer, _sequences(), tolerance=TOLERANCE)
    outputs = layer(_sequences())
    expected = 1 + 4 if merge_mode == "concat" else 2 + 4
    assert len(outputs) == expected
    symbolic = layer(SymbolicTensor((None, 5, 4)))
    assert [s.shape for s in symbolic] == [(None, *tuple(ops.shape(t))[1:]) for t in outputs]


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_bidirectional_with_mask_matches_keras(backend: Any, name: str) -> None:
    pytest.importorskip("keras")
    layer = layers.Bidirectional(getattr(layers, name)(4, return_sequences=True))
    assert_matches_keras(layer, _sequences(), call_kwargs={"mask": MASK}, tolerance=TOLERANCE)
    layer = layers.Bidirectional(getattr(layers, name)(4), merge_mode="sum")
    assert_matches_keras(layer, _sequences(), call_kwargs={"mask": MASK}, tolerance=TOLERANCE)


def test_bidirectional_with_backward_layer_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    layer = layers.Bidirectional(
        layers.LSTM(4, return_sequences=True),
        backward_layer=layers.GRU(3, return_sequences=True, go_backwards=True),
    )
    assert layer.backward_layer.name.startswith("gru")
    assert_matches_keras(layer, _sequences(), tolerance=TOLERANCE)
    assert tuple(ops.shape(layer(_sequences()))) == (3, 5, 7)


def test_bidirectional_initial_state(backend: Any) -> None:
    pytest.importorskip("keras")
    rng = np.random.default_rng(4)
    states = [rng.normal(size=(3, 4)).astype("float32") for _ in range(4)]
    assert_matches_keras(
        layers.Bidirectional(layers.LSTM(4)),
        _sequences(),
        call_kwargs={"initial_state": states},
        tolerance=TOLERANCE,
    )


def test_bidirectional_reverses_backward_outputs(backend: Any) -> None:
    x = _sequences()
    layer = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode=None)
    forward, backward = (ops.convert_to_numpy(t) for t in layer(x))
    # The backward direction, re-reversed, ends (at step 0) with the state after reading the whole sequence.
    whole = ops.convert_to_numpy(layer.backward_layer(x))
    np.testing.assert_allclose(backward, whole[:, ::-1], rtol=1e-6)
    np.testing.assert_allclose(forward, ops.convert_to_numpy(layer.forward_layer(x)), rtol=1e-6)
    assert layer.forward_layer.name.startswith("forward_") and layer.backward_layer.name.startswith("backward_")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


def test_bidirectional_config_round_trip(backend: Any) -> None:
    layer = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="ave")
    config = layer.get_config()
    revived = layers.Bidirectional.from_config(config)
    assert revived.get_config() == config
    assert revived.merge_mode == "ave" and revived.backward_layer.go_backwards
    assert config["layer"]["config"]["name"] == layer.forward_layer.name


def test_bidirectional_stateful(backend: Any) -> None:
    layer = layers.Bidirectional(layers.LSTM(3, stateful=True))
    layer(_sequences((2, 5, 4)))
    assert len(layer.states) == 4
    assert len(layer.weights) == 6
    layer.reset_states()
    for state in layer.states:
        np.testing.assert_allclose(state.numpy(), 0.0)
    with pytest.raises(AttributeError, match="not stateful"):
        layers.Bidirectional(layers.LSTM(3)).reset_states()


def test_bidirectional_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="Layer"):
        layers.Bidirectional("lstm")
    with pytest.raises(ValueError, match="backward_layer"):
        layers.Bidirectional(layers.LSTM(3), backward_layer=3)
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(3), backward_layer=layers.LSTM(3))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(layers.LSTM(3), backward_layer=layers.LSTM(3, go_backwards=True, return_sequences=True))


# -- TimeDistributed ------------------------------------------------------------------


def test_time_distributed_harness(backend: Any) -> None:
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(3, activation="relu")},
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=2,
        supports_masking=True,
    )


def test_time_distributed_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    assert_matches_keras(layers.TimeDistributed(layers.Dense(3)), _sequences((2, 4, 5)))
    assert_matches_keras(layers.TimeDistributed(layers.Dense(2, activation="tanh")), _sequences((2, 3, 4, 5)))


def test_time_distributed_is_dense_per_step(backend: Any) -> None:
    x = _sequences((2, 4, 5))
    layer = layers.TimeDistributed(layers.Dense(3))
    outputs = ops.convert_to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(outputs, x @ kernel + bias, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape((None, 4, 5)) == (None, 4, 3)


def test_time_distributed_passes_mask_slices(backend: Any) -> None:
    class MaskedScale(layers.Layer):
        def call(self, inputs: Any, mask: Any = None) -> Any:
            return inputs * ops.cast(ops.expand_dims(mask, -1), inputs.dtype)

    x = _sequences()
    outputs = ops.convert_to_numpy(layers.TimeDistributed(MaskedScale())(x, mask=MASK))
    np.testing.assert_allclose(outputs, x * MASK[..., None])
    with pytest.raises(ValueError, match="mask"):
        layers.TimeDistributed(MaskedScale())(x, mask=np.ones((3,), bool))


def test_time_distributed_with_unknown_time_in_a_model(backend: Any) -> None:
    inputs = lamina.Input((None, 4))
    hidden = layers.TimeDistributed(layers.Dense(3))(inputs)
    outputs = layers.LSTM(2)(hidden)
    assert hidden.shape == (None, None, 3)
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_sequences((4, 6, 4)), np.zeros((4, 2), "float32"), batch_size=2, epochs=1, verbose=0)
    assert model.predict(_sequences((2, 3, 4)), verbose=0).shape == (2, 2)


def test_time_distributed_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="Layer"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="rank 3"):
        layers.TimeDistributed(layers.Dense(3))(np.zeros((2, 4), "float32"))
