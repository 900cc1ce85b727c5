"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

CASES = [
    (layers.ReLU, {}, (3, 4)),
    (layers.ReLU, {"max_value": 1.0}, (3, 4)),
    (layers.ReLU, {"max_value": 6.0}, (3, 4)),
    (layers.ReLU, {"negative_slope": 0.2}, (3, 4)),
    (layers.ReLU, {"negative_slope": 0.1, "threshold": 0.5, "max_value": 1.5}, (3, 4)),
    (layers.ReLU, {"threshold": 0.3}, (3, 4)),
    (layers.LeakyReLU, {}, (3, 4)),
    (layers.LeakyReLU, {"negative_slope": 0.05}, (2, 3, 4)),
    (layers.ELU, {}, (3, 4)),
    (layers.ELU, {"alpha": 0.5}, (3, 4)),
    (layers.PReLU, {"alpha_initializer": "ones"}, (3, 4)),
    (layers.PReLU, {"shared_axes": [1, 2]}, (2, 3, 4, 5)),
    (layers.PReLU, {"shared_axes": 1, "alpha_regularizer": "l2"}, (2, 3, 4)),
    (layers.Softmax, {}, (3, 4)),
    (layers.Softmax, {"axis": 1}, (2, 3, 4)),
    (layers.Softmax, {"axis": [1, 2]}, (2, 3, 4)),
]
IDS = [
    "relu",
    "relu-max1",
    "relu6",
    "relu-slope",
    "relu-all",
    "relu-threshold",
    "leaky",
    "leaky-slope",
    "elu",
    "elu-alpha",
    "prelu",
    "prelu-shared",
    "prelu-int-axis",
    "softmax",
    "softmax-axis1",
    "softmax-axes",
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_harness_and_keras(backend: Any, cls: type, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape, expected_output_dtype="float32")
    layer = cls(**kwargs)
    x = (np.random.default_rng(0).normal(size=shape) * 2).astype("float32")
    layer(x)
    if layer.weights:
        rng = np.random.default_rng(1)
        layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    assert_matches_keras(layer, x)


def test_defaults_and_values(backend: Any) -> None:
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], "float32")
    assert layers.LeakyReLU().negative_slope == 0.3  # Keras 3's default
    np.testing.assert_allclose(ops.convert_to_numpy(layers.LeakyReLU()(x)), [-0.6, -0.15, 0.0, 0.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.ReLU(max_value=1.0, negative_slope=0.5, threshold=0.25)(x)),
        [-1.125, -0.375, -0.125, 0.5, 1.0],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.ELU(alpha=2.0)(x)), [2 * np.expm1(-2), 2 * np.expm1(-0.5), 0, 0.5, 2], rtol=1e-5
    )
    prelu = layers.PReLU(alpha_initializer="ones", shared_axes=[1])
    out = prelu(np.ones((2, 3, 4), "float32") * -1.0)
    assert tuple(prelu.alpha.shape) == (1, 4)
    np.testing.assert_allclose(ops.convert_to_numpy(out), -1.0)
    with pytest.warns(UserWarning, match="alpha"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1


def test_prelu_weights(backend: Any) -> None:
    run_layer_test(
        layers.PReLU,
        {"shared_axes": [1]},
        input_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


def test_softmax_mask_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    from lamina.testing.layer_test_case import keras_module

    keras = keras_module()
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    for mask in (
        np.array([[[1, 1, 0, 0]], [[1, 0, 1, 0]]], dtype=bool),  # (2, 1, 4), broadcast
        np.random.default_rng(1).uniform(size=(2, 3, 4)) > 0.3,
        np.array([1.0, 0.0, 1.0, 1.0], "float32"),  # float masks are thresholded at 0.5
    ):
        ours = ops.convert_to_numpy(layers.Softmax()(x, mask=mask))
        expected = keras.ops.convert_to_numpy(keras.layers.Softmax()(x, mask=mask))
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)
        full = np.broadcast_to(np.asarray(mask) > 0.5, x.shape)
        assert np.all(ours[~full] == 0.0)
        sums = ours.sum(axis=-1)
        np.testing.assert_allclose(sums[full.any(axis=-1)], 1.0, rtol=1e-5)


def test_softmax_receives_propagated_mask(backend: Any) -> None:
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    mask = np.array([[True, True, False], [True, False, False]])
    lambda_with_mask = layers.Lambda(lambda t: t, mask=lambda inputs, previous: ops.convert_to_tensor(mask)[..., None])
    out = ops.convert_to_numpy(layers.Softmax(axis=1)(lambda_with_mask(x)))
    assert np.all(out[~mask] == 0.0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.ReLU(negative_slope=None)
    with pytest.raises(ValueError, match="threshold"):
        layers.ReLU(threshold=-0.5)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="alpha"):
        layers.ELU(alpha="one")
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[3])(np.zeros((2, 3), "float32"))
    with pytest.raises(TypeError, match="axis"):
        layers.Softmax(axis="last")
    with pytest.raises(ValueError, match="broadcastable"):
        layers.Softmax()(np.zeros((2, 3), "float32"), mask=np.ones((2, 4), bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.LeakyReLU(negative_slope=0.0)
