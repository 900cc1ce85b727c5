"""SpectralNormalization: numerically equal to Keras given the same kernel and `u` vector."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import run_layer_test
from lamina.testing.layer_test_case import keras_module


def _keras() -> Any:
    try:
        return keras_module()
    except ImportError:
        pytest.skip("keras is not installed")


def _pair(make: Any, keras_make: Any, inputs: np.ndarray, power_iterations: int) -> tuple:
    """A Lamina and a Keras SpectralNormalization with the same random weights."""
    keras = _keras()
    ours = layers.SpectralNormalization(make(lamina), power_iterations=power_iterations, name="sn")
    theirs = keras.layers.SpectralNormalization(keras_make(keras), power_iterations=power_iterations, name="sn")
    ours(inputs)
    theirs(inputs)
    # Keras lists the kernel before `vector_u` (tracking order) and Lamina after it, so match by path.
    rng = np.random.default_rng(1)
    values = {w.path: rng.normal(size=tuple(w.shape)).astype("float32") for w in ours.weights}
    assert set(values) == {w.path for w in theirs.weights}
    for variables in (ours.weights, theirs.weights):
        for variable in variables:
            variable.assign(values[variable.path])
    return ours, theirs


CASES = [
    (lambda m: m.layers.Dense(4, name="inner"), (3, 5)),
    (lambda m: m.layers.Conv2D(3, 2, name="inner"), (2, 5, 5, 2)),
    (lambda m: m.layers.Dense(6, use_bias=False, name="inner"), (2, 3, 4)),
]


@pytest.mark.parametrize("make,shape", CASES, ids=["dense", "conv2d", "dense-3d"])
@pytest.mark.parametrize("power_iterations", [1, 3])
def test_matches_keras_in_training_and_inference(backend: Any, make: Any, shape: tuple, power_iterations: int) -> None:
    inputs = np.random.default_rng(0).normal(size=shape).astype("float32")
    ours, theirs = _pair(make, make, inputs, power_iterations)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(inputs, training=False)), np.asarray(theirs(inputs, training=False)), atol=1e-5
    )
    for _ in range(2):  # training updates the kernel and u, identically
        got = ops.convert_to_numpy(ours(inputs, training=True))
        want = np.asarray(theirs(inputs, training=True))
        np.testing.assert_allclose(got, want, atol=1e-5)
        mine = {w.path: ops.convert_to_numpy(w) for w in ours.weights}
        for variable in theirs.weights:
            np.testing.assert_allclose(mine[variable.path], np.asarray(variable.numpy()), atol=1e-5)


def test_training_drives_spectral_norm_to_one(backend: Any) -> None:
    layer = layers.SpectralNormalization(layers.Dense(6), power_iterations=5)
    inputs = np.ones((2, 8), "float32")
    layer(inputs)
    layer.layer.kernel.assign(np.random.default_rng(2).normal(size=(8, 6)).astype("float32") * 3)
    for _ in range(10):
        layer(inputs, training=True)
    top = np.linalg.svd(ops.convert_to_numpy(layer.layer.kernel), compute_uv=False)[0]
    assert abs(top - 1.0) < 1e-3, top
    # An all-zero kernel is left alone (no division by zero).
    zero = layers.SpectralNormalization(layers.Dense(3, kernel_initializer="zeros"))
    out = ops.convert_to_numpy(zero(inputs, training=True))
    assert np.all(np.isfinite(out)) and np.all(ops.convert_to_numpy(zero.layer.kernel) == 0)


def test_harness_config_and_embedding(backend: Any) -> None:
    run_layer_test(
        layers.SpectralNormalization,
        {"layer": layers.Dense(3), "power_iterations": 2},
        input_data=np.random.default_rng(0).normal(size=(4, 5)).astype("float32"),
        expected_output_shape=(4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=1,
    )
    config = layers.SpectralNormalization(layers.Dense(3), power_iterations=2).get_config()
    assert config["power_iterations"] == 2 and config["layer"]["class_name"] == "Dense"
    embedding = layers.SpectralNormalization(layers.Embedding(10, 4))
    out = embedding(np.array([[1, 2, 3]]), training=True)
    assert tuple(out.shape) == (1, 3, 4) and "float" in str(out.dtype)
    model = lamina.Sequential([lamina.Input((5,)), layers.SpectralNormalization(layers.Dense(2))])
    u_before = ops.convert_to_numpy(model.layers[0].vector_u)
    # The compiled train step keeps the `u` updates; on torch and TensorFlow also the kernel's, so
    # with a tiny learning rate the kernel's spectral norm goes to 1. A JAX train step is stateless
    # and keeps the optimizer's kernel, not the normalized one: Keras-on-JAX does the same (its
    # kernel ends near 1.7 in this test; 1.0 on its torch and TensorFlow backends).
    model.compile(optimizer=lamina.optimizers.SGD(1e-5), loss="mse")
    model.fit(np.ones((8, 5), "float32"), np.zeros((8, 2), "float32"), epochs=20, verbose=0)
    assert not np.allclose(ops.convert_to_numpy(model.layers[0].vector_u), u_before)
    if lamina.config.backend() != "jax":
        kernel = ops.convert_to_numpy(model.layers[0].layer.kernel)
        assert abs(np.linalg.svd(kernel, compute_uv=False)[0] - 1.0) < 1e-2


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="layer"):
        layers.SpectralNormalization(layers.Dense)
    with pytest.raises(ValueError, match="kernel"):
        layers.SpectralNormalization(layers.ReLU())(np.ones((2, 3), "float32"))
