"""Permute and RepeatVector."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test


@pytest.mark.parametrize(
    "dims,shape,expected",
    [((2, 1), (2, 3, 4), (2, 4, 3)), ((3, 1, 2), (2, 3, 4, 5), (2, 5, 3, 4)), ((1,), (2, 3), (2, 3))],
    ids=["swap", "rotate", "identity"],
)
def test_permute(backend: Any, dims: tuple, shape: tuple, expected: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.Permute,
        {"dims": dims},
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
    )
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.Permute(dims)(x)), np.transpose(x, (0,) + dims))
    assert_matches_keras(layers.Permute(dims), x)
    assert layers.Permute(dims)(lamina.Input(shape[1:], dtype="int32")).dtype == "int32"


def test_repeat_vector(backend: Any) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.RepeatVector,
        {"n": 3},
        input_shape=(2, 4),
        expected_output_shape=(2, 3, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
    )
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    out = ops.convert_to_numpy(layers.RepeatVector(3)(x))
    np.testing.assert_array_equal(out, np.repeat(x[:, None, :], 3, axis=1))
    assert_matches_keras(layers.RepeatVector(3), x)
    run_layer_test(
        layers.RepeatVector, {"n": 2}, input_shape=(2, 3), input_dtype="int32", expected_output_dtype="int32"
    )


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="consecutive"):
        layers.Permute((1, 3))
    with pytest.raises(TypeError, match="dims"):
        layers.Permute("21")
    with pytest.raises(ValueError, match="ndim=3"):
        layers.Permute((2, 1))(np.zeros((2, 3), "float32"))
    with pytest.raises(TypeError, match="integer"):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="positive"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match="ndim=2"):
        layers.RepeatVector(2)(np.zeros((2, 3, 4), "float32"))
