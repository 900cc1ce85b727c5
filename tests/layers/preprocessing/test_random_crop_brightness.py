"""RandomCrop, RandomBrightness and RandomGrayscale.

Training-mode outputs are compared with Keras where they are deterministic
(degenerate factor ranges, crops of images no larger than the target); the
random behaviour is checked with statistics and seeds.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

sys.path.insert(0, os.path.dirname(__file__))
from augmentation_checks import check_random_image_layer  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, size=(4, 8, 8, 3)).astype("float32")
RANDOM_LAYERS = [
    (layers.RandomBrightness, {"factor": 0.3, "value_range": (0, 1)}),
    (layers.RandomGrayscale, {"factor": 0.5}),
]
IDS = ["brightness", "grayscale"]


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=IDS)
def test_color_layers_harness_and_inference(backend: Any, keras: Any, cls: type, kwargs: dict) -> None:
    check_random_image_layer(cls, kwargs, IMAGES)


@pytest.mark.parametrize(
    "cls,kwargs", [*RANDOM_LAYERS, (layers.RandomCrop, {"height": 5, "width": 6})], ids=[*IDS, "crop"]
)
def test_layers_are_seeded(backend: Any, cls: type, kwargs: dict) -> None:
    first = cls(**kwargs, seed=7)
    a = _numpy(first(IMAGES, training=True))
    np.testing.assert_allclose(a, _numpy(cls(**kwargs, seed=7)(IMAGES, training=True)))
    assert any(not np.allclose(_numpy(first(IMAGES, training=True)), a) for _ in range(5))


def test_random_crop_harness(backend: Any) -> None:
    run_layer_test(
        layers.RandomCrop,
        {"height": 5, "width": 6, "seed": 1},
        input_data=IMAGES,
        expected_output_shape=(4, 5, 6, 3),
        expected_output_dtype="float32",
        expected_num_seed_generators=1,
        expected_num_trainable_weights=0,
    )
    model = lamina.Sequential([lamina.Input((8, 8, 3)), layers.RandomCrop(5, 6), layers.Flatten(), layers.Dense(2)])
    assert model.predict(IMAGES, verbose=0).shape == (4, 2)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(IMAGES, np.zeros((4, 2), "float32"), epochs=1, verbose=0)


@pytest.mark.parametrize(
    "shape,size,data_format",
    [
        ((2, 4, 8, 3), (4, 4), "channels_last"),  # not larger in height: centre crop
        ((2, 5, 7, 2), (5, 7), "channels_last"),  # same size: identity
        ((2, 3, 5, 9), (5, 3), "channels_first"),
        ((6, 8, 2), (6, 4), "channels_last"),  # one image
    ],
)
def test_random_crop_deterministic_cases_match_keras(
    backend: Any, keras: Any, shape: tuple, size: tuple, data_format: str
) -> None:
    images = RNG.uniform(0, 1, size=shape).astype("float32")
    layer = layers.RandomCrop(*size, data_format=data_format)
    assert_matches_keras(layer, images, call_kwargs={"training": True})


def test_random_crop_crops_at_a_random_shared_position(backend: Any) -> None:
    images = np.arange(3 * 8 * 9, dtype="float32").reshape(3, 8, 9, 1)
    images = np.concatenate([images, images + 1000], axis=0)
    corners = set()
    layer = layers.RandomCrop(5, 4, seed=3)
    for _ in range(40):
        out = _numpy(layer(images, training=True))
        assert out.shape == (6, 5, 4, 1)
        top, left = divmod(int(out[0, 0, 0, 0]), 9)
        np.testing.assert_array_equal(out, images[:, top : top + 5, left : left + 4])
        corners.add((top, left))
    tops = {t for t, _ in corners}
    lefts = {w for _, w in corners}
    assert tops <= set(range(4)) and lefts <= set(range(6))
    assert len(tops) >= 3 and len(lefts) >= 4, corners


def test_random_crop_inference_is_a_centred_aspect_ratio_crop(backend: Any, keras: Any) -> None:
    # Keras documents this; Keras 3.15 itself returns the input unchanged (keras-team/keras#21868).
    images = RNG.uniform(0, 1, size=(2, 6, 10, 3)).astype("float32")
    for size in [(4, 4), (3, 6), (8, 8)]:
        ours = _numpy(layers.RandomCrop(*size)(images, training=False))
        reference = keras.layers.Resizing(*size, crop_to_aspect_ratio=True)(images)
        np.testing.assert_allclose(ours, np.asarray(reference), atol=1e-5)
    exact = _numpy(layers.RandomCrop(6, 6)(images, training=False))
    np.testing.assert_allclose(exact, images[:, :, 2:8], atol=1e-6)
    small = _numpy(layers.RandomCrop(8, 12, seed=1)(images, training=True))  # smaller image: resized
    assert small.shape == (2, 8, 12, 3)


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.RandomBrightness, {"factor": (0.2, 0.2)}, (2, 5, 5, 3)),
        (layers.RandomBrightness, {"factor": (-0.5, -0.5), "value_range": (0, 1)}, (2, 5, 5, 3)),
        (layers.RandomGrayscale, {"factor": 1.0}, (2, 5, 5, 3)),
        (layers.RandomGrayscale, {"factor": 1.0, "data_format": "channels_first"}, (2, 3, 5, 4)),
        (layers.RandomGrayscale, {"factor": 0.0}, (5, 5, 3)),
    ],
)
def test_fixed_color_changes_match_keras(backend: Any, keras: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    scale = 255.0 if kwargs.get("value_range", (0, 255))[1] == 255 else 1.0
    images = (RNG.uniform(0, 1, size=shape) * scale).astype("float32")
    assert_matches_keras(cls(**kwargs), images, call_kwargs={"training": True}, tolerance=1e-4)


def test_random_brightness_statistics(backend: Any, keras: Any) -> None:
    images = RNG.uniform(0.4, 0.6, size=(200, 4, 4, 3)).astype("float32")
    out = _numpy(layers.RandomBrightness((-0.3, 0.2), value_range=(0, 1), seed=4)(images, training=True))
    shifts = out - images
    np.testing.assert_allclose(shifts, shifts[:, :1, :1, :1] * np.ones_like(shifts), atol=1e-6)  # one per image
    deltas = shifts[:, 0, 0, 0]
    assert deltas.min() >= -0.3 - 1e-6 and deltas.max() <= 0.2 + 1e-6
    assert abs(deltas.mean() - (-0.05)) < 0.03 and deltas.std() > 0.1
    clipped = _numpy(layers.RandomBrightness(1.0, value_range=(0, 1), seed=1)(images, training=True))
    assert clipped.min() >= 0 and clipped.max() <= 1
    assert layers.RandomBrightness(0.2).factor == keras.layers.RandomBrightness(0.2).factor == (-0.2, 0.2)
    assert layers.RandomBrightness(0.2, value_range=(1, 0)).value_range == [0, 1]


def test_random_grayscale_rate(backend: Any) -> None:
    images = RNG.uniform(0, 1, size=(300, 3, 3, 3)).astype("float32")
    out = _numpy(layers.RandomGrayscale(0.3, seed=5)(images, training=True))
    gray = np.all(np.isclose(out, out[..., :1]), axis=(1, 2, 3))
    same = np.all(np.isclose(out, images), axis=(1, 2, 3))
    assert np.all(gray | same)
    assert 60 <= gray.sum() <= 120, f"{gray.sum()} of 300 converted"
    luminance = images @ np.array([0.2989, 0.5870, 0.1140], "float32")
    np.testing.assert_allclose(out[gray, ..., 0], luminance[gray], atol=1e-3)
    assert _numpy(layers.RandomGrayscale(1.0)(images[:, :, :, :1], training=True)).shape == (300, 3, 3, 1)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="height"):
        layers.RandomCrop(0, 4)
    with pytest.raises(ValueError, match="width"):
        layers.RandomCrop(4, 2.5)
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomCrop(2, 2)(IMAGES[0, 0])
    with pytest.raises(ValueError, match="factor"):
        layers.RandomBrightness(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomBrightness((0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=255)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomGrayscale(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomGrayscale(-0.1)
    with pytest.raises(ValueError, match="tensor of images"):
        layers.RandomGrayscale()({"images": IMAGES})
