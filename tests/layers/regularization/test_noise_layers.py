"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

RANDOM_CASES = [
    (layers.SpatialDropout1D, {"rate": 0.5}, (2, 3, 4)),
    (layers.SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 4, 5)),
    (layers.SpatialDropout2D, {"rate": 0.5}, (2, 3, 4, 5)),
    (layers.SpatialDropout3D, {"rate": 0.5, "data_format": "channels_last"}, (2, 3, 4, 2, 3)),
    (layers.GaussianNoise, {"stddev": 0.5, "seed": 1}, (2, 3)),
    (layers.GaussianDropout, {"rate": 0.3, "seed": 1}, (2, 3)),
    (layers.AlphaDropout, {"rate": 0.3, "seed": 1}, (2, 3)),
    (layers.AlphaDropout, {"rate": 0.3, "noise_shape": (None, 1, 4)}, (2, 3, 4)),
]
RANDOM_IDS = ["sd1d", "sd2d-cf", "sd2d", "sd3d", "gnoise", "gdropout", "alpha", "alpha-noise-shape"]


@pytest.mark.parametrize("cls,kwargs,shape", RANDOM_CASES, ids=RANDOM_IDS)
def test_harness_and_keras_at_inference(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1,
        supports_masking=True,
    )
    run_layer_test(cls, kwargs, input_shape=shape, call_kwargs={"training": True}, expected_output_shape=shape)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer = cls(**kwargs)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)  # identity at inference
    assert_matches_keras(layer, x)


@pytest.mark.parametrize("cls,kwargs,shape", RANDOM_CASES, ids=RANDOM_IDS)
def test_seeded_reproducibility(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    kwargs = {**kwargs, "seed": 7}
    x = np.random.default_rng(0).normal(size=(16,) + shape[1:]).astype("float32")
    first, second = cls(**kwargs), cls(**kwargs)
    a1, a2 = (ops.convert_to_numpy(first(x, training=True)) for _ in range(2))
    b1 = ops.convert_to_numpy(second(x, training=True))
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a1, a2), "two training calls drew the same noise"


@pytest.mark.parametrize(
    "cls,kwargs,shape,channel_axis",
    [
        (layers.SpatialDropout1D, {}, (64, 10, 32), 2),
        (layers.SpatialDropout2D, {"data_format": "channels_last"}, (32, 4, 5, 16), 3),
        (layers.SpatialDropout2D, {"data_format": "channels_first"}, (32, 16, 4, 5), 1),
        (layers.SpatialDropout3D, {"data_format": "channels_last"}, (16, 3, 3, 3, 16), 4),
        (layers.SpatialDropout3D, {"data_format": "channels_first"}, (16, 16, 3, 3, 3), 1),
    ],
    ids=["1d", "2d-last", "2d-first", "3d-last", "3d-first"],
)
def test_spatial_dropout_drops_whole_channels(
    backend: Any, cls: type, kwargs: dict, shape: tuple, channel_axis: int
) -> None:
    rate = 0.4
    out = ops.convert_to_numpy(cls(rate, seed=3, **kwargs)(np.ones(shape, "float32"), training=True))
    assert set(np.unique(out)) <= {0.0, np.float32(1 / (1 - rate))}
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    # Each (sample, channel) map is dropped or kept as a whole.
    assert np.all(out.min(axis=spatial) == out.max(axis=spatial))
    dropped = float(np.mean(out.max(axis=spatial) == 0.0))
    assert abs(dropped - rate) < 0.12, dropped


def test_spatial_dropout_default_data_format_follows_config(backend: Any) -> None:
    previous = lamina.config.image_data_format()
    try:
        lamina.config.set_image_data_format("channels_first")
        assert layers.SpatialDropout2D(0.1).data_format == "channels_first"
    finally:
        lamina.config.set_image_data_format(previous)
    assert layers.SpatialDropout3D(0.1).data_format == previous
    config = layers.SpatialDropout1D(0.2, seed=1, name="sd").get_config()
    assert set(config) == {"rate", "seed", "name", "dtype"}  # Keras's SpatialDropout takes only these


def test_gaussian_noise_statistics(backend: Any) -> None:
    x = np.full((200, 100), 3.0, "float32")
    noise = ops.convert_to_numpy(layers.GaussianNoise(0.5, seed=2)(x, training=True)) - x
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.5) < 0.01


def test_gaussian_dropout_statistics(backend: Any) -> None:
    rate = 0.2
    x = np.full((200, 100), 2.0, "float32")
    factor = ops.convert_to_numpy(layers.GaussianDropout(rate, seed=2)(x, training=True)) / x
    assert abs(factor.mean() - 1.0) < 0.01
    assert abs(factor.std() - math.sqrt(rate / (1 - rate))) < 0.01


def test_alpha_dropout_keeps_mean_and_variance(backend: Any) -> None:
    rate = 0.3
    x = np.random.default_rng(4).normal(size=(400, 100)).astype("float32")
    out = ops.convert_to_numpy(layers.AlphaDropout(rate, seed=5)(x, training=True))
    assert abs(out.mean()) < 0.02
    assert abs(out.var() - 1.0) < 0.03
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    dropped_value = a * alpha_p - a * alpha_p * rate
    dropped = np.isclose(out, dropped_value, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] - a * alpha_p * rate, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "layer_factory",
    [
        lambda: layers.GaussianNoise(0.1, seed=1),
        lambda: layers.GaussianDropout(0.1, seed=1),
        lambda: layers.AlphaDropout(0.1, seed=1),
        lambda: layers.SpatialDropout1D(0.1, seed=1),
    ],
    ids=["gnoise", "gdropout", "alpha", "spatial"],
)
def test_fit_with_a_partial_last_batch(backend: Any, layer_factory: Any) -> None:
    if not backend.supports_training:
        pytest.skip(f"The {backend.name!r} backend is inference-only.")
    inputs = lamina.Input((3, 4))
    outputs = layers.Dense(2)(layer_factory()(inputs))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(11, 3, 4)).astype("float32")
    history = model.fit(x, np.zeros((11, 3, 2), "float32"), batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x, verbose=0))


def test_activity_regularization(backend: Any) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.ActivityRegularization,
        {"l1": 0.1, "l2": 0.2},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_num_losses=1,
        supports_masking=True,
    )
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    layer = layers.ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)
    (loss,) = layer.losses
    expected = (0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()) / 4
    np.testing.assert_allclose(ops.convert_to_numpy(loss), expected, rtol=1e-5)
    assert "activity_regularizer" not in layer.get_config()
    assert_matches_keras(layer, x)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="rate"):
        layers.SpatialDropout1D(1.5)
    with pytest.raises(ValueError, match="data_format"):
        layers.SpatialDropout2D(0.5, data_format="channels_middle")
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-0.1)
    with pytest.raises(ValueError, match=r"rate.*\[0, 1\)"):
        layers.GaussianDropout(1.0)
    with pytest.raises(ValueError, match="rate"):
        layers.AlphaDropout("half")
    with pytest.raises(ValueError, match="noise_shape"):
        layers.AlphaDropout(0.5, noise_shape=(None, 0))
    with pytest.raises(ValueError, match="l1"):
        layers.ActivityRegularization(l1=-1.0)
    with pytest.raises(ValueError, match="ndim=3"):
        layers.SpatialDropout1D(0.5)(np.zeros((2, 3), "float32"))
