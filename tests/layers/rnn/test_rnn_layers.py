"""SimpleRNN, LSTM, GRU, their cells, RNN and StackedRNNCells: the layer
harness, Keras 3 as numerical reference, masks, states, dropout, bad arguments.

Tolerances are 1e-4: recurrences accumulate float32 rounding over the steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.backend import SymbolicTensor
from lamina.testing import assert_matches_keras, run_layer_test

TOLERANCE = 1e-4
RECURRENT = {"SimpleRNN": layers.SimpleRNN, "LSTM": layers.LSTM, "GRU": layers.GRU}
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 0]], dtype=bool)


def _sequences(shape: tuple = (3, 5, 4), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# -- the harness -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_recurrent_layer_harness(backend: Any, name: str) -> None:
    run_layer_test(
        RECURRENT[name],
        {"units": 3, "return_sequences": True, "kernel_regularizer": "l2"},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=0,
        expected_num_losses=1,
        supports_masking=True,
        tolerance=TOLERANCE,
    )


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SimpleRNN", {"dropout": 0.3, "seed": 1}),
        ("LSTM", {"dropout": 0.2, "recurrent_dropout": 0.3, "seed": 2}),
        ("GRU", {"recurrent_dropout": 0.3, "reset_after": False, "seed": 3}),
    ],
    ids=["simple_rnn", "lstm", "gru"],
)
def test_recurrent_layer_harness_with_dropout(backend: Any, name: str, kwargs: dict) -> None:
    # The training step runs the dropout masks inside the compiled step.
    run_layer_test(RECURRENT[name], {"units": 3, **kwargs}, input_shape=(2, 4, 3), expected_output_shape=(2, 3))


def test_return_state_harness(backend: Any) -> None:
    layer = run_layer_test(
        layers.LSTM,
        {"units": 3, "return_state": True},
        input_shape=(2, 4, 3),
        expected_output_shape=[(2, 3), (2, 3), (2, 3)],
        run_training_check=False,
    )
    output, h, c = layer(_sequences((2, 4, 3)))
    assert [tuple(ops.shape(t)) for t in (output, h, c)] == [(2, 3)] * 3
    np.testing.assert_allclose(ops.convert_to_numpy(output), ops.convert_to_numpy(h))


# -- numerics against Keras 3 -----------------------------------------------------------

OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_sequences": True, "return_state": True},
    {"go_backwards": True},
    {"go_backwards": True, "return_sequences": True, "return_state": True},
    {"unroll": True, "return_sequences": True},
    {"use_bias": False},
    {"activation": "relu", "kernel_initializer": "random_normal"},
]
OPTION_IDS = ["default", "sequences", "sequences_state", "backwards", "backwards_all", "unroll", "no_bias", "relu"]


@pytest.mark.parametrize("name", sorted(RECURRENT))
@pytest.mark.parametrize("options", OPTIONS, ids=OPTION_IDS)
def test_recurrent_layers_match_keras(backend: Any, name: str, options: dict) -> None:
    pytest.importorskip("keras")
    assert_matches_keras(RECURRENT[name](4, **options), _sequences(), tolerance=TOLERANCE)


@pytest.mark.parametrize(
    "name,options",
    [
        ("LSTM", {"recurrent_activation": "hard_sigmoid", "unit_forget_bias": False}),
        ("GRU", {"reset_after": False}),
        ("GRU", {"reset_after": False, "use_bias": False, "return_sequences": True}),
        ("GRU", {"recurrent_activation": "hard_sigmoid", "return_state": True}),
    ],
    ids=["lstm_gates", "gru_reset_before", "gru_reset_before_no_bias", "gru_gates"],
)
def test_gate_options_match_keras(backend: Any, name: str, options: dict) -> None:
    pytest.importorskip("keras")
    assert_matches_keras(RECURRENT[name](4, **options), _sequences(), tolerance=TOLERANCE)


@pytest.mark.parametrize("name", sorted(RECURRENT))
@pytest.mark.parametrize(
    "options",
    [
        {"return_sequences": True, "return_state": True},
        {"return_sequences": True, "go_backwards": True},
        {"return_sequences": True, "zero_output_for_mask": True},
        {"unroll": True},
    ],
    ids=["sequences_state", "backwards", "zero_output", "unroll"],
)
def test_masked_layers_match_keras(backend: Any, name: str, options: dict) -> None:
    pytest.importorskip("keras")
    assert_matches_keras(RECURRENT[name](4, **options), _sequences(), call_kwargs={"mask": MASK}, tolerance=TOLERANCE)


def test_mask_keeps_states_and_repeats_outputs(backend: Any) -> None:
    x = _sequences()
    layer = layers.GRU(4, return_sequences=True, return_state=True)
    outputs, state = (ops.convert_to_numpy(t) for t in layer(x, mask=MASK))
    # Sample 0 is padded after step 3: it ends in the state of step 3 ...
    reference, reference_state = (ops.convert_to_numpy(t) for t in layer(x[:1, :3]))
    np.testing.assert_allclose(state[0], reference_state[0], rtol=TOLERANCE, atol=TOLERANCE)
    # ... and repeats its last output on the padded steps.
    np.testing.assert_allclose(outputs[0, 3:], np.repeat(reference[0, -1:], 2, axis=0), rtol=TOLERANCE, atol=TOLERANCE)
    # Sample 2 starts masked: the output is the (zero) initial state.
    np.testing.assert_allclose(outputs[2, 0], 0.0)


def test_initial_state_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    h, c = (rng.normal(size=(3, 4)).astype("float32") for _ in range(2))
    assert_matches_keras(
        layers.LSTM(4, return_sequences=True, return_state=True),
        _sequences(),
        call_kwargs={"initial_state": [h, c]},
        tolerance=TOLERANCE,
    )
    assert_matches_keras(layers.GRU(4, return_state=True), _sequences(), call_kwargs={"initial_state": [h]})


def test_symbolic_initial_state_in_functional_model(backend: Any) -> None:
    inputs = lamina.Input((5, 4))
    h = lamina.Input((3,))
    c = lamina.Input((3,))
    output, h_out, c_out = layers.LSTM(3, return_state=True)(inputs, initial_state=[h, c])
    assert output.shape == (None, 3) and h_out.shape == (None, 3) and c_out.shape == (None, 3)
    model = lamina.Model([inputs, h, c], [output, c_out])
    zeros = np.zeros((2, 3), "float32")
    result = model.predict([_sequences((2, 5, 4)), zeros, zeros], verbose=0)
    assert [np.shape(r) for r in result] == [(2, 3), (2, 3)]


# -- cells, RNN and stacking ---------------------------------------------------------------

CELLS = {"SimpleRNNCell": layers.SimpleRNNCell, "LSTMCell": layers.LSTMCell, "GRUCell": layers.GRUCell}


@pytest.mark.parametrize("name", sorted(CELLS))
def test_rnn_with_cell_matches_keras(backend: Any, name: str) -> None:
    pytest.importorskip("keras")
    layer = layers.RNN(CELLS[name](4), return_sequences=True, return_state=True)
    assert_matches_keras(layer, _sequences(), tolerance=TOLERANCE)
    assert_matches_keras(
        layers.RNN(CELLS[name](4), go_backwards=True), _sequences(), call_kwargs={"mask": MASK}, tolerance=TOLERANCE
    )


def test_cell_called_directly(backend: Any) -> None:
    cell = layers.LSTMCell(3)
    x = _sequences((2, 4))
    zeros = np.zeros((2, 3), "float32")
    output, (h, c) = cell(x, [zeros, zeros])
    assert tuple(ops.shape(output)) == (2, 3) and tuple(ops.shape(c)) == (2, 3)
    np.testing.assert_allclose(ops.convert_to_numpy(output), ops.convert_to_numpy(h))
    kernel, recurrent_kernel, bias = cell.get_weights()
    assert kernel.shape == (4, 12) and recurrent_kernel.shape == (3, 12) and bias.shape == (12,)
    # unit_forget_bias: ones for the forget gate (the second block of the i, f, c, o order).
    np.testing.assert_allclose(bias, np.concatenate([np.zeros(3), np.ones(3), np.zeros(6)]))


def test_gru_weight_layout(backend: Any) -> None:
    layer = layers.GRU(3)
    layer.build((None, 5, 4))
    assert [w.shape for w in layer.get_weights()] == [(4, 9), (3, 9), (2, 9)]
    layer = layers.GRU(3, reset_after=False)
    layer.build((None, 5, 4))
    assert [w.shape for w in layer.get_weights()] == [(4, 9), (3, 9), (9,)]
    for weight, name in zip(layer.weights, ("kernel", "recurrent_kernel", "bias")):
        assert weight.path == f"{layer.name}/gru_cell/{name}"


@pytest.mark.parametrize("return_state", [False, True])
def test_stacked_cells_match_keras(backend: Any, return_state: bool) -> None:
    pytest.importorskip("keras")
    cells = [layers.LSTMCell(5), layers.GRUCell(4), layers.SimpleRNNCell(3)]
    layer = layers.RNN(cells, return_sequences=True, return_state=return_state)
    assert isinstance(layer.cell, layers.StackedRNNCells)
    assert_matches_keras(layer, _sequences(), tolerance=TOLERANCE)
    assert_matches_keras(
        layers.RNN(layers.StackedRNNCells([layers.GRUCell(4), layers.LSTMCell(3)])),
        _sequences(),
        call_kwargs={"mask": MASK},
        tolerance=TOLERANCE,
    )


def test_stacked_cells_states_and_shapes(backend: Any) -> None:
    layer = layers.RNN([layers.LSTMCell(5), layers.GRUCell(3)], return_state=True)
    output, lstm_states, gru_state = layer(_sequences())
    assert tuple(ops.shape(output)) == (3, 3)
    assert [tuple(ops.shape(s)) for s in lstm_states] == [(3, 5), (3, 5)]
    assert tuple(ops.shape(gru_state)) == (3, 3)
    symbolic = layers.RNN([layers.LSTMCell(5), layers.GRUCell(3)], return_state=True)(SymbolicTensor((None, 7, 4)))
    assert symbolic[0].shape == (None, 3)
    assert [s.shape for s in symbolic[1]] == [(None, 5), (None, 5)]
    assert symbolic[2].shape == (None, 3)


class MinimalCell(layers.Layer):
    """A cell that is not a Keras built-in: `h_t = x_t W + h_{t-1}`."""

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape: Any) -> None:
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", name="kernel")

    def call(self, inputs: Any, states: list) -> tuple:
        h = ops.matmul(inputs, self.kernel) + states[0]
        return h, [h]


def test_rnn_with_custom_cell(backend: Any) -> None:
    x = _sequences((2, 5, 3))
    layer = layers.RNN(MinimalCell(2), return_sequences=True)
    outputs = ops.convert_to_numpy(layer(x))
    expected = np.cumsum(np.repeat(x.sum(-1, keepdims=True), 2, axis=-1), axis=1)
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)
    masked = ops.convert_to_numpy(layers.RNN(MinimalCell(2))(x, mask=MASK[:2]))
    np.testing.assert_allclose(masked, expected[[0, 1], [2, 4]], rtol=1e-5, atol=1e-5)
    # No `get_initial_state`: the RNN makes zero states from `state_size`.
    assert tuple(ops.shape(layers.RNN(MinimalCell(2)).get_initial_state(4)[0])) == (4, 2)


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_config_keys_match_keras(backend: Any, name: str) -> None:
    keras = pytest.importorskip("keras")
    ours = RECURRENT[name](4, dropout=0.1, return_sequences=True).get_config()
    theirs = getattr(keras.layers, name)(4, dropout=0.1, return_sequences=True).get_config()
    extra = {"seed"} if name == "SimpleRNN" else set()  # Keras drops SimpleRNN's seed; Lamina keeps it
    assert set(ours) - extra == set(theirs)
    for key in ("units", "return_sequences", "dropout", "recurrent_initializer", "unroll", "go_backwards"):
        assert ours[key] == theirs[key], key
    cell_keys = set(CELLS[f"{name}Cell"](4).get_config())
    assert cell_keys == set(getattr(keras.layers, f"{name}Cell")(4).get_config())


def test_rnn_config_round_trip(backend: Any) -> None:
    layer = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2, reset_after=False)], return_sequences=True)
    revived = layers.RNN.from_config(layer.get_config())
    assert isinstance(revived.cell, layers.StackedRNNCells)
    assert [type(c).__name__ for c in revived.cell.cells] == ["LSTMCell", "GRUCell"]
    assert revived.cell.cells[1].reset_after is False
    assert revived.get_config() == layer.get_config()


# -- stateful ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_stateful_carries_states_between_calls(backend: Any, name: str) -> None:
    x = _sequences((2, 6, 3))
    whole = RECURRENT[name](4, return_sequences=True)
    expected = ops.convert_to_numpy(whole(x))
    stateful = RECURRENT[name](4, return_sequences=True, stateful=True)
    stateful.build((2, 6, 3))
    stateful.set_weights(whole.get_weights())
    assert len(stateful.weights) == len(whole.weights)  # states are not weights
    first = ops.convert_to_numpy(stateful(x[:, :3]))
    second = ops.convert_to_numpy(stateful(x[:, 3:]))
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), expected, rtol=TOLERANCE, atol=TOLERANCE)
    stateful.reset_states()
    for state in stateful.states:
        np.testing.assert_allclose(state.numpy(), 0.0)
    np.testing.assert_allclose(ops.convert_to_numpy(stateful(x[:, :3])), first, rtol=TOLERANCE, atol=TOLERANCE)


def test_stateful_needs_fixed_batch_size(backend: Any) -> None:
    with pytest.raises(ValueError, match="fixed batch size"):
        layers.LSTM(3, stateful=True)(SymbolicTensor((None, 5, 2)))
    layer = layers.LSTM(3, stateful=True)
    layer(_sequences((2, 5, 2)))
    with pytest.raises(ValueError, match="batch size"):
        layer(_sequences((3, 5, 2)))
    outputs = layers.LSTM(3, stateful=True)(lamina.Input((5, 2), batch_size=4))
    assert outputs.shape == (4, 3)


# -- dropout ------------------------------------------------------------------------------------


def test_dropout_only_in_training(backend: Any) -> None:
    x = _sequences()
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, seed=1)
    inference = ops.convert_to_numpy(layer(x))
    plain = layers.LSTM(4)
    plain.build(x.shape)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(inference, ops.convert_to_numpy(plain(x)), rtol=1e-6, atol=1e-6)
    training = ops.convert_to_numpy(layer(x, training=True))
    assert not np.allclose(training, inference)
    # No mask outlives a call.
    assert layer.cell._dropout_mask is None and layer.cell._recurrent_dropout_mask is None


def test_dropout_mask_is_shared_across_steps(backend: Any) -> None:
    # Identity input kernel, no recurrence: each output step is the dropout mask itself.
    layer = layers.SimpleRNN(
        64,
        activation=None,
        use_bias=False,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        dropout=0.4,
        return_sequences=True,
        seed=7,
    )
    outputs = ops.convert_to_numpy(layer(np.ones((16, 5, 64), "float32"), training=True))
    for t in range(1, 5):
        np.testing.assert_array_equal(outputs[:, t], outputs[:, 0])
    kept = outputs[:, 0] != 0
    assert abs(kept.mean() - 0.6) < 0.05
    np.testing.assert_allclose(outputs[:, 0][kept], 1 / 0.6, rtol=1e-5)


def test_dropout_masks_are_seeded(backend: Any) -> None:
    x = _sequences()
    first, second = (layers.GRU(4, dropout=0.3, recurrent_dropout=0.3, seed=5) for _ in range(2))
    first.build(x.shape)
    second.build(x.shape)
    second.set_weights(first.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(first(x, training=True)), ops.convert_to_numpy(second(x, training=True)), rtol=1e-6
    )


def test_recurrent_dropout_rates(backend: Any) -> None:
    cell = layers.LSTMCell(8, recurrent_dropout=0.25, seed=0)
    masks = cell.get_recurrent_dropout_mask(np.ones((500, 8), "float32"))
    assert len(masks) == 4  # one per gate
    for mask in masks:
        values = ops.convert_to_numpy(mask)
        assert abs((values == 0).mean() - 0.25) < 0.03
    cell.reset_recurrent_dropout_mask()
    assert cell.get_recurrent_dropout_mask(np.ones((2, 8), "float32")) is not masks


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU, *CELLS.values()])
def test_bad_arguments(backend: Any, cls: type) -> None:
    for units in (0, -2, 2.5, "3"):
        with pytest.raises(ValueError, match="units"):
            cls(units)
    for rate in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"`dropout`.*\[0, 1\)"):
            cls(3, dropout=rate)
        with pytest.raises(ValueError, match="recurrent_dropout"):
            cls(3, recurrent_dropout=rate)


def test_bad_layer_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.LSTM(3, use_cudnn="yes")
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))
    with pytest.raises(ValueError, match="call"):
        layers.RNN(object())
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        layers.LSTM(3, bogus=True)
    with pytest.raises(ValueError, match="unroll"):
        layers.LSTM(3, unroll=True)(SymbolicTensor((None, None, 4)))
    with pytest.raises(ValueError, match="ndim|rank|dim"):
        layers.GRU(3)(np.zeros((2, 3), "float32"))
