"""LayerNormalization, GroupNormalization, UnitNormalization, RMSNormalization."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test


def _data(shape: tuple, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=shape) * 2.0 + 0.5).astype("float32")


def _randomize_weights(layer: Any, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])


CASES = [
    (layers.LayerNormalization, {}, (3, 5)),
    (layers.LayerNormalization, {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4)),
    (layers.LayerNormalization, {"axis": 1, "center": False}, (2, 3, 4)),
    (layers.LayerNormalization, {"axis": -2, "scale": False}, (2, 3, 4)),
    (layers.GroupNormalization, {"groups": 2}, (2, 3, 4)),
    (layers.GroupNormalization, {"groups": 2, "axis": 1}, (2, 4, 3, 3)),
    (layers.GroupNormalization, {"groups": -1, "epsilon": 1e-5}, (2, 5, 3)),
    (layers.GroupNormalization, {"groups": 1, "center": False, "scale": False}, (2, 3, 6)),
    (layers.UnitNormalization, {}, (3, 4)),
    (layers.UnitNormalization, {"axis": [1, 2]}, (2, 3, 4)),
    (layers.RMSNormalization, {}, (3, 5)),
    (layers.RMSNormalization, {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 4)),
]
IDS = [
    "ln",
    "ln-axes12",
    "ln-axis1-nocenter",
    "ln-axis-2-noscale",
    "gn",
    "gn-channels-first",
    "gn-instance",
    "gn-layer",
    "unit",
    "unit-axes",
    "rms",
    "rms-axes",
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_harness_and_keras(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape, expected_output_dtype="float32")
    layer = cls(**kwargs)
    x = _data(shape)
    layer(x)
    _randomize_weights(layer)
    assert_matches_keras(layer, x)


def test_weight_counts(backend: Any) -> None:
    run_layer_test(
        layers.LayerNormalization,
        {"gamma_regularizer": "l2"},
        input_shape=(2, 3),
        expected_num_trainable_weights=2,
        expected_num_losses=1,
        supports_masking=True,
    )
    run_layer_test(
        layers.GroupNormalization,
        {"groups": 3},
        input_shape=(2, 4, 6),
        expected_num_trainable_weights=2,
        supports_masking=True,
    )
    run_layer_test(layers.UnitNormalization, {}, input_shape=(2, 3), expected_num_trainable_weights=0)
    run_layer_test(layers.RMSNormalization, {}, input_shape=(2, 3), expected_num_trainable_weights=1)


def test_layer_normalization_rms_scaling_is_deprecated_but_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    with pytest.warns(UserWarning, match="deprecated"):
        layer = layers.LayerNormalization(rms_scaling=True)
    x = _data((3, 4))
    layer(x)
    assert len(layer.weights) == 1  # gamma only
    _randomize_weights(layer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_matches_keras(layer, x)


def test_values(backend: Any) -> None:
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.LayerNormalization(epsilon=0.0)(x)), [[-1.2247449, 0.0, 1.2247449]], rtol=1e-5
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32"))), [[0.6, 0.8]], rtol=1e-6
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.RMSNormalization(epsilon=0.0)(np.array([[3.0, 4.0]], "float32"))),
        [[3.0 / np.sqrt(12.5), 4.0 / np.sqrt(12.5)]],
        rtol=1e-5,
    )
    out = ops.convert_to_numpy(
        layers.GroupNormalization(groups=2, epsilon=0.0)(np.array([[0.0, 2.0, 5.0, 7.0]], "float32"))
    )
    np.testing.assert_allclose(out, [[-1.0, 1.0, -1.0, 1.0]], rtol=1e-5)
    # Zero vectors stay zero (the inverse norm is capped).
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.UnitNormalization()(np.zeros((1, 3), "float32"))), 0.0)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(TypeError, match="axis"):
        layers.UnitNormalization(axis=[])
    with pytest.raises(ValueError, match="epsilon"):
        layers.RMSNormalization(epsilon=-1.0)
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="multiple of the number of groups"):
        layers.GroupNormalization(groups=4)(np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="more groups"):
        layers.GroupNormalization(groups=8)(np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="batch axis"):
        layers.GroupNormalization(groups=1, axis=0)(np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=2)(np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="out of bounds"):
        layers.UnitNormalization(axis=-3).compute_output_shape((2, 6))
