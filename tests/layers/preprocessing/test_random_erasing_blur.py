"""RandomErasing and RandomGaussianBlur.

Blurs with fixed factors and sigmas are deterministic and compared with Keras;
erasing positions are random, so erasing is checked with statistics and seeds
(and Keras only where it does nothing: inference, or `factor=0`).
"""

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
IMAGES = RNG.uniform(0, 1, size=(4, 8, 8, 3)).astype("float32")
LAYERS = [
    (layers.RandomErasing, {"factor": 0.8, "value_range": (0, 1)}),
    (layers.RandomGaussianBlur, {"factor": 0.8, "sigma": (0.5, 1.0), "value_range": (0, 1)}),
]
IDS = ["erasing", "blur"]


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_harness_inference_and_seeds(backend: Any, keras: Any, cls: type, kwargs: dict) -> None:
    check_random_image_layer(cls, kwargs, IMAGES)
    assert_matches_keras(cls(**{**kwargs, "factor": 0.0}), IMAGES, call_kwargs={"training": True})


@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({"factor": (1.0, 1.0), "sigma": (0.7, 0.7)}, (2, 6, 6, 3)),
        ({"factor": (1.0, 1.0), "kernel_size": 5, "sigma": (1.0, 1.0), "value_range": (0, 1)}, (2, 7, 6, 2)),
        ({"factor": (1.0, 1.0), "kernel_size": (3, 5), "sigma": (0.4, 0.4)}, (2, 7, 6, 1)),
        ({"factor": (1.0, 1.0), "sigma": (0.9, 0.9), "data_format": "channels_first"}, (2, 3, 6, 5)),
    ],
)
def test_fixed_blur_matches_keras(backend: Any, keras: Any, kwargs: dict, shape: tuple) -> None:
    scale = 1.0 if kwargs.get("value_range") == (0, 1) else 255.0
    images = (RNG.uniform(0, 1, size=shape) * scale).astype("float32")
    layer = layers.RandomGaussianBlur(**kwargs)
    assert_matches_keras(layer, images, call_kwargs={"training": True}, tolerance=1e-4 * scale)


def test_blur_probability_and_smoothing(backend: Any) -> None:
    images = RNG.uniform(0, 1, size=(200, 6, 6, 1)).astype("float32")
    out = _numpy(
        layers.RandomGaussianBlur((0.4, 0.4), sigma=(1.0, 1.0), value_range=(0, 1), seed=3)(images, training=True)
    )
    same = np.all(np.isclose(out, images), axis=(1, 2, 3))
    assert 55 <= (~same).sum() <= 105, f"{(~same).sum()} of 200 blurred"
    inner = (slice(None), slice(1, -1), slice(1, -1))
    assert np.all(out[~same][inner].std(axis=(1, 2, 3)) < images[~same][inner].std(axis=(1, 2, 3)))
    flat = np.full((1, 5, 5, 1), 0.5, "float32")  # a flat image is unchanged away from the border
    np.testing.assert_allclose(
        _numpy(layers.RandomGaussianBlur(1.0, value_range=(0, 1))(flat, training=True))[0, 1:-1, 1:-1], 0.5, atol=1e-6
    )


def test_erasing_statistics(backend: Any) -> None:
    images = RNG.uniform(0.1, 0.9, size=(300, 20, 20, 3)).astype("float32")
    layer = layers.RandomErasing((0.5, 0.5), scale=(0.1, 0.3), fill_value=0.0, value_range=(0, 1), seed=5)
    out = _numpy(layer(images, training=True))
    erased = np.all(out == 0.0, axis=-1)  # (batch, h, w): pixels replaced on all channels
    assert np.all((out == images) | (out == 0.0))
    hit = erased.any(axis=(1, 2))
    assert 120 <= hit.sum() <= 180, f"{hit.sum()} of 300 erased"
    for mask in erased[hit][:20]:  # each erased region is one rectangle
        rows, cols = np.where(mask)
        assert mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].all()
    area = erased[hit].mean(axis=(1, 2))
    assert area.min() > 0.03 and area.max() < 0.45 and 0.1 < area.mean() < 0.3
    noise = _numpy(layers.RandomErasing(1.0, scale=(0.3, 0.3), value_range=(0, 1), seed=1)(images, training=True))
    assert noise.min() >= 0 and noise.max() <= 1 and not np.allclose(noise, images)
    colours = _numpy(
        layers.RandomErasing((1.0, 1.0), scale=0.5, fill_value=(10, 20, 300), seed=1)(images * 255, training=True)
    )
    changed = np.any(colours != images * 255, axis=-1)
    np.testing.assert_allclose(colours[changed], np.broadcast_to([10, 20, 255], colours[changed].shape))
    first = _numpy(
        layers.RandomErasing((1.0, 1.0), fill_value=0.0, data_format="channels_first", seed=2)(
            np.moveaxis(images[:4], -1, 1) * 255, training=True
        )
    )
    assert np.all(np.all(first == 0, axis=1) | np.all(first != 0, axis=1))


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="factor"):
        layers.RandomErasing(factor=1.5)
    with pytest.raises(ValueError, match="scale"):
        layers.RandomErasing(scale=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="fill_value"):
        layers.RandomErasing(fill_value=(1, 2))
    with pytest.raises(ValueError, match="fill_value"):
        layers.RandomErasing(fill_value="black")
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomErasing(value_range=1)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.RandomGaussianBlur(kernel_size=(3, 5, 7))
    with pytest.raises(ValueError, match="sigma"):
        layers.RandomGaussianBlur(sigma=2.0)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomGaussianBlur(factor=-0.5)
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomGaussianBlur()(IMAGES[0, 0])
