"""RandomSaturation and RandomHue (HSV colour augmentations).

Fixed factor ranges are compared with Keras (the sign of RandomHue's shift is
random, so hue comparisons use shifts of exactly half a turn, where both signs
give the same image); random behaviour is checked with statistics and seeds.
"""

from __future__ import annotations

import colorsys
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
LAYERS = [
    (layers.RandomSaturation, {"factor": (0.2, 0.8), "value_range": (0, 1)}),
    (layers.RandomHue, {"factor": 0.4, "value_range": (0, 1)}),
]
IDS = ["saturation", "hue"]


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


def _hsv(images: np.ndarray) -> np.ndarray:
    flat = images.reshape(-1, 3).astype("float64")
    return np.array([colorsys.rgb_to_hsv(*p) for p in flat]).reshape(images.shape)


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_harness_inference_and_seeds(backend: Any, keras: Any, cls: type, kwargs: dict) -> None:
    check_random_image_layer(cls, kwargs, IMAGES)


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.RandomSaturation, {"factor": (0.5, 0.5)}, (2, 5, 5, 3)),
        (layers.RandomSaturation, {"factor": (0.3, 0.3), "value_range": (0, 1)}, (2, 5, 5, 3)),
        (layers.RandomSaturation, {"factor": (0.0, 0.0)}, (2, 5, 5, 3)),
        (layers.RandomSaturation, {"factor": (0.7, 0.7), "data_format": "channels_first"}, (2, 3, 5, 4)),
        (layers.RandomHue, {"factor": (1.0, 1.0), "value_range": (0, 1)}, (2, 5, 5, 3)),
        (layers.RandomHue, {"factor": (1.0, 1.0), "data_format": "channels_first"}, (2, 3, 4, 5)),
        (layers.RandomHue, {"factor": (0.0, 0.0)}, (2, 5, 5, 3)),
    ],
)
def test_fixed_changes_match_keras(backend: Any, keras: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    scale = 1.0 if kwargs.get("value_range") == (0, 1) else 255.0
    images = (RNG.uniform(0, 1, size=shape) * scale).astype("float32")
    assert_matches_keras(cls(**kwargs), images, call_kwargs={"training": True}, tolerance=1e-4 * scale)


def test_saturation_statistics(backend: Any) -> None:
    images = RNG.uniform(0, 1, size=(100, 3, 3, 3)).astype("float32")
    out = _numpy(layers.RandomSaturation((0.2, 0.8), value_range=(0, 1), seed=3)(images, training=True))
    before, after = _hsv(images), _hsv(out)
    np.testing.assert_allclose(after[..., 2], before[..., 2], atol=1e-5)  # value unchanged
    ratio = after[..., 1].mean(axis=(1, 2)) / before[..., 1].mean(axis=(1, 2))
    assert ratio.min() >= 0.25 - 1e-3 and ratio.max() <= 4.0 + 1e-3  # saturation scale f/(1-f) in [0.25, 4]
    assert ratio.min() < 0.6 and ratio.max() > 1.4
    assert after[..., 1].max() <= 1.0 + 1e-5
    gray = _numpy(layers.RandomSaturation((0.0, 0.0), value_range=(0, 1))(images, training=True))
    np.testing.assert_allclose(gray, np.repeat(images.max(axis=-1, keepdims=True), 3, axis=-1), atol=1e-5)


def test_hue_statistics(backend: Any) -> None:
    images = RNG.uniform(0, 1, size=(200, 2, 2, 3)).astype("float32")
    out = _numpy(layers.RandomHue((0.2, 0.2), value_range=(0, 1), seed=4)(images, training=True))
    before, after = _hsv(images), _hsv(out)
    np.testing.assert_allclose(after[..., 1:], before[..., 1:], atol=1e-4)  # saturation and value kept
    shift = ((after[..., 0] - before[..., 0] + 0.5) % 1.0 - 0.5)[:, 0, 0]
    assert np.all(np.isclose(np.abs(shift), 0.1, atol=1e-3))
    up = (shift > 0).mean()
    assert 0.35 <= up <= 0.65, up
    scaled = _numpy(layers.RandomHue((0.2, 0.2), seed=4)(images * 255, training=True))
    np.testing.assert_allclose(scaled, out * 255, atol=1e-3)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="factor"):
        layers.RandomSaturation(1.5)
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomSaturation(0.5, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="factor"):
        layers.RandomHue(-0.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomHue((0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomHue(0.5, value_range="0-255")
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomHue(0.1)(IMAGES[0, 0])
