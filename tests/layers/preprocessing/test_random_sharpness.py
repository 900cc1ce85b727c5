"""RandomSharpness: fixed factors against Keras, random ones with statistics and seeds."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras

sys.path.insert(0, os.path.dirname(__file__))
from augmentation_checks import check_random_image_layer  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, size=(4, 6, 6, 3)).astype("float32")


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


def test_harness_inference_and_seeds(backend: Any, keras: Any) -> None:
    check_random_image_layer(
        layers.RandomSharpness, {"factor": (0.1, 0.9), "value_range": (0, 1)}, IMAGES, must_change=False
    )
    assert layers.RandomSharpness(0.3).factor == keras.layers.RandomSharpness(0.3).factor == (0, 0.3)


@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({"factor": (0.5, 0.5)}, (2, 5, 5, 3)),
        ({"factor": (0.0, 0.0), "value_range": (0, 1)}, (2, 5, 6, 3)),
        ({"factor": (1.0, 1.0), "value_range": (0, 1)}, (2, 5, 5, 1)),
        ({"factor": (0.8, 0.8), "value_range": (0, 1), "data_format": "channels_first"}, (2, 2, 5, 5)),
    ],
)
def test_fixed_factors_match_keras(backend: Any, keras: Any, kwargs: dict, shape: tuple) -> None:
    scale = 1.0 if kwargs.get("value_range") == (0, 1) else 255.0
    images = (RNG.uniform(0, 1, size=shape) * scale).astype("float32")
    assert_matches_keras(
        layers.RandomSharpness(**kwargs), images, call_kwargs={"training": True}, tolerance=1e-4 * scale
    )


def test_blur_and_sharpen(backend: Any) -> None:
    images = RNG.uniform(0.3, 0.7, size=(16, 8, 8, 1)).astype("float32")
    inner = (slice(None), slice(1, -1), slice(1, -1))

    def roughness(x: np.ndarray) -> np.ndarray:
        return np.abs(np.diff(x[inner], axis=1)).mean(axis=(1, 2, 3))

    blurred = _numpy(layers.RandomSharpness((0.0, 0.2), value_range=(0, 1), seed=1)(images, training=True))
    sharpened = _numpy(layers.RandomSharpness((0.8, 1.0), value_range=(0, 1), seed=1)(images, training=True))
    assert np.all(roughness(blurred) < roughness(images)) and np.all(roughness(sharpened) > roughness(images))
    assert sharpened.min() >= 0 and sharpened.max() <= 1
    flat = np.full((2, 5, 5, 3), 0.4, "float32")  # a flat image: unchanged away from the zero-padded border
    out = _numpy(layers.RandomSharpness(0.9, value_range=(0, 1), seed=2)(flat, training=True))
    np.testing.assert_allclose(out[:, 1:-1, 1:-1], 0.4, atol=1e-6)
    assert _numpy(layers.RandomSharpness(0.9, seed=2)(images[0] * 255, training=True)).shape == (8, 8, 1)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="factor"):
        layers.RandomSharpness(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomSharpness(-0.2)
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomSharpness(0.5, value_range=[0])
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomSharpness(0.1)(IMAGES[0, 0])
