"""Dtype policies and mixed precision (as Keras 3's), on every backend."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.testing.layer_test_case import keras_module

# float16 keeps ~3 significant digits, bfloat16 ~2: outputs of small models
# agree with their float32 counterparts (and with Keras) to about this much.
TOLERANCE = {"mixed_float16": 2e-2, "mixed_bfloat16": 6e-2}
MIXED = ["mixed_float16", "mixed_bfloat16"]


@pytest.fixture(autouse=True)
def restore_policy() -> Iterator[None]:
    yield
    keras.config.set_dtype_policy(None)


def _values(x: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x)).astype("float32")


# -- policy objects ------------------------------------------------------------
def test_policy_dtypes_and_names() -> None:
    policy = keras.dtype_policies.DTypePolicy("mixed_float16")
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == ("mixed_float16", "float16", "float32")
    bf16 = keras.mixed_precision.Policy("mixed_bfloat16")
    assert (bf16.compute_dtype, bf16.variable_dtype) == ("bfloat16", "float32")
    assert keras.dtype_policies.DTypePolicy("float64").compute_dtype == "float64"
    assert repr(policy) == '<DTypePolicy "mixed_float16">'
    assert keras.dtype_policies.FloatDTypePolicy("mixed_float16") == policy
    assert keras.mixed_precision.DTypePolicy is keras.dtype_policies.DTypePolicy


def test_policy_errors() -> None:
    with pytest.raises(ValueError, match="Cannot convert 'mixed_float8'"):
        keras.dtype_policies.DTypePolicy("mixed_float8")
    with pytest.raises(TypeError, match="'name' must be a string"):
        keras.dtype_policies.DTypePolicy(16)
    with pytest.raises(ValueError, match="Invalid `policy` argument"):
        keras.config.set_dtype_policy(3.5)
    with pytest.raises(ValueError, match="Cannot interpret `dtype` argument"):
        keras.dtype_policies.get(object())


def test_get_serialize_deserialize() -> None:
    policy = keras.dtype_policies.get("mixed_bfloat16")
    config = keras.dtype_policies.serialize(policy)
    assert config == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "mixed_bfloat16"},
        "registered_name": None,
    }
    assert keras.dtype_policies.deserialize(config) == policy
    assert keras.dtype_policies.get(config) == policy
    assert keras.dtype_policies.get(policy) is policy
    assert keras.dtype_policies.get(None) == keras.config.dtype_policy()
    # Keras reads our config and we read Keras's.
    k = keras_module()
    assert k.dtype_policies.deserialize(config).name == "mixed_bfloat16"
    theirs = k.dtype_policies.serialize(k.dtype_policies.DTypePolicy("mixed_float16"))
    assert keras.dtype_policies.deserialize(theirs).name == "mixed_float16"


def test_global_policy_set_and_reset() -> None:
    assert keras.mixed_precision.global_policy().name == "float32"
    keras.mixed_precision.set_global_policy("mixed_float16")
    assert keras.config.dtype_policy().name == "mixed_float16"
    assert keras.mixed_precision.dtype_policy() == keras.dtype_policies.DTypePolicy("mixed_float16")
    keras.config.set_dtype_policy(keras.dtype_policies.DTypePolicy("mixed_bfloat16"))
    assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    keras.config.set_dtype_policy("float32")
    assert keras.config.dtype_policy().name == "float32"


# -- layers ----------------------------------------------------------------------
@pytest.mark.parametrize("name", MIXED)
def test_layer_dtypes_under_a_mixed_policy(backend: Any, name: str) -> None:
    keras.mixed_precision.set_global_policy(name)
    compute = keras.config.dtype_policy().compute_dtype
    layer = layers.Dense(3)
    assert layer.dtype_policy == keras.dtype_policies.DTypePolicy(name)
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == (compute, "float32", "float32")
    outputs = layer(np.ones((2, 4), "float32"))
    assert keras.ops.dtype(outputs) == compute
    assert [w.dtype for w in layer.weights] == ["float32", "float32"]
    # An explicit float32 layer stays float32 and casts half-precision inputs back.
    head = layers.Activation("softmax", dtype="float32")
    assert keras.ops.dtype(head(outputs)) == "float32"


def test_layer_dtype_argument_forms(backend: Any) -> None:
    by_name = layers.Dense(2, dtype="mixed_float16")
    by_policy = layers.Dense(2, dtype=keras.dtype_policies.DTypePolicy("mixed_float16"))
    by_config = layers.Dense(2, dtype=keras.dtype_policies.serialize(by_policy.dtype_policy))
    for layer in (by_name, by_policy, by_config):
        assert (layer.compute_dtype, layer.variable_dtype) == ("float16", "float32")
        assert layer.get_config()["dtype"]["config"] == {"name": "mixed_float16"}
    by_policy.dtype_policy = "mixed_bfloat16"
    assert by_policy.compute_dtype == "bfloat16"


def test_variables_are_cast_only_inside_the_call(backend: Any) -> None:
    layer = layers.Dense(2, dtype="mixed_float16")
    layer.build((None, 3))
    assert keras.ops.dtype(layer.kernel.value) == "float32"
    seen = {}

    class Probe(layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.w = self.add_weight(shape=(3,), initializer="ones")
            self.stat = self.add_weight(shape=(3,), initializer="ones", autocast=False, trainable=False)

        def call(self, x: Any) -> Any:
            seen["w"] = keras.ops.dtype(self.w.value)
            seen["stat"] = keras.ops.dtype(self.stat.value)
            seen["x"] = keras.ops.dtype(x)
            return x * self.w

    probe = Probe(dtype="mixed_bfloat16")
    assert keras.ops.dtype(probe(np.ones((2, 3), "float32"))) == "bfloat16"
    assert seen == {"w": "bfloat16", "stat": "float32", "x": "bfloat16"}
    assert keras.ops.dtype(probe.w.value) == "float32"
    integer = probe(np.ones((2, 3), "int32"))
    assert keras.ops.dtype(integer) == "bfloat16"


def _build(kind: str, policy: str | None = None) -> keras.Model:
    dtype = None if policy is None else policy
    if kind == "dense":
        inputs = keras.Input((6,))
        x = layers.Dense(16, activation="relu", dtype=dtype)(inputs)
        x = layers.Dense(1, dtype=dtype)(x)
    elif kind == "conv":
        inputs = keras.Input((8, 8, 2))
        x = layers.Conv2D(4, 3, activation="relu", dtype=dtype)(inputs)
        x = layers.GlobalAveragePooling2D(dtype=dtype)(x)
        x = layers.Dense(1, dtype=dtype)(x)
    elif kind == "norm":
        inputs = keras.Input((6,))
        x = layers.Dense(8, dtype=dtype)(inputs)
        x = layers.BatchNormalization(dtype=dtype)(x)
        x = layers.LayerNormalization(dtype=dtype)(x)
        x = layers.Dense(1, dtype=dtype)(x)
    else:
        inputs = keras.Input((5, 3))
        x = layers.LSTM(8, dtype=dtype)(inputs)
        x = layers.Dense(1, dtype=dtype)(x)
    outputs = layers.Activation("linear", dtype="float32")(x)
    return keras.Model(inputs, outputs)


def _data(kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    shape = {"dense": (64, 6), "norm": (64, 6), "conv": (32, 8, 8, 2), "lstm": (32, 5, 3)}[kind]
    x = rng.normal(size=shape).astype("float32")
    y = x.reshape(len(x), -1).mean(axis=1, keepdims=True).astype("float32")
    return x, y


@pytest.mark.parametrize("kind", ["dense", "norm", "conv", "lstm"])
@pytest.mark.parametrize("name", MIXED)
def test_model_under_mixed_policy_matches_float32_and_trains(backend: Any, kind: str, name: str) -> None:
    compute = keras.dtype_policies.DTypePolicy(name).compute_dtype
    keras.utils.set_random_seed(0)
    reference = _build(kind)
    keras.mixed_precision.set_global_policy(name)
    model = _build(kind)
    model.set_weights(reference.get_weights())
    x, y = _data(kind)
    hidden = model.layers[1]
    assert hidden.compute_dtype == compute and all(w.dtype == "float32" for w in model.weights)
    assert keras.ops.dtype(hidden(x)) == compute
    assert keras.ops.dtype(model(x)) == "float32"
    np.testing.assert_allclose(_values(model(x)), _values(reference(x)), atol=TOLERANCE[name], rtol=TOLERANCE[name])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    expected = "LossScaleOptimizer" if name == "mixed_float16" else "Adam"
    assert type(model.optimizer).__name__ == expected
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert all(w.dtype == "float32" for w in model.weights)


def test_auto_scale_loss_can_be_turned_off(backend: Any) -> None:
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = _build("dense")
    model.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
    assert type(model.optimizer).__name__ == "SGD"
    keras.mixed_precision.set_global_policy("float32")
    model = _build("dense")
    model.compile(optimizer="sgd", loss="mse")
    assert type(model.optimizer).__name__ == "SGD"


@pytest.mark.parametrize("kind", ["dense", "norm", "conv", "lstm"])
@pytest.mark.parametrize("name", MIXED)
def test_mixed_model_matches_keras(backend: Any, kind: str, name: str) -> None:
    keras.mixed_precision.set_global_policy(name)
    keras.utils.set_random_seed(1)
    model = _build(kind)
    x, _ = _data(kind)
    k = keras_module()
    theirs = k.Model.from_config(model.get_config())
    theirs.set_weights(model.get_weights())
    assert theirs.layers[1].dtype_policy.name == name
    for training in (False, True):
        np.testing.assert_allclose(
            _values(model(x, training=training)),
            np.asarray(k.ops.convert_to_numpy(theirs(x, training=training))).astype("float32"),
            atol=TOLERANCE[name],
            rtol=TOLERANCE[name],
            err_msg=f"training={training}",
        )


def test_keras_mixed_config_loads_in_lamina(backend: Any) -> None:
    k = keras_module()
    inputs = k.Input((4,))
    outputs = k.layers.Dense(2, dtype="mixed_bfloat16")(inputs)
    config = json.loads(json.dumps(k.saving.serialize_keras_object(k.Model(inputs, outputs))))
    ours = keras.saving.deserialize_keras_object(config)
    assert ours.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert keras.ops.dtype(ours(np.ones((1, 4), "float32"))) == "bfloat16"


def test_sequential_config_round_trip(backend: Any) -> None:
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2), layers.Dense(1, dtype="float32")])
    config = model.get_config()
    assert config["dtype"]["config"] == {"name": "mixed_float16"}
    keras.mixed_precision.set_global_policy("float32")
    clone = keras.Sequential.from_config(config)
    assert [layer.dtype_policy.name for layer in clone.layers] == ["mixed_float16", "float32"]


@pytest.mark.skipif(importlib.util.find_spec("lamina_io") is None, reason="needs lamina-io (pip install 'lamina[io]')")
def test_save_and_load_under_mixed_policy(backend: Any, tmp_path: Any) -> None:
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = _build("dense")
    model.compile(optimizer="adam", loss="mse")
    x, y = _data("dense")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    path = str(tmp_path / "mixed.keras")
    model.save(path)
    keras.mixed_precision.set_global_policy("float32")
    loaded = keras.models.load_model(path)
    assert loaded.layers[1].dtype_policy.name == "mixed_float16"
    assert type(loaded.optimizer).__name__ == "LossScaleOptimizer"
    assert all(w.dtype == "float32" for w in loaded.weights)
    np.testing.assert_allclose(_values(loaded(x)), _values(model(x)), atol=1e-6)
    # The optimizer state (loss scale included) comes back, in Keras's variable layout.
    assert [v.path for v in loaded.optimizer.variables] == [v.path for v in model.optimizer.variables]
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    theirs = keras_module().saving.load_model(path)
    assert theirs.layers[1].dtype_policy.name == "mixed_float16"
    assert type(theirs.optimizer).__name__ == "LossScaleOptimizer"
    np.testing.assert_allclose(
        np.asarray(theirs.predict(x, verbose=0)).astype("float32"), _values(model(x)), atol=2e-2, rtol=2e-2
    )


# -- LossScaleOptimizer ----------------------------------------------------------------
def _gradient_steps() -> list[list[np.ndarray]]:
    finite = [np.array([0.5, -1.0], "float32"), np.array([2.0], "float32")]
    bad = [np.array([np.inf, 1.0], "float32"), np.array([1.0], "float32")]
    nan = [np.array([1.0, 1.0], "float32"), np.array([np.nan], "float32")]
    return [finite, finite, bad, finite, finite, finite, nan, finite]


def test_loss_scale_optimizer_matches_keras(backend: Any) -> None:
    k = keras_module()
    ours_vars = [keras.Variable(np.array([1.0, 2.0], "float32")), keras.Variable(np.array([3.0], "float32"))]
    theirs_vars = [k.Variable(np.array([1.0, 2.0], "float32")), k.Variable(np.array([3.0], "float32"))]
    ours = keras.mixed_precision.LossScaleOptimizer(
        keras.optimizers.SGD(0.1, momentum=0.5), initial_scale=8.0, dynamic_growth_steps=2
    )
    theirs = k.mixed_precision.LossScaleOptimizer(
        k.optimizers.SGD(0.1, momentum=0.5), initial_scale=8.0, dynamic_growth_steps=2
    )
    ours.build(ours_vars)
    theirs.build(theirs_vars)
    scales = []
    for grads in _gradient_steps():
        # Gradients of a scaled loss: the optimizer divides them by the scale.
        ours.apply([g * float(ours.dynamic_scale.numpy()) for g in grads], ours_vars)
        # Keras on JAX applies through `stateless_apply` (as its trainer does).
        scaled = [g * float(np.asarray(theirs.dynamic_scale.numpy())) for g in grads]
        new_vars, new_state = theirs.stateless_apply(
            [v.value for v in theirs.variables], scaled, [v.value for v in theirs_vars]
        )
        for variable, value in zip(list(theirs_vars) + list(theirs.variables), list(new_vars) + list(new_state)):
            variable.assign(value)
        scales.append(float(ours.dynamic_scale.numpy()))
        assert float(ours.dynamic_scale.numpy()) == float(np.asarray(theirs.dynamic_scale.numpy()))
        assert int(ours.step_counter.numpy()) == int(np.asarray(theirs.step_counter.numpy()))
        for a, b in zip(ours_vars, theirs_vars):
            np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-6)
    # Doubles after 2 finite steps in a row, halves on inf and on NaN (and skips those steps).
    assert scales == [8.0, 16.0, 8.0, 8.0, 16.0, 16.0, 8.0, 8.0]
    assert int(ours.iterations.numpy()) == int(np.asarray(theirs.iterations.numpy())) == 6


def test_loss_scale_optimizer_skips_non_finite_steps(backend: Any) -> None:
    variable = keras.Variable(np.array([1.0, 1.0], "float32"))
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=4.0)
    optimizer.apply([np.array([4.0, 8.0], "float32")], [variable])
    np.testing.assert_allclose(variable.numpy(), [0.0, -1.0])
    optimizer.apply([np.array([np.nan, 1.0], "float32")], [variable])
    np.testing.assert_allclose(variable.numpy(), [0.0, -1.0])
    assert float(optimizer.dynamic_scale.numpy()) == 2.0
    assert float(optimizer.scale_loss(3.0)) == 6.0


def test_loss_scale_optimizer_config_and_errors(backend: Any) -> None:
    optimizer = keras.mixed_precision.LossScaleOptimizer(
        keras.optimizers.Adam(0.003), initial_scale=128.0, dynamic_growth_steps=10
    )
    config = keras.optimizers.serialize(optimizer)
    assert config["config"]["initial_scale"] == 128.0
    restored = keras.optimizers.deserialize(config)
    assert isinstance(restored, keras.optimizers.LossScaleOptimizer)
    assert restored.dynamic_growth_steps == 10
    assert isinstance(restored.inner_optimizer, keras.optimizers.Adam)
    k = keras_module()
    assert k.optimizers.deserialize(config).initial_scale == 128.0
    with pytest.raises(ValueError, match="no longer supports `dynamic=False`"):
        keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="`inner_optimizer` must be"):
        keras.mixed_precision.LossScaleOptimizer("sgd")


def test_losses_score_half_precision_predictions_in_float32(backend: Any) -> None:
    """As Keras: `Loss.__call__` converts predictions to the loss's dtype before computing."""
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(64, 10)).astype("float16")
    labels = keras.ops.convert_to_tensor(rng.integers(0, 10, size=64))  # tensors: the fast path
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    got = loss(labels, keras.ops.convert_to_tensor(logits))
    assert keras.ops.dtype(got) == "float32"
    want = loss(labels, keras.ops.convert_to_tensor(logits.astype("float32")))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want), rtol=1e-6)
    mse = keras.losses.MeanSquaredError()
    x = keras.ops.convert_to_tensor(logits)
    assert keras.ops.dtype(mse(keras.ops.zeros((64, 10)), x)) == "float32"
