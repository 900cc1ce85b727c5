"""RandomFlip, RandomRotation, RandomZoom, RandomTranslation and RandomContrast.

Keras draws its random numbers differently on each backend, so training-mode
outputs are compared with Keras only where they are deterministic (inference,
and degenerate factor ranges such as `factor=(0.25, 0.25)`, a fixed 90°
turn); the random behaviour is checked with statistics and seeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, size=(4, 8, 8, 3)).astype("float32")
RANDOM_LAYERS = [
    (layers.RandomFlip, {"mode": "horizontal"}),
    (layers.RandomRotation, {"factor": 0.2}),
    (layers.RandomZoom, {"height_factor": 0.2, "width_factor": (-0.3, 0.1)}),
    (layers.RandomTranslation, {"height_factor": 0.2, "width_factor": 0.1, "fill_mode": "constant"}),
    (layers.RandomContrast, {"factor": (0.3, 0.5), "value_range": (0, 1)}),
]
IDS = ["flip", "rotation", "zoom", "translation", "contrast"]


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=IDS)
def test_random_layers_harness_and_inference(backend: Any, keras: Any, cls: type, kwargs: dict) -> None:
    run_layer_test(
        cls,
        {**kwargs, "seed": 1},
        input_data=IMAGES,
        expected_output_shape=IMAGES.shape,
        expected_output_dtype="float32",
        expected_num_seed_generators=1,
        expected_num_trainable_weights=0,
    )
    layer = cls(**kwargs, seed=1)
    np.testing.assert_allclose(_numpy(layer(IMAGES, training=False)), IMAGES)
    assert_matches_keras(layer, IMAGES, call_kwargs={"training": False})
    assert_matches_keras(cls(**kwargs), IMAGES[0], call_kwargs={"training": False})
    # A model's predict runs in inference mode: the identity.
    model = lamina.Sequential([lamina.Input((8, 8, 3)), cls(**kwargs, seed=1)])
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), IMAGES, atol=1e-6)


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=IDS)
def test_random_layers_are_seeded(backend: Any, cls: type, kwargs: dict) -> None:
    first = cls(**kwargs, seed=7)
    second = cls(**kwargs, seed=7)
    a = _numpy(first(IMAGES, training=True))
    np.testing.assert_allclose(a, _numpy(second(IMAGES, training=True)))
    # The generator advances: the next call draws new parameters.
    assert any(not np.allclose(_numpy(first(IMAGES, training=True)), a) for _ in range(3))
    # Without `training` a direct call augments, as in Keras.
    assert not np.allclose(_numpy(cls(**kwargs, seed=7)(IMAGES)), IMAGES)


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.RandomRotation, {"factor": (0.25, 0.25), "fill_mode": "constant"}, (2, 8, 8, 3)),
        (layers.RandomRotation, {"factor": (-0.1, -0.1), "fill_mode": "reflect"}, (2, 7, 9, 2)),
        (
            layers.RandomRotation,
            {"factor": (0.05, 0.05), "interpolation": "nearest", "fill_mode": "wrap"},
            (2, 7, 9, 2),
        ),
        (layers.RandomZoom, {"height_factor": (0.3, 0.3), "width_factor": (-0.2, -0.2)}, (2, 7, 9, 2)),
        (layers.RandomZoom, {"height_factor": (-0.25, -0.25), "fill_mode": "nearest"}, (2, 7, 9, 2)),
        (layers.RandomTranslation, {"height_factor": (0.2, 0.2), "width_factor": (-0.15, -0.15)}, (2, 7, 9, 2)),
        (
            layers.RandomTranslation,
            {"height_factor": (0.1, 0.1), "width_factor": (0.3, 0.3), "fill_mode": "constant", "fill_value": 0.5},
            (2, 7, 9, 2),
        ),
        (layers.RandomRotation, {"factor": (0.1, 0.1), "data_format": "channels_first"}, (2, 2, 7, 9)),
    ],
)
def test_fixed_transformations_match_keras(backend: Any, keras: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    images = RNG.uniform(0, 1, size=shape).astype("float32")
    assert_matches_keras(cls(**kwargs), images, call_kwargs={"training": True}, tolerance=1e-4)


def test_random_flip_flips_about_half_the_images(backend: Any) -> None:
    images = RNG.uniform(size=(200, 4, 5, 1)).astype("float32")
    for mode, axes in [("horizontal", (2,)), ("vertical", (1,)), ("horizontal_and_vertical", (1, 2))]:
        out = _numpy(layers.RandomFlip(mode, seed=3)(images, training=True))
        flipped = np.flip(images, axis=axes)
        is_flipped = np.all(np.isclose(out, flipped), axis=(1, 2, 3))
        is_same = np.all(np.isclose(out, images), axis=(1, 2, 3))
        assert np.all(is_flipped | is_same), mode
        assert 70 <= is_flipped.sum() <= 130, f"{mode}: {is_flipped.sum()} of 200 flipped"


def test_random_rotation_turns_and_keeps_mass(backend: Any) -> None:
    images = np.zeros((32, 15, 15, 1), "float32")
    images[:, 5:10, 4:11] = 1.0  # a blob away from the borders
    quarter = _numpy(layers.RandomRotation((0.25, 0.25), fill_mode="constant")(images[:2], training=True))
    np.testing.assert_allclose(quarter, np.rot90(images[:2], k=1, axes=(1, 2)), atol=1e-5)
    rotated = _numpy(layers.RandomRotation(0.5, fill_mode="constant", seed=4)(images, training=True))
    np.testing.assert_allclose(rotated.sum(axis=(1, 2, 3)), images.sum(axis=(1, 2, 3)), rtol=0.08)
    assert sum(not np.allclose(r, i) for r, i in zip(rotated, images)) > 28


def test_random_zoom_and_translation_move_content(backend: Any) -> None:
    images = np.zeros((16, 10, 10, 1), "float32")
    images[:, 4:6, 4:6] = 1.0
    zoomed_in = _numpy(layers.RandomZoom((-0.5, -0.5), fill_mode="constant")(images, training=True))
    assert np.all(zoomed_in.sum(axis=(1, 2, 3)) > 3.5 * images[0].sum())  # 2x in both directions
    shifted = _numpy(layers.RandomTranslation((0.2, 0.2), (-0.1, -0.1), fill_mode="constant")(images, training=True))
    np.testing.assert_allclose(shifted[0, 6:8, 3:5, 0], 1.0, atol=1e-5)  # 2 rows down, 1 column left
    assert np.isclose(shifted[0].sum(), images[0].sum())
    amounts = _numpy(layers.RandomTranslation(0.3, 0.3, fill_mode="constant", seed=5)(images, training=True))
    rows = (amounts[..., 0] * np.arange(10)[None, :, None]).sum(axis=(1, 2)) / amounts.sum(axis=(1, 2, 3))
    assert np.all(np.abs(rows - 4.5) <= 3.0 + 1e-4) and rows.std() > 0.3


def test_random_contrast_statistics(backend: Any, keras: Any) -> None:
    images = RNG.uniform(0.3, 0.7, size=(64, 6, 6, 3)).astype("float32")
    layer = layers.RandomContrast((0.4, 0.4), value_range=(-10, 10), seed=2)
    out = _numpy(layer(images, training=True))
    np.testing.assert_allclose(out.mean(axis=(1, 2)), images.mean(axis=(1, 2)), atol=1e-5)
    ratio = out.std(axis=(1, 2)) / images.std(axis=(1, 2))
    assert np.all(ratio >= 0.6 - 1e-4) and np.all(ratio <= 1.4 + 1e-4)
    assert np.all(np.isclose(ratio, ratio[:, :1], rtol=1e-3)), "one factor per image"
    assert ratio.min() < 0.8 and ratio.max() > 1.2
    clipped = _numpy(layers.RandomContrast(1.0, value_range=(0, 1), seed=2)(images * 2 - 0.5, training=True))
    assert clipped.min() >= 0 and clipped.max() <= 1
    # Keras 3 turns a single factor f into (0, f): contrast in [1, 1 + f]; same config.
    assert layers.RandomContrast(0.2).factor == keras.layers.RandomContrast(0.2).factor == (0, 0.2)
    boosted = _numpy(layers.RandomContrast(0.5, value_range=(-10, 10), seed=1)(images, training=True))
    assert np.all(boosted.std(axis=(1, 2)) >= images.std(axis=(1, 2)) * (1 - 1e-4))


def test_random_layers_reject_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation((0.1, 0.2, 0.3))
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomRotation(0.1, fill_mode="mirror_image")
    with pytest.raises(NotImplementedError, match="interpolation"):
        layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="width_factor"):
        layers.RandomTranslation(0.1, 1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomContrast(-0.5)
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomContrast(0.5, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="tensor of images"):
        layers.RandomFlip()({"images": IMAGES})
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomRotation(0.1)(IMAGES[0, 0])
