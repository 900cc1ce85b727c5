"""Sequential, Functional and subclassed models: construction, calls, summary, configs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


def to_numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


def test_sequential_from_list_and_add(backend: Any) -> None:
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu")], name="stack")
    model.add(layers.Dense(2))
    assert model.built and model.output_shape == (None, 2)
    assert [layer.name for layer in model.layers] == [model.layers[0].name, model.layers[1].name]
    assert [v.path.split("/")[0] for v in model.weights] == ["stack"] * 4
    y = to_numpy(model(np.ones((5, 4), "float32")))
    assert y.shape == (5, 2)
    removed = model.pop()
    assert isinstance(removed, layers.Dense) and model.output_shape == (None, 3)


def test_sequential_builds_from_data_and_input_shape_argument(backend: Any) -> None:
    deferred = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not deferred.built
    deferred(np.ones((2, 6), "float32"))
    assert deferred.built and deferred.input_shape == (None, 6)
    eager = keras.Sequential([layers.Dense(3, input_shape=(6,))])
    assert eager.built and eager.output_shape == (None, 3)
    with pytest.raises(ValueError, match="Only instances of"):
        keras.Sequential([np.ones(3)])


def test_functional_multi_input_multi_output_shared_and_residual(backend: Any, rng: np.random.Generator) -> None:
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = layers.Dense(4, name="shared")
    ha, hb = shared(a), shared(b)
    residual = layers.Add(name="residual")([ha, a])
    merged = layers.Concatenate(name="merged")([residual, hb])
    out1 = layers.Dense(1, name="score")(merged)
    out2 = layers.Dense(3, activation="softmax", name="klass")(merged)
    model = keras.Model(inputs=[a, b], outputs=[out1, out2], name="two_heads")
    assert isinstance(model, keras.models.Functional)
    assert model.output_names == ["score", "klass"]
    assert len(shared._inbound_nodes) == 2
    xa = rng.normal(size=(3, 4)).astype("float32")
    xb = rng.normal(size=(3, 4)).astype("float32")
    score, klass = model([xa, xb])
    kernel, bias = shared.get_weights()
    hidden = np.concatenate([xa @ kernel + bias + xa, xb @ kernel + bias], axis=-1)
    w, c = model.get_layer("score").get_weights()
    np.testing.assert_allclose(to_numpy(score), hidden @ w + c, rtol=1e-4, atol=1e-5)
    assert to_numpy(klass).shape == (3, 3)
    by_name = model({"a": xa, "b": xb})
    np.testing.assert_allclose(to_numpy(by_name[0]), to_numpy(score), rtol=1e-6)


def test_functional_with_raw_ops_between_layers(backend: Any) -> None:
    inputs = keras.Input((3, 4))
    pooled = ops.mean(inputs, axis=1)
    outputs = layers.Dense(2)(ops.relu(pooled))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(to_numpy(model(x)), np.maximum(x.mean(1), 0) @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_functional_graph_disconnected_error(backend: Any) -> None:
    a = keras.Input((2,))
    b = keras.Input((2,))
    out = layers.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)


def test_subclassed_model(backend: Any) -> None:
    class MLP(keras.Model):
        def __init__(self, hidden: int = 8, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.hidden = layers.Dense(hidden, activation="relu")
            self.dropout = layers.Dropout(0.5)
            self.out = layers.Dense(2)

        def call(self, inputs: Any, training: bool = False) -> Any:
            return self.out(self.dropout(self.hidden(inputs), training=training))

    model = MLP()
    x = np.ones((4, 3), "float32")
    first = to_numpy(model(x))
    np.testing.assert_allclose(to_numpy(model(x)), first)
    assert len(model.weights) == 4 and len(model.trainable_weights) == 4
    assert len(model.layers) == 3
    assert model.get_config()["hidden"] == 8


def test_summary_lists_layers_shapes_and_counts(backend: Any) -> None:
    model = keras.Sequential(
        [keras.Input((8,)), layers.Dense(4, name="hidden"), layers.Dense(2, name="out")], name="demo"
    )
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "demo"' in text
    assert "hidden (Dense)" in text and "(None, 4)" in text and "36" in text
    assert "Total params: 46" in text and "Trainable params: 46" in text


def test_sequential_and_functional_config_round_trip(backend: Any, rng: np.random.Generator) -> None:
    x = rng.normal(size=(2, 5)).astype("float32")
    inputs = keras.Input((5,), name="features")
    hidden = layers.Dense(4, activation="relu", name="h")(inputs)
    outputs = layers.Concatenate(name="cat")([hidden, layers.Dense(2, name="skip")(inputs)])
    functional = keras.Model(inputs, outputs, name="f")
    sequential = keras.Sequential([keras.Input((5,)), layers.Dense(3, name="s1"), layers.Dense(1, name="s2")], name="s")
    for model in (functional, sequential):
        clone = keras.models.model_from_json(model.to_json())
        assert type(clone) is type(model)
        assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
        clone.set_weights(model.get_weights())
        np.testing.assert_allclose(to_numpy(clone(x)), to_numpy(model(x)), rtol=1e-6)
    config = json.loads(functional.to_json())
    assert config["class_name"] == "Functional" and config["config"]["input_layers"] == ["features", 0, 0]


def test_model_from_json_refuses_unknown_classes() -> None:
    bad = json.dumps({"module": "os", "class_name": "system", "config": {"command": "echo hi"}})
    with pytest.raises(TypeError, match="Could not locate class 'system'"):
        keras.models.model_from_json(bad)


def test_set_weights_errors_name_layer_and_shapes(backend: Any) -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        model.set_weights([np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4, 2\)"):
        model.set_weights([np.ones((4, 2)), np.ones(2)])
