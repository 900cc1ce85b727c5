"""BatchNormalization: harness, Keras parity in both modes, moving statistics, masks, fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test


def _data(shape: tuple, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=shape) * 3.0 + 1.5).astype("float32")


def test_harness(backend: Any) -> None:
    run_layer_test(
        layers.BatchNormalization,
        {"gamma_regularizer": "l2"},
        input_shape=(4, 3),
        expected_output_shape=(4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=2,
        expected_num_losses=1,
        supports_masking=True,
    )
    run_layer_test(
        layers.BatchNormalization,
        {"axis": 1, "center": False, "scale": False},
        input_shape=(2, 3, 4, 4),
        expected_output_shape=(2, 3, 4, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=2,
    )
    run_layer_test(
        layers.BatchNormalization,
        {"renorm": True, "renorm_clipping": {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0}},
        input_shape=(4, 3),
        call_kwargs={"training": True},
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=5,
    )


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({}, (6, 4)),
        ({"axis": 1, "momentum": 0.8, "epsilon": 1e-2}, (3, 4, 5)),
        ({"axis": -1, "center": False}, (2, 3, 4, 5)),
        ({"scale": False, "beta_initializer": "ones"}, (5, 2, 3)),
    ],
    ids=["2d", "axis1", "4d-nocenter", "noscale"],
)
def test_matches_keras(backend: Any, kwargs: dict, shape: tuple, training: bool) -> None:
    pytest.importorskip("keras")
    layer = layers.BatchNormalization(**kwargs)
    x = _data(shape)
    layer(x)  # build, then move the statistics away from their initial values
    layer.moving_mean.assign(np.linspace(-1.0, 1.0, layer.moving_mean.shape[0]).astype("float32"))
    layer.moving_variance.assign(np.linspace(0.5, 2.0, layer.moving_variance.shape[0]).astype("float32"))
    assert_matches_keras(layer, x, call_kwargs={"training": training})


def test_renorm_matches_keras_in_training(backend: Any) -> None:
    pytest.importorskip("keras")
    layer = layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.5, "rmin": 0.7, "dmax": 0.5})
    assert_matches_keras(layer, _data((8, 3)), call_kwargs={"training": True})


def test_moving_statistics_update(backend: Any) -> None:
    layer = layers.BatchNormalization(momentum=0.9)
    x = _data((16, 3))
    layer(x, training=True)
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * mean, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5, atol=1e-5)
    # Training output uses the batch statistics.
    out = ops.convert_to_numpy(layer(x, training=True))
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    # Inference uses the moving statistics and changes nothing.
    before = layer.moving_mean.numpy().copy()
    out = ops.convert_to_numpy(layer(x))
    expected = (x - layer.moving_mean.numpy()) / np.sqrt(layer.moving_variance.numpy() + 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_frozen_layer_runs_in_inference_mode(backend: Any) -> None:
    layer = layers.BatchNormalization()
    x = _data((8, 2))
    layer.build(x.shape)
    layer.trainable = False
    out = ops.convert_to_numpy(layer(x, training=True))
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(2, "float32"))


def test_masked_statistics_match_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    x = _data((3, 5, 4))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], dtype=bool)
    layer = layers.BatchNormalization(momentum=0.5)
    out = layer(x, training=True, mask=mask)
    kept = x[mask]  # (9, 4): the statistics ignore masked timesteps
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.5 * kept.mean(axis=0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.5 + 0.5 * kept.var(axis=0), rtol=1e-4, atol=1e-5)
    from lamina.testing.layer_test_case import keras_module

    keras = keras_module()
    reference = keras.layers.BatchNormalization(momentum=0.5)
    expected = reference(x, training=True, mask=mask)
    np.testing.assert_allclose(ops.convert_to_numpy(out), keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        layer.moving_variance.numpy(), keras.ops.convert_to_numpy(reference.moving_variance), rtol=1e-5, atol=1e-5
    )


def test_mask_from_masking_layer_reaches_batch_normalization(backend: Any) -> None:
    x = _data((2, 4, 3))
    x[0, 2:] = 0.0
    masked = layers.Masking()(x)
    layer = layers.BatchNormalization(momentum=0.0)
    layer(masked, training=True)
    kept = x[[0, 0, 1, 1, 1, 1], [0, 1, 0, 1, 2, 3]]
    np.testing.assert_allclose(layer.moving_mean.numpy(), kept.mean(axis=0), rtol=1e-4, atol=1e-5)


def test_fit_updates_moving_statistics_and_predict_uses_them(backend: Any) -> None:
    if not backend.supports_training:
        pytest.skip(f"The {backend.name!r} backend is inference-only.")
    x = _data((32, 3), seed=1)
    inputs = lamina.Input((3,))
    bn = layers.BatchNormalization(momentum=0.5)
    model = lamina.Model(inputs, bn(inputs))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((32, 3), "float32"), batch_size=32, epochs=3, verbose=0)
    # Each step moves the statistics halfway towards the batch ones (the
    # batch is the same every epoch): 1 - 0.5**3 of the way.
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.875 * x.mean(axis=0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.125 + 0.875 * x.var(axis=0), rtol=1e-4, atol=1e-4)
    gamma, beta = bn.gamma.numpy(), bn.beta.numpy()
    expected = (x - bn.moving_mean.numpy()) / np.sqrt(bn.moving_variance.numpy() + 1e-3) * gamma + beta
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
    before = bn.moving_mean.numpy().copy()
    model.evaluate(x, np.zeros((32, 3), "float32"), verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)


def test_stateless_call_returns_updated_statistics(backend: Any) -> None:
    layer = layers.BatchNormalization(momentum=0.0)
    x = _data((8, 2))
    layer.build(x.shape)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]
    _, updated = layer.stateless_call(trainable, non_trainable, x, training=True)
    np.testing.assert_allclose(ops.convert_to_numpy(updated[0]), x.mean(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(2, "float32"))


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="momentum"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match="epsilon"):
        layers.BatchNormalization(epsilon=-1.0)
    with pytest.raises(ValueError, match="synchronized=False"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match="renorm_clipping"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmaxx": 1.0})
    with pytest.raises(ValueError, match="rmax"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0})
    with pytest.raises(ValueError, match="out of bounds"):
        layers.BatchNormalization(axis=3)(np.zeros((2, 3), "float32"))
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="one dimension less"):
        layer(np.zeros((2, 3), "float32"), training=True, mask=np.ones((2, 3), bool))
