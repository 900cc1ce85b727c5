"""Dot: per-sample dot products along chosen axes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

CASES = [
    ({"axes": 1}, [(3, 4), (3, 4)], (3, 1)),
    ({"axes": -1, "normalize": True}, [(3, 4), (3, 4)], (3, 1)),
    ({"axes": (1, 2)}, [(2, 5, 3), (2, 4, 5)], (2, 3, 4)),
    ({"axes": [2, 1]}, [(2, 3, 4), (2, 4, 5)], (2, 3, 5)),
    ({"axes": 1}, [(2, 4), (2, 4, 3)], (2, 3)),
    ({"axes": (2, 1)}, [(2, 3, 4), (2, 4)], (2, 3)),
    ({"axes": (3, 1), "normalize": True}, [(2, 3, 2, 4), (2, 4, 5)], (2, 3, 2, 5)),
]
IDS = ["2d", "2d-cosine", "3d", "3d-list", "2d-3d", "3d-2d", "4d-cosine"]


@pytest.mark.parametrize("kwargs,shapes,expected", CASES, ids=IDS)
def test_harness_and_keras(backend: Any, kwargs: dict, shapes: list, expected: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.Dot,
        kwargs,
        input_shape=shapes,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        supports_masking=True,
    )
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=s).astype("float32") for s in shapes]
    assert_matches_keras(layers.Dot(**kwargs), inputs)
    symbolic = layers.Dot(**kwargs)([lamina.Input(s[1:]) for s in shapes])
    assert symbolic.shape == (None,) + expected[1:]


def test_values(backend: Any) -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    y = np.array([[5.0, 6.0], [7.0, 8.0]], "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(layers.Dot(axes=1)([x, y])), [[17.0], [53.0]])
    cosine = ops.convert_to_numpy(layers.Dot(axes=1, normalize=True)([x, x]))
    np.testing.assert_allclose(cosine, [[1.0], [1.0]], rtol=1e-6)
    assert layers.Dot(axes=1).compute_mask([x, y], [None, None]) is None


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="last")
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="integers"):
        layers.Dot(axes=(1, 2.0))
    x = np.zeros((2, 3), "float32")
    with pytest.raises(ValueError, match="2 inputs"):
        layers.Dot(axes=1)([x, x, x])
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([x, np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match="batch axis"):
        layers.Dot(axes=0)([x, x])
    with pytest.raises(ValueError, match="rank"):
        layers.Dot(axes=(1, 3))([x, x])
