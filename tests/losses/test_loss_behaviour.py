"""Losses inside compiled functions, their gradients, masks, `get` and errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina.backend import masking

sys.path.insert(0, str(Path(__file__).parent))
from test_losses_vs_keras import CASES, _inputs  # noqa: E402


def _compile(backend: Any, fn: Any) -> Any:
    if backend.name == "jax":
        import jax

        return jax.jit(fn)
    if backend.name == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    pytest.skip(f"{backend.name} runs training steps eagerly: no graph compilation of a bare function to check.")


@pytest.mark.parametrize("name", list(CASES))
def test_loss_gives_the_same_value_compiled(backend: Any, name: str) -> None:
    class_name, arguments, _, _, input_name, weights = CASES[name]
    y_true, y_pred = _inputs()[input_name]
    loss = getattr(keras.losses, class_name)(**arguments)
    sample_weight = None if weights is None else np.array(weights, "float32")

    def call(t: Any, p: Any) -> Any:
        return loss(t, p, sample_weight=sample_weight)

    eager = keras.ops.convert_to_numpy(call(keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred)))
    compiled = _compile(backend, call)
    got = compiled(keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), eager, rtol=1e-5, atol=1e-5)


def _gradient(backend: Any, fn: Any, x: np.ndarray) -> np.ndarray:
    if backend.name == "jax":
        import jax

        return np.asarray(jax.grad(fn)(keras.ops.convert_to_tensor(x)))
    if backend.name == "tensorflow":
        import tensorflow as tf

        variable = tf.Variable(x)
        with tf.GradientTape() as tape:
            value = fn(variable)
        return tape.gradient(value, variable).numpy()
    if backend.name == "torch":
        import torch

        tensor = torch.tensor(x, requires_grad=True)
        fn(tensor).backward()
        return tensor.grad.numpy()
    pytest.skip(f"no gradient helper for backend {backend.name!r}")


@pytest.mark.parametrize("name", list(CASES))
def test_loss_gradients_are_finite(backend: Any, name: str) -> None:
    class_name, arguments, _, _, input_name, _ = CASES[name]
    y_true, y_pred = _inputs()[input_name]
    loss = getattr(keras.losses, class_name)(**arguments)
    y_true = keras.ops.convert_to_tensor(y_true)
    gradient = _gradient(backend, lambda p: loss(y_true, p), y_pred)
    assert gradient.shape == y_pred.shape
    assert np.all(np.isfinite(gradient)), gradient
    assert np.any(gradient != 0)


def test_ignore_class_masks_entries_out_of_the_average(backend: Any) -> None:
    logits = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]], "float32")
    labels = np.array([0, 1, -1], "int32")
    per_sample = -np.log(np.exp(2.0) / (np.exp(2.0) + 1.0))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    assert float(keras.ops.convert_to_numpy(loss(labels, logits))) == pytest.approx(per_sample, rel=1e-5)
    values = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(values), [per_sample, per_sample, 0.0], rtol=1e-5)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(masking.get_mask(values)), [True, True, False])


def test_mask_on_predictions_is_merged_into_the_weights(backend: Any) -> None:
    y_true = np.zeros((2, 3, 1), "float32")
    y_pred = keras.ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3, 1))
    mask = keras.ops.convert_to_tensor(np.array([[True, True, False], [True, False, False]]))
    masking.set_mask(y_pred, mask)
    squares = np.arange(6, dtype="float32").reshape(2, 3) ** 2
    valid = keras.ops.convert_to_numpy(mask)
    mean = keras.losses.MeanSquaredError()(y_true, y_pred)
    assert float(keras.ops.convert_to_numpy(mean)) == pytest.approx(squares[valid].mean())
    weights = np.array([1.0, 3.0], "float32")
    total = keras.losses.MeanSquaredError(reduction="sum")(y_true, y_pred, sample_weight=weights)
    expected = (squares * valid * weights[:, None]).sum()
    assert float(keras.ops.convert_to_numpy(total)) == pytest.approx(expected)


@pytest.mark.parametrize(
    "identifier, expected",
    [
        ("mse", "mean_squared_error"),
        ("MAE", "mean_absolute_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("msle", "mean_squared_logarithmic_error"),
        ("kld", "kl_divergence"),
        ("kl_divergence", "kl_divergence"),
        ("kullback_leibler_divergence", "kl_divergence"),
        ("logcosh", "log_cosh"),
        ("log_cosh", "log_cosh"),
        ("huber", "huber"),
        ("bce", "binary_crossentropy"),
        ("hinge", "hinge"),
        ("ctc", "ctc"),
        ("circle", "circle"),
        ("dice", "dice"),
    ],
)
def test_get_resolves_names_and_aliases_to_functions(identifier: str, expected: str) -> None:
    found = keras.losses.get(identifier)
    assert found.__name__ == expected
    assert getattr(keras.losses, identifier) is found


@pytest.mark.parametrize("name", ["Huber", "Tversky", "BinaryFocalCrossentropy", "CTC", "Circle", "LogCosh"])
def test_get_resolves_class_names_to_instances(name: str) -> None:
    assert type(keras.losses.get(name)).__name__ == name
    config = {"class_name": name, "config": {}}
    assert type(keras.losses.get(config)).__name__ == name


def test_loss_function_wrapper_config_keeps_the_function_and_arguments() -> None:
    loss = keras.losses.LossFunctionWrapper(keras.losses.huber, delta=0.25, name="my_huber", reduction="sum")
    config = keras.losses.serialize(loss)
    rebuilt = keras.losses.deserialize(json.loads(json.dumps(config)))
    assert isinstance(rebuilt, keras.losses.LossFunctionWrapper)
    assert rebuilt.fn is keras.losses.huber and rebuilt._fn_kwargs == {"delta": 0.25}
    assert rebuilt.get_config() == loss.get_config()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: keras.losses.MeanSquaredError(reduction="average"), ValueError, "reduction"),
        (lambda: keras.losses.CategoricalGeneralizedCrossEntropy(q=1.5), ValueError, "q"),
        (lambda: keras.losses.LossFunctionWrapper("mse"), TypeError, "callable"),
    ],
)
def test_invalid_arguments_fail_at_construction(make: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_shape_errors_name_the_fix(backend: Any) -> None:
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        keras.losses.categorical_crossentropy(np.array([0, 1]), np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="batch_size, max_length"):
        keras.losses.ctc(np.ones((2,), "int32"), np.ones((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match="axis"):
        keras.losses.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 3), "float32"), axis=True)
