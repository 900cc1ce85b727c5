"""Lambda (including its safe loading) and Masking (including mask propagation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.saving import deserialize_keras_object, serialize_keras_object
from lamina.testing import assert_matches_keras, run_layer_test


@lamina.saving.register_keras_serializable(package="LambdaTests")
def double_plus(x: Any, offset: float = 0.0) -> Any:
    return ops.add(ops.multiply(x, 2.0), offset)


def _roundtrip(layer: Any, **kwargs: Any) -> Any:
    return deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(layer))), **kwargs)


# -- Lambda ---------------------------------------------------------------------------
def test_lambda_registered_function_harness(backend: Any) -> None:
    run_layer_test(
        layers.Lambda,
        {"function": double_plus, "arguments": {"offset": 1.0}},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=0,
    )
    layer = layers.Lambda(double_plus, arguments={"offset": 1.0})
    config = layer.get_config()
    assert config["function"]["registered_name"] == "LambdaTests>double_plus"
    revived = _roundtrip(layer)  # by name: no bytecode, so safe mode allows it
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(ops.convert_to_numpy(revived(x)), 2 * x + 1)


def test_lambda_public_function_matches_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    layer = layers.Lambda(lamina.ops.square)
    assert layer.get_config()["function"] == {
        "module": "keras.ops",
        "class_name": "function",
        "config": "square",
        "registered_name": None,
    }
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    assert_matches_keras(layer, x)
    assert _roundtrip(layers.Lambda(lamina.activations.relu)).function is lamina.activations.relu
    # Keras writes public functions with module "builtins".
    keras_style = {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert layers.Lambda.from_config({"function": keras_style}).function is lamina.activations.relu


def test_lambda_output_shape_mask_training_arguments(backend: Any) -> None:
    calls = {}

    def fn(x: Any, scale: float = 1.0, mask: Any = None, training: Any = None) -> Any:
        calls["mask"], calls["training"] = mask, training
        return ops.concatenate([x, x], axis=-1) * scale

    layer = layers.Lambda(fn, output_shape=(6,), arguments={"scale": 2.0}, mask=lambda inputs, mask: mask)
    inputs = lamina.Input((3,))
    outputs = layer(inputs)
    assert outputs.shape == (None, 6)
    assert layers.Lambda(fn, output_shape=lambda s: (s[0], 2 * s[1])).compute_output_shape((4, 3)) == (4, 6)
    assert layers.Lambda(fn).compute_output_shape((4, 3)) == (4, 6)  # inferred by tracing
    x = np.ones((2, 3), "float32")
    mask = np.array([True, False])
    out = layer(x, mask=mask, training=True)
    np.testing.assert_allclose(ops.convert_to_numpy(out), 2 * np.ones((2, 6)))
    np.testing.assert_array_equal(ops.convert_to_numpy(calls["mask"]), mask)
    assert calls["training"] is True
    from lamina.backend import masking

    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(out)), mask)
    assert layers.Lambda(fn).supports_masking is False


def test_lambda_bytecode_is_refused_in_safe_mode_and_nothing_runs(backend: Any, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    layer = layers.Lambda(lambda x, path=str(marker): (open(path, "w").close(), x)[1])  # noqa: SIM115
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    model_json = json.dumps(serialize_keras_object(lamina.Sequential([lamina.Input((2,)), layer])))
    marker.unlink(missing_ok=True)  # building the model above ran the function once
    assert config["config"]["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match=r"Python code in a Lambda layer.*safe_mode=False"):
        deserialize_keras_object(config)
    with pytest.raises(ValueError, match="trust"):
        layers.Lambda.from_config(config["config"])
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(json.loads(model_json))
    assert not marker.exists()
    revived = deserialize_keras_object(config, safe_mode=False)
    assert not marker.exists()  # loading alone runs nothing
    x = np.ones((1, 2), "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(revived(x)), x)
    assert marker.exists()  # the function is the saved one
    assert layers.Lambda.from_config(config["config"], safe_mode=False).function.__name__ == "<lambda>"


def test_lambda_closures_defaults_and_unregistered_functions(backend: Any) -> None:
    factor = 3.0

    def scaled(x: Any) -> Any:  # unregistered: saved as bytecode, with its closure
        return x * factor

    config = json.loads(json.dumps(serialize_keras_object(layers.Lambda(scaled))))
    assert config["config"]["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(config)
    revived = deserialize_keras_object(config, safe_mode=False)
    np.testing.assert_allclose(ops.convert_to_numpy(revived(np.ones((1, 2), "float32"))), 3.0)


def test_lambda_reads_keras_written_bytecode(backend: Any) -> None:
    pytest.importorskip("keras")
    from lamina.testing.layer_test_case import keras_module

    keras = keras_module()
    keras_config = json.loads(
        json.dumps(keras.saving.serialize_keras_object(keras.layers.Lambda(lambda x, k=4.0: x * k, output_shape=(2,))))
    )
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(keras_config)
    ours = deserialize_keras_object(keras_config, safe_mode=False)
    assert isinstance(ours, layers.Lambda)
    np.testing.assert_allclose(ops.convert_to_numpy(ours(np.ones((1, 2), "float32"))), 4.0)
    # And Keras reads Lamina's bytecode (when it is allowed to).
    lamina_config = json.loads(json.dumps(serialize_keras_object(layers.Lambda(lambda x: x - 1.0))))
    theirs = keras.saving.deserialize_keras_object(lamina_config, safe_mode=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(theirs(np.ones((1, 2), "float32"))), 0.0)


def test_lambda_load_model_safe_mode(backend: Any, tmp_path: Path) -> None:
    pytest.importorskip("lamina_io")
    model = lamina.Sequential([lamina.Input((2,)), layers.Lambda(lambda x: x + 1.0)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="Python code in a Lambda layer"):
        lamina.models.load_model(path)
    revived = lamina.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(revived.predict(np.zeros((1, 2), "float32"), verbose=0), 1.0)


def test_lambda_bad_bytecode_gives_a_clear_error(backend: Any) -> None:
    config = {"function": {"class_name": "__lambda__", "config": {"code": "AAAA\n", "defaults": None, "closure": None}}}
    with pytest.raises(ValueError, match="Python version"):
        layers.Lambda.from_config(config, safe_mode=False)


def test_lambda_bad_arguments(backend: Any) -> None:
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda(3)
    with pytest.raises(TypeError, match="arguments"):
        layers.Lambda(double_plus, arguments=[1.0])
    with pytest.raises(TypeError, match="Could not locate"):
        layers.Lambda.from_config(
            {"function": {"module": "keras.saving", "class_name": "function", "config": "load_model"}}
        )


# -- Masking --------------------------------------------------------------------------
def test_masking_harness_and_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.Masking,
        {"mask_value": 0.5},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        supports_masking=True,
    )
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    x[0, 1] = 0.5
    x[1, 3] = 0.5
    layer = layers.Masking(mask_value=0.5)
    out = ops.convert_to_numpy(layer(x))
    assert np.all(out[0, 1] == 0.0) and np.all(out[1, 3] == 0.0)
    np.testing.assert_array_equal(out[0, 0], x[0, 0])
    assert_matches_keras(layer, x)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(layer.compute_mask(x)), [[True, False, True, True], [True, True, True, False]]
    )


class MaskRecorder(layers.Layer):
    """Records the mask it is called with."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen: list = []

    def call(self, inputs: Any, mask: Any = None) -> Any:
        self.seen.append(None if mask is None else ops.convert_to_numpy(mask))
        return inputs


def test_layer_after_masking_receives_the_mask(backend: Any) -> None:
    x = np.ones((2, 3, 2), "float32")
    x[0, 2] = 0.0
    x[1, 0] = 0.0
    expected = np.array([[True, True, False], [False, True, True]])
    # Eagerly.
    recorder = MaskRecorder()
    recorder(layers.Masking()(x))
    np.testing.assert_array_equal(recorder.seen[-1], expected)
    # In a Sequential model and a Functional model (through an intermediate layer).
    recorder = MaskRecorder()
    lamina.Sequential([lamina.Input((3, 2)), layers.Masking(), recorder])(x)
    np.testing.assert_array_equal(recorder.seen[-1], expected)
    inputs = lamina.Input((3, 2))
    recorder = MaskRecorder()
    outputs = recorder(layers.Activation("relu")(layers.Masking()(inputs)))
    lamina.Model(inputs, outputs)(x)
    np.testing.assert_array_equal(recorder.seen[-1], expected)


def test_masking_mask_reaches_batch_normalization_in_fit(backend: Any) -> None:
    if not backend.supports_training:
        pytest.skip(f"The {backend.name!r} backend is inference-only.")
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(8, 5, 2)) + 3.0).astype("float32")
    x[:, 3:] = 0.0  # padding: the last two timesteps of every sample
    inputs = lamina.Input((5, 2))
    bn = layers.BatchNormalization(momentum=0.0)
    model = lamina.Model(inputs, bn(layers.Masking()(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros_like(x), batch_size=8, epochs=1, verbose=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x[:, :3].reshape(-1, 2).mean(axis=0), rtol=1e-4)
