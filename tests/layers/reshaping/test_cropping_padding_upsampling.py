"""Cropping, ZeroPadding and UpSampling layers: harness, Keras parity, argument errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

FIRST = {"data_format": "channels_first"}

# (layer class, constructor arguments, input shape, expected output shape)
CASES = [
    (layers.Cropping1D, {}, (2, 6, 3), (2, 4, 3)),
    (layers.Cropping1D, {"cropping": (0, 2)}, (2, 6, 3), (2, 4, 3)),
    (layers.Cropping2D, {"cropping": ((1, 2), 1)}, (2, 6, 5, 3), (2, 3, 3, 3)),
    (layers.Cropping2D, {"cropping": (1, 0), **FIRST}, (2, 3, 6, 5), (2, 3, 4, 5)),
    (layers.Cropping3D, {}, (1, 4, 5, 6, 2), (1, 2, 3, 4, 2)),
    (layers.Cropping3D, {"cropping": ((0, 1), 0, (2, 0)), **FIRST}, (1, 2, 4, 3, 5), (1, 2, 3, 3, 3)),
    (layers.ZeroPadding1D, {}, (2, 4, 3), (2, 6, 3)),
    (layers.ZeroPadding1D, {"padding": (2, 0), **FIRST}, (2, 3, 4), (2, 3, 6)),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (0, 2))}, (2, 4, 3, 2), (2, 5, 5, 2)),
    (layers.ZeroPadding2D, {"padding": 1, **FIRST}, (2, 2, 3, 4), (2, 2, 5, 6)),
    (layers.ZeroPadding3D, {}, (1, 2, 3, 2, 2), (1, 4, 5, 4, 2)),
    (layers.ZeroPadding3D, {"padding": (1, 0, 2), **FIRST}, (1, 2, 2, 3, 2), (1, 2, 4, 3, 6)),
    (layers.UpSampling1D, {}, (2, 3, 4), (2, 6, 4)),
    (layers.UpSampling1D, {"size": 3}, (2, 3, 4), (2, 9, 4)),
    (layers.UpSampling2D, {}, (2, 3, 4, 2), (2, 6, 8, 2)),
    (layers.UpSampling2D, {"size": (3, 1), **FIRST}, (2, 2, 3, 4), (2, 2, 9, 4)),
    (layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2), (2, 6, 12, 2)),
    (layers.UpSampling2D, {"size": 2, "interpolation": "bilinear", **FIRST}, (2, 2, 3, 4), (2, 2, 6, 8)),
    (layers.UpSampling3D, {}, (1, 2, 3, 2, 2), (1, 4, 6, 4, 2)),
    (layers.UpSampling3D, {"size": (1, 2, 3), **FIRST}, (1, 2, 2, 2, 2), (1, 2, 2, 4, 6)),
]


def _case_id(case: tuple) -> str:
    cls, kwargs, _, _ = case
    options = "-".join(f"{key}={value}" for key, value in kwargs.items() if key != "data_format")
    fmt = "cf" if kwargs.get("data_format") == "channels_first" else "cl"
    return f"{cls.__name__}-{fmt}-{options or 'default'}"


@pytest.mark.parametrize("cls,kwargs,shape,expected", CASES, ids=[_case_id(c) for c in CASES])
def test_reshaping_layer(backend: Any, cls: type, kwargs: dict, shape: tuple, expected: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    assert_matches_keras(cls(**kwargs), x)


def test_values(backend: Any) -> None:
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.Cropping1D((1, 1))(x)), x[:, 1:2])
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.UpSampling1D(2)(x)), np.repeat(x, 2, axis=1))
    padded = ops.convert_to_numpy(layers.ZeroPadding1D((1, 2))(x))
    np.testing.assert_array_equal(padded, np.pad(x, ((0, 0), (1, 2), (0, 0))))


def test_bilinear_upsampling_interpolates_between_pixels(backend: Any) -> None:
    x = np.array([0.0, 4.0], "float32").reshape(1, 1, 2, 1)
    row = ops.convert_to_numpy(layers.UpSampling2D((1, 2), interpolation="bilinear")(x))[0, 0, :, 0]
    # Half-pixel centres: samples at -0.25, 0.25, 0.75, 1.25 (edges clamp).
    np.testing.assert_allclose(row, [0.0, 1.0, 3.0, 4.0], atol=1e-6)


@pytest.mark.parametrize(
    "cls,kwargs,error,match",
    [
        (layers.Cropping1D, {"cropping": -1}, ValueError, "cropping"),
        (layers.Cropping1D, {"cropping": (1, 2, 3)}, ValueError, "tuple of 2 integers"),
        (layers.Cropping2D, {"cropping": -2}, ValueError, "cannot be negative"),
        (layers.Cropping2D, {"cropping": (1, 2, 3)}, ValueError, "tuple of 2 tuples"),
        (layers.Cropping3D, {"cropping": ((1, 1), (1, -1), 0)}, ValueError, "2nd entry of cropping"),
        (layers.ZeroPadding2D, {"padding": "same"}, ValueError, "padding"),
        (layers.ZeroPadding3D, {"padding": (1, 1)}, ValueError, "tuple of 3 tuples"),
        (layers.ZeroPadding1D, {"data_format": "NWC"}, ValueError, "data_format='NWC'"),
        (layers.UpSampling1D, {"size": 2.0}, TypeError, "integer value for `size`"),
        (layers.UpSampling1D, {"size": 0}, ValueError, "size=0"),
        (layers.UpSampling2D, {"size": (2, 0)}, ValueError, "size"),
        (layers.UpSampling2D, {"interpolation": "cubic"}, ValueError, "interpolation='cubic'"),
        (layers.UpSampling3D, {"size": (2, 2)}, ValueError, "tuple of 3 integers"),
    ],
)
def test_invalid_arguments(cls: type, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        cls(**kwargs)


def test_cropping_larger_than_input_names_the_layer(backend: Any) -> None:
    with pytest.raises(ValueError, match=r"'crop'.*axis 1 has 4 elements.*\(2, 4, 6, 3\)"):
        layers.Cropping2D(((2, 2), (0, 0)), name="crop")(np.zeros((2, 4, 6, 3), "float32"))
    with pytest.raises(ValueError, match=r'layer "pad".*expected ndim=3'):
        layers.ZeroPadding1D(name="pad")(np.zeros((2, 4), "float32"))
