"""The foundation layers on every backend: numbers against NumPy, shapes,
configs, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


def to_numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


def test_dense_matches_numpy(backend: Any, rng: np.random.Generator) -> None:
    layer = layers.Dense(3, activation="tanh")
    x = rng.normal(size=(4, 5)).astype("float32")
    y = to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y, np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)
    assert [v.path for v in layer.weights] == [f"{layer.name}/kernel", f"{layer.name}/bias"]
    assert layer.count_params() == 5 * 3 + 3


def test_dense_defaults_follow_keras(backend: Any) -> None:
    layer = layers.Dense(4)
    assert isinstance(layer.kernel_initializer, keras.initializers.GlorotUniform)
    assert isinstance(layer.bias_initializer, keras.initializers.Zeros)
    assert layer.activation is keras.activations.linear
    layer.build((None, 8))
    limit = np.sqrt(6 / (8 + 4))
    kernel = layer.kernel.numpy()
    assert kernel.shape == (8, 4) and np.abs(kernel).max() <= limit
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(4))


def test_dense_on_higher_rank_inputs(backend: Any) -> None:
    layer = layers.Dense(2)
    assert tuple(ops.shape(layer(np.ones((3, 4, 5), "float32")))) == (3, 4, 2)
    assert layer(keras.Input((7, 5))).shape == (None, 7, 2)


def test_dense_wrong_last_dimension_names_layer_and_shapes(backend: Any) -> None:
    layer = layers.Dense(3, name="classifier")
    layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError) as info:
        layer(np.ones((2, 5), "float32"))
    message = str(info.value)
    assert '"classifier"' in message and "4" in message and "(2, 5)" in message


def test_dense_rejects_bad_units() -> None:
    with pytest.raises(ValueError, match="Received: units=0"):
        layers.Dense(0)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments passed to Dense"):
        layers.Dense(2, unknown_argument=1)


def test_regularizers_add_losses(backend: Any) -> None:
    layer = layers.Dense(
        2, kernel_regularizer="l2", bias_regularizer=keras.regularizers.L1(0.5), bias_initializer="ones"
    )
    layer(np.ones((1, 3), "float32"))
    kernel = layer.kernel.numpy()
    losses = [float(to_numpy(loss)) for loss in layer.losses]
    np.testing.assert_allclose(losses, [0.01 * np.sum(kernel**2), 0.5 * 2], rtol=1e-5)
    combined = keras.regularizers.l1_l2(l1=0.1, l2=0.2)
    np.testing.assert_allclose(float(to_numpy(combined(ops.ones((2,))))), 0.1 * 2 + 0.2 * 2, rtol=1e-6)


def test_activation_layer_and_functions(backend: Any, rng: np.random.Generator) -> None:
    x = rng.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(to_numpy(layers.Activation("relu")(x)), np.maximum(x, 0))
    soft = to_numpy(layers.Activation("softmax")(x))
    np.testing.assert_allclose(soft.sum(axis=-1), np.ones(3), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(keras.activations.relu(x, max_value=0.5)), np.clip(x, 0, 0.5), rtol=1e-6)
    with pytest.raises(ValueError, match="Valid activation names"):
        layers.Activation("relux")


def test_dropout_training_and_inference(backend: Any) -> None:
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((50, 40), "float32")
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    dropped = to_numpy(layer(x, training=True))
    assert 0.4 < (dropped == 0).mean() < 0.6
    np.testing.assert_allclose(dropped[dropped != 0], 2.0)
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_flatten_and_reshape(backend: Any) -> None:
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(to_numpy(layers.Flatten()(x)), x.reshape(2, 12))
    np.testing.assert_array_equal(to_numpy(layers.Reshape((4, 3))(x)), x.reshape(2, 4, 3))
    np.testing.assert_array_equal(to_numpy(layers.Reshape((-1, 2))(x)), x.reshape(2, 6, 2))
    assert layers.Flatten()(keras.Input((3, 4))).shape == (None, 12)
    assert layers.Reshape((2, -1))(keras.Input((3, 4))).shape == (None, 2, 6)
    with pytest.raises(ValueError, match="total size"):
        layers.Reshape((5,))(keras.Input((3, 4)))


def test_merging_layers(backend: Any, rng: np.random.Generator) -> None:
    a = rng.normal(size=(2, 3)).astype("float32")
    b = rng.normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(to_numpy(layers.Add()([a, b])), a + b, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(layers.Subtract()([a, b])), a - b, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(layers.Multiply()([a, b])), a * b, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(layers.Average()([a, b])), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(layers.Maximum()([a, b])), np.maximum(a, b))
    np.testing.assert_allclose(to_numpy(layers.Concatenate()([a, b])), np.concatenate([a, b], -1))
    np.testing.assert_allclose(to_numpy(layers.Concatenate(axis=0)([a, b])), np.concatenate([a, b], 0))
    assert layers.Concatenate()([keras.Input((3,)), keras.Input((4,))]).shape == (None, 7)
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([keras.Input((3,)), keras.Input((4,))])


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.Dense(3, activation="relu", kernel_regularizer="l2", name="d"),
        lambda: layers.Activation("sigmoid"),
        lambda: layers.Dropout(0.3, seed=2, noise_shape=(None, 1)),
        lambda: layers.Flatten(),
        lambda: layers.Reshape((2, 2)),
        lambda: layers.Concatenate(axis=1),
        lambda: layers.Add(),
    ],
    ids=["dense", "activation", "dropout", "flatten", "reshape", "concatenate", "add"],
)
def test_config_round_trip(backend: Any, make: Any) -> None:
    layer = make()
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["module"] == "keras.layers" and serialized["class_name"] == type(layer).__name__
    assert type(keras.saving.deserialize_keras_object(serialized)) is type(layer)


def test_custom_layer_with_nested_layers_and_weights(backend: Any) -> None:
    class Block(keras.layers.Layer):
        def __init__(self, units: int = 4, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.units = units
            self.inner = [layers.Dense(units), layers.Dense(units)]

        def build(self, input_shape: Any) -> None:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
            self.counter = self.add_weight(shape=(), initializer="zeros", trainable=False, name="counter")

        def call(self, inputs: Any) -> Any:
            return self.inner[1](self.inner[0](inputs)) * self.scale

    block = Block(name="block")
    block(np.ones((2, 3), "float32"))
    assert len(block.weights) == 2 + 4
    assert [v.name for v in block.trainable_weights][:1] == ["scale"]
    assert [v.name for v in block.non_trainable_weights] == ["counter"]
    assert block.get_config()["units"] == 4
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 6
    assert all(not v.trainable for v in block.inner[0].weights)


def test_layer_keeps_backend_when_default_changes() -> None:
    from lamina.backend import installed_backends, state

    names = installed_backends()
    if len(names) < 2:
        pytest.skip("needs two installed backends")
    first, second = names[0], names[1]
    previous = state.default_or_none()
    try:
        keras.config.set_backend(first)
        layer = layers.Dense(2)
        layer(np.ones((1, 3), "float32"))
        keras.config.set_backend(second)
        assert keras.config.backend() == second
        output = layer(np.ones((1, 3), "float32"))
        assert layer.backend.name == first
        assert layer.backend.core.is_tensor(output)
        assert layers.Dense(2).backend.name == second
    finally:
        state.set_default(previous)
