"""One model, three backends: same outputs from the same weights, gradients
that match finite differences, and moving a model between backends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from lamina.backend import StatelessScope, backend_scope, get_backend, installed_backends


def build_model() -> keras.Model:
    inputs = keras.Input((6,))
    hidden = layers.Dense(8, activation="tanh")(inputs)
    branch = layers.Dense(8, activation="relu")(inputs)
    merged = layers.Concatenate()([layers.Add()([hidden, branch]), branch])
    outputs = layers.Dense(3, activation="softmax")(layers.Dropout(0.5)(merged))
    return keras.Model(inputs, outputs)


def test_same_weights_give_same_outputs_on_every_backend() -> None:
    names = installed_backends()
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    results = {}
    for name in names:
        with backend_scope(get_backend(name)):
            keras.utils.set_random_seed(123)
            model = build_model()
            results[name] = (model.get_weights(), model.predict(x, verbose=0), model.backend.name)
    reference_weights, reference_output, _ = results[names[0]]
    for name, (weights, output, backend_name) in results.items():
        assert backend_name == name
        for got, want in zip(weights, reference_weights):
            np.testing.assert_array_equal(got, want, err_msg=f"initial weights differ on {name}")
        np.testing.assert_allclose(output, reference_output, rtol=1e-5, atol=1e-6, err_msg=name)


def test_clone_model_moves_a_model_to_another_backend() -> None:
    names = installed_backends()
    if len(names) < 2:
        pytest.skip("needs two installed backends")
    x = np.random.default_rng(1).normal(size=(4, 6)).astype("float32")
    with backend_scope(get_backend(names[0])):
        model = build_model()
    expected = model.predict(x, verbose=0)
    for name in names[1:]:
        moved = keras.models.clone_model(model, backend=name)
        assert moved.backend.name == name and model.backend.name == names[0]
        np.testing.assert_allclose(moved.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_model_gradients_match_finite_differences(trainable_backend: Any) -> None:
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(2)])
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 3)).astype("float32")
    y = rng.normal(size=(5, 2)).astype("float32")
    variables = model.trainable_variables

    def loss(values: list) -> Any:
        with StatelessScope(zip(variables, values)):
            prediction = model(x)
        return ops.mean(ops.square(ops.subtract(prediction, y)))

    value, grads = trainable_backend.core.value_and_grad(loss)([v.value for v in variables])
    weights = [w.astype("float64") for w in model.get_weights()]

    def numpy_loss(ws: list) -> float:
        hidden = np.tanh(x @ ws[0] + ws[1])
        return float(np.mean((hidden @ ws[2] + ws[3] - y) ** 2))

    assert float(ops.convert_to_numpy(value)) == pytest.approx(numpy_loss(weights), rel=1e-5)
    eps = 1e-4
    for index, grad in enumerate(grads):
        numeric = np.zeros_like(weights[index])
        for position in np.ndindex(weights[index].shape):
            plus = [w.copy() for w in weights]
            minus = [w.copy() for w in weights]
            plus[index][position] += eps
            minus[index][position] -= eps
            numeric[position] = (numpy_loss(plus) - numpy_loss(minus)) / (2 * eps)
        np.testing.assert_allclose(ops.convert_to_numpy(grad), numeric, rtol=2e-3, atol=2e-4)
