"""The foundation layers through the layer harness and against Keras 3."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers
from lamina.testing import assert_matches_keras, run_layer_test


def test_dense_harness(backend: Any) -> None:
    run_layer_test(
        layers.Dense,
        {"units": 4, "activation": "relu", "kernel_regularizer": "l2"},
        input_shape=(3, 5),
        expected_output_shape=(3, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_num_losses=1,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.Dense, {"units": 3, "activation": "tanh"}, (2, 4)),
        (layers.Dense, {"units": 2, "use_bias": False}, (2, 3, 4)),
        (layers.Activation, {"activation": "softplus"}, (2, 4)),
        (layers.Flatten, {}, (2, 3, 4)),
        (layers.Reshape, {"target_shape": (2, 6)}, (2, 3, 4)),
        (layers.Dropout, {"rate": 0.5}, (2, 4)),
    ],
    ids=["dense", "dense3d", "activation", "flatten", "reshape", "dropout"],
)
def test_foundation_layers_match_keras(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(cls, kwargs, input_shape=shape)
    layer = cls(**kwargs)
    assert_matches_keras(layer, np.random.default_rng(0).normal(size=shape).astype("float32"))


def test_merging_layers_match_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=(2, 3)).astype("float32") for _ in range(2)]
    for cls in (
        layers.Add,
        layers.Subtract,
        layers.Multiply,
        layers.Average,
        layers.Maximum,
        layers.Minimum,
        layers.Concatenate,
    ):
        run_layer_test(cls, {}, input_shape=[(2, 3), (2, 3)])
        assert_matches_keras(cls(), inputs)
