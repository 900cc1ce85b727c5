"""Gradients through `value_and_grad` against central finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import ops

pytestmark = pytest.mark.training


def _finite_differences(fn: Any, values: list, eps: float = 1e-3) -> list:
    grads = []
    for index, value in enumerate(values):
        grad = np.zeros_like(value, dtype="float64")
        for position in np.ndindex(value.shape):
            plus = [v.astype("float64") for v in values]
            minus = [v.astype("float64") for v in values]
            plus[index][position] += eps
            minus[index][position] -= eps
            grad[position] = (fn(plus) - fn(minus)) / (2 * eps)
        grads.append(grad)
    return grads


def test_value_and_grad_matches_finite_differences(trainable_backend: Any, rng: np.random.Generator) -> None:
    x = rng.normal(size=(4, 3)).astype("float32")
    w = rng.normal(size=(3, 2)).astype("float32")
    b = rng.normal(size=(2,)).astype("float32")
    target = rng.normal(size=(4, 2)).astype("float32")

    def loss(values: list) -> Any:
        kernel, bias = values
        prediction = ops.tanh(ops.add(ops.matmul(x, kernel), bias))
        return ops.mean(ops.square(ops.subtract(prediction, target)))

    def loss_numpy(values: list) -> float:
        kernel, bias = values
        return float(np.mean((np.tanh(x @ kernel + bias) - target) ** 2))

    grad_fn = trainable_backend.core.value_and_grad(loss)
    value, grads = grad_fn([ops.convert_to_tensor(w), ops.convert_to_tensor(b)])
    np.testing.assert_allclose(ops.convert_to_numpy(value), loss_numpy([w, b]), rtol=1e-5)
    expected = _finite_differences(loss_numpy, [w, b])
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-3, atol=1e-4)


def test_value_and_grad_with_aux(trainable_backend: Any) -> None:
    def fn(values: list) -> Any:
        (x,) = values
        return ops.sum(ops.square(x)), ops.multiply(x, 2.0)

    (value, aux), grads = trainable_backend.core.value_and_grad(fn, has_aux=True)(
        [ops.convert_to_tensor(np.array([1.0, 2.0], "float32"))]
    )
    np.testing.assert_allclose(ops.convert_to_numpy(value), 5.0)
    np.testing.assert_allclose(ops.convert_to_numpy(aux), [2.0, 4.0])
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), [2.0, 4.0])


def test_stop_gradient_blocks_gradient(trainable_backend: Any) -> None:
    def fn(values: list) -> Any:
        (x,) = values
        return ops.sum(ops.multiply(ops.stop_gradient(x), x))

    _, grads = trainable_backend.core.value_and_grad(fn)([ops.convert_to_tensor(np.array([3.0], "float32"))])
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), [3.0])
