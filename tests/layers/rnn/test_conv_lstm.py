"""ConvLSTM1D/2D/3D: the layer harness, Keras 3 as reference, masks, errors.

Tolerances are 1e-4: recurrences accumulate float32 rounding over the steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

TOLERANCE = 1e-4


def _sequences(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "cls,shape,expected",
    [
        (layers.ConvLSTM1D, (2, 3, 8, 2), (2, 3, 6, 4)),
        (layers.ConvLSTM2D, (2, 3, 5, 5, 2), (2, 3, 3, 3, 4)),
        (layers.ConvLSTM3D, (2, 2, 4, 4, 4, 1), (2, 2, 2, 2, 2, 4)),
    ],
    ids=["1d", "2d", "3d"],
)
def test_conv_lstm_harness(backend: Any, cls: type, shape: tuple, expected: tuple) -> None:
    run_layer_test(
        cls,
        {"filters": 4, "kernel_size": 3, "return_sequences": True},
        input_shape=shape,
        expected_output_shape=expected,
        expected_num_trainable_weights=3,
        supports_masking=True,
        run_training_check=cls is layers.ConvLSTM1D,  # one compiled training step is enough
    )


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.ConvLSTM1D, {}, (2, 4, 8, 3)),
        (layers.ConvLSTM1D, {"padding": "same", "return_sequences": True, "return_state": True}, (2, 4, 8, 3)),
        (layers.ConvLSTM1D, {"go_backwards": True, "unit_forget_bias": False}, (2, 4, 8, 3)),
        (layers.ConvLSTM2D, {"kernel_size": (3, 2), "strides": 2, "return_sequences": True}, (2, 3, 6, 6, 2)),
        (layers.ConvLSTM2D, {"dilation_rate": 2, "padding": "same", "use_bias": False}, (2, 3, 6, 6, 2)),
        (layers.ConvLSTM3D, {"padding": "same"}, (1, 2, 3, 3, 3, 2)),
    ],
    ids=["1d", "1d_state", "1d_backwards", "2d_strides", "2d_dilation", "3d"],
)
def test_conv_lstm_matches_keras(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    kwargs = {"kernel_size": 3, **kwargs}
    assert_matches_keras(cls(3, **kwargs), _sequences(shape), tolerance=TOLERANCE)


def test_conv_lstm_channels_first(backend: Any) -> None:
    x = _sequences((2, 3, 6, 5, 2))  # channels last
    last = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    expected = ops.convert_to_numpy(last(x))
    first = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, data_format="channels_first")
    first.build((2, 3, 2, 6, 5))
    first.set_weights(last.get_weights())
    got = ops.convert_to_numpy(first(np.transpose(x, (0, 1, 4, 2, 3))))
    np.testing.assert_allclose(np.transpose(got, (0, 1, 3, 4, 2)), expected, rtol=TOLERANCE, atol=TOLERANCE)
    assert first.compute_output_shape((None, 3, 2, 6, 5)) == (None, 3, 3, 6, 5)


def test_conv_lstm_mask_equals_unpadded_sequence(backend: Any) -> None:
    # (Keras 3 on JAX cannot mask ConvLSTM, so the reference is the unpadded sequence.)
    x = _sequences((2, 5, 6, 2))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    layer = layers.ConvLSTM1D(3, 3, padding="same", return_state=True)
    output, h, c = (ops.convert_to_numpy(t) for t in layer(x, mask=mask))
    reference, _, reference_c = (ops.convert_to_numpy(t) for t in layer(x[:1, :3]))
    np.testing.assert_allclose(output[0], reference[0], rtol=TOLERANCE, atol=TOLERANCE)
    np.testing.assert_allclose(c[0], reference_c[0], rtol=TOLERANCE, atol=TOLERANCE)


def test_conv_lstm_dropout_in_training(backend: Any) -> None:
    x = _sequences((2, 3, 6, 2))
    layer = layers.ConvLSTM1D(3, 3, dropout=0.5, recurrent_dropout=0.5, seed=3)
    inference = ops.convert_to_numpy(layer(x))
    assert not np.allclose(ops.convert_to_numpy(layer(x, training=True)), inference)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), inference)


def test_conv_lstm_config_keys_match_keras(backend: Any) -> None:
    keras = pytest.importorskip("keras")
    ours = layers.ConvLSTM2D(4, 3, return_sequences=True).get_config()
    theirs = keras.layers.ConvLSTM2D(4, 3, return_sequences=True).get_config()
    assert set(ours) == set(theirs)
    for key in ("filters", "kernel_size", "strides", "padding", "dilation_rate", "return_sequences"):
        assert ours[key] == theirs[key], key


def test_conv_lstm_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="filters"):
        layers.ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.ConvLSTM2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM1D(4, 3, padding="full")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.ConvLSTM1D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="dropout"):
        layers.ConvLSTM1D(4, 3, dropout=1.0)
    with pytest.raises(ValueError, match="ndim|rank|dim"):
        layers.ConvLSTM2D(4, 3)(_sequences((2, 3, 6, 2)))
