"""`lamina.ops.image` against `keras.ops.image` (Keras on JAX), on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.backend import SymbolicTensor

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, (2, 9, 12, 3)).astype("float32")


def _close(ours: Any, reference: Any, atol: float = 1e-5) -> None:
    ours = ops.convert_to_numpy(ours)
    reference = np.asarray(reference)
    assert ours.shape == reference.shape
    assert ours.dtype == reference.dtype
    np.testing.assert_allclose(ours.astype("float64"), reference.astype("float64"), rtol=1e-5, atol=atol)


def _rotation(angle: float, zoom: float, shift: tuple, height: int = 9, width: int = 12) -> list:
    cos, sin = np.cos(angle) * zoom, np.sin(angle) * zoom
    cx, cy = (width - 1) / 2, (height - 1) / 2
    return [cos, -sin, shift[0] + cx - cx * cos + cy * sin, sin, cos, shift[1] + cy - cx * sin - cy * cos, 0, 0]


TRANSFORMS = np.array([_rotation(0.4, 1.3, (2.5, -1.5)), _rotation(-1.1, 0.7, (-3.0, 0.5))], "float32")


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3"])
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("aspect", ["stretch", "crop", "pad"])
def test_resize_matches_keras(backend: Any, keras: Any, interpolation: str, antialias: bool, aspect: str) -> None:
    extra = {"crop": {"crop_to_aspect_ratio": True}, "pad": {"pad_to_aspect_ratio": True, "fill_value": 0.5}}
    for size in [(5, 7), (13, 20), (9, 5)]:
        for data_format in ("channels_last", "channels_first"):
            images = IMAGES if data_format == "channels_last" else np.transpose(IMAGES, (0, 3, 1, 2))
            kwargs = dict(interpolation=interpolation, antialias=antialias, data_format=data_format)
            kwargs.update(extra.get(aspect, {}))
            _close(ops.image.resize(images, size, **kwargs), keras.ops.image.resize(images, size, **kwargs))


def test_resize_integer_images_and_single_image(backend: Any, keras: Any) -> None:
    images = (IMAGES * 255).astype("uint8")
    for interpolation in ("bilinear", "nearest"):
        ours = ops.image.resize(images, (5, 7), interpolation=interpolation)
        assert ops.dtype(ours) == "uint8"
        # Rounding of exact halves may differ by one step with summation order.
        _close(ours, keras.ops.image.resize(images, (5, 7), interpolation=interpolation), atol=1)
    _close(ops.image.resize(IMAGES[0], (4, 4)), keras.ops.image.resize(IMAGES[0], (4, 4)))


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras(backend: Any, keras: Any, fill_mode: str, interpolation: str) -> None:
    shift = np.array([[1, 0, -2.5, 0, 1, 1.5, 0, 0], [1, 0, 0.5, 0, 1, -0.5, 0, 0]], "float32")
    for transform in (TRANSFORMS, shift):
        for data_format in ("channels_last", "channels_first"):
            images = IMAGES if data_format == "channels_last" else np.transpose(IMAGES, (0, 3, 1, 2))
            kwargs = dict(interpolation=interpolation, fill_mode=fill_mode, fill_value=0.25, data_format=data_format)
            _close(
                ops.image.affine_transform(images, transform, **kwargs),
                keras.ops.image.affine_transform(images, transform, **kwargs),
            )
    _close(
        ops.image.affine_transform(IMAGES[0], TRANSFORMS[0]), keras.ops.image.affine_transform(IMAGES[0], TRANSFORMS[0])
    )


def test_affine_transform_identity_and_integer_images(backend: Any, keras: Any) -> None:
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(ops.image.affine_transform(IMAGES, identity)), IMAGES, atol=1e-6)
    images = (IMAGES * 255).astype("uint8")
    out = ops.image.affine_transform(images, TRANSFORMS, fill_mode="reflect")
    assert ops.dtype(out) == "uint8"
    _close(out, keras.ops.image.affine_transform(images, TRANSFORMS, fill_mode="reflect"), atol=1)


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates_matches_keras(backend: Any, keras: Any, fill_mode: str) -> None:
    inputs = RNG.uniform(size=(6, 7)).astype("float32")
    coordinates = RNG.uniform(-3, 9, size=(2, 4, 5)).astype("float32")
    for order in (0, 1):
        _close(
            ops.image.map_coordinates(inputs, coordinates, order, fill_mode, 0.5),
            keras.ops.image.map_coordinates(inputs, coordinates, order, fill_mode, 0.5),
        )


def test_image_ops_infer_shapes_symbolically(backend: Any) -> None:
    images = SymbolicTensor((None, 9, 12, 3))
    assert ops.image.resize(images, (4, 5)).shape == (None, 4, 5, 3)
    assert ops.image.resize(SymbolicTensor((None, 3, 9, 12)), (4, 5), data_format="channels_first").shape == (
        None,
        3,
        4,
        5,
    )
    assert ops.image.affine_transform(images, SymbolicTensor((None, 8))).shape == (None, 9, 12, 3)


def test_image_ops_are_differentiable_in_a_compiled_step(backend: Any) -> None:
    model = lamina.Sequential(
        [
            lamina.Input((9, 12, 3)),
            lamina.layers.Resizing(6, 6),
            lamina.layers.RandomRotation(0.1, seed=1),
            lamina.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=2),
            lamina.layers.Flatten(),
            lamina.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(IMAGES, np.ones((2, 1), "float32"), epochs=2, batch_size=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.predict(IMAGES, verbose=0).shape == (2, 1)


def test_image_ops_reject_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(IMAGES, (4, 4), interpolation="area")
    with pytest.raises(ValueError, match="size"):
        ops.image.resize(IMAGES, (4, 4, 4))
    with pytest.raises(ValueError, match="Only one of"):
        ops.image.resize(IMAGES, (4, 4), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="rank"):
        ops.image.resize(IMAGES[0, 0], (4, 4))
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.affine_transform(IMAGES, TRANSFORMS, fill_mode="bogus")
    with pytest.raises(ValueError, match="transform"):
        ops.image.affine_transform(IMAGES, np.zeros((2, 6), "float32"))
    with pytest.raises(ValueError, match="data_format"):
        ops.image.resize(IMAGES, (4, 4), data_format="NHWC")
    with pytest.raises(ValueError, match="order"):
        ops.image.map_coordinates(IMAGES[0, :, :, 0], np.zeros((2, 3), "float32"), order=3)
