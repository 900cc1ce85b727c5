"""Optimizer update rules against NumPy references and Keras 3."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import lamina as keras


def run_steps(optimizer: Any, weights: np.ndarray, grads: list[np.ndarray]) -> np.ndarray:
    variable = keras.Variable(weights.copy())
    for grad in grads:
        optimizer.apply([keras.ops.convert_to_tensor(grad)], [variable])
    return variable.numpy()


def numpy_sgd(w: np.ndarray, grads: list, lr: float, momentum: float, nesterov: bool) -> np.ndarray:
    w = w.astype("float64").copy()
    velocity = np.zeros_like(w)
    for g in grads:
        if momentum:
            velocity = momentum * velocity - lr * g
            w = w + (momentum * velocity - lr * g if nesterov else velocity)
        else:
            w = w - lr * g
    return w


def numpy_adam(
    w: np.ndarray, grads: list, lr: float, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-7, amsgrad: bool = False
) -> np.ndarray:
    w = w.astype("float64").copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    v_hat = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        m += (g - m) * (1 - b1)
        v += (g * g - v) * (1 - b2)
        second = v
        if amsgrad:
            v_hat = np.maximum(v_hat, v)
            second = v_hat
        w -= m * alpha / (np.sqrt(second) + eps)
    return w


@pytest.fixture
def problem(rng: np.random.Generator) -> tuple:
    weights = rng.normal(size=(3, 2)).astype("float32")
    grads = [rng.normal(size=(3, 2)).astype("float32") for _ in range(4)]
    return weights, grads


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_matches_numpy(backend: Any, problem: tuple, momentum: float, nesterov: bool) -> None:
    weights, grads = problem
    got = run_steps(keras.optimizers.SGD(0.1, momentum=momentum, nesterov=nesterov), weights, grads)
    np.testing.assert_allclose(got, numpy_sgd(weights, grads, 0.1, momentum, nesterov), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_matches_numpy(backend: Any, problem: tuple, amsgrad: bool) -> None:
    weights, grads = problem
    got = run_steps(keras.optimizers.Adam(0.01, amsgrad=amsgrad), weights, grads)
    np.testing.assert_allclose(got, numpy_adam(weights, grads, 0.01, amsgrad=amsgrad), rtol=1e-5, atol=1e-6)


def test_clipnorm_and_learning_rate_setter(backend: Any) -> None:
    optimizer = keras.optimizers.SGD(1.0, clipnorm=1.0)
    got = run_steps(optimizer, np.zeros(2, "float32"), [np.array([3.0, 4.0], "float32")])
    np.testing.assert_allclose(got, [-0.6, -0.8], rtol=1e-6)
    optimizer.learning_rate = 0.5
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == 0.5


KERAS_REFERENCE = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras
    data = json.loads(sys.stdin.read())
    results = {}
    for name, make in [
        ("sgd", lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
        ("adam", lambda: keras.optimizers.Adam(0.01)),
        ("rmsprop", lambda: keras.optimizers.RMSprop(0.01, momentum=0.5)),
    ]:
        variable = keras.Variable(np.array(data["weights"], "float32"))
        optimizer = make()
        for grad in data["grads"]:
            optimizer.apply([keras.ops.convert_to_tensor(np.array(grad, "float32"))], [variable])
        results[name] = np.asarray(variable.numpy()).tolist()
    print(json.dumps(results))
    """
)


def test_optimizer_steps_match_keras_3(backend: Any, problem: tuple) -> None:
    pytest.importorskip("keras")
    weights, grads = problem
    payload = json.dumps({"weights": weights.tolist(), "grads": [g.tolist() for g in grads]})
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_REFERENCE],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        env={"KERAS_BACKEND": "numpy", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    reference = json.loads(completed.stdout.strip().splitlines()[-1])
    ours = {
        "sgd": run_steps(keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), weights, grads),
        "adam": run_steps(keras.optimizers.Adam(0.01), weights, grads),
        "rmsprop": run_steps(keras.optimizers.RMSprop(0.01, momentum=0.5), weights, grads),
    }
    for name, value in ours.items():
        np.testing.assert_allclose(value, np.array(reference[name]), rtol=1e-5, atol=1e-6, err_msg=name)
