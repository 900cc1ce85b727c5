"""compile / fit / evaluate / predict on every backend, and their errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers


@pytest.fixture(scope="module")
def digits() -> tuple:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def mlp(outputs: int = 10, activation: str = "softmax") -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((64,)),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.1),
            layers.Dense(outputs, activation=activation),
        ]
    )


def test_fit_evaluate_predict_on_digits(backend: Any, digits: tuple) -> None:
    x_train, x_test, y_train, y_test = digits
    keras.utils.set_random_seed(1)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=8, batch_size=32, validation_data=(x_test, y_test), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 8 and history.epoch == list(range(8))
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.93
    assert model.evaluate(x_test, y_test, verbose=0, return_dict=True) == pytest.approx(
        {"loss": loss, "accuracy": accuracy}, rel=1e-5
    )
    probabilities = model.predict(x_test, batch_size=100, verbose=0)
    assert probabilities.shape == (len(x_test), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert (probabilities.argmax(1) == y_test).mean() == pytest.approx(accuracy, abs=1e-6)


def test_validation_split_uses_the_last_samples(backend: Any) -> None:
    x = np.random.default_rng(0).normal(size=(100, 4)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2, shuffle=False, verbose=0)
    assert "val_loss" in history.history and "val_accuracy" in history.history
    val_loss, _ = model.evaluate(x[80:], y[80:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)


def test_accuracy_is_resolved_from_loss_and_shapes(backend: Any) -> None:
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    cases = [
        (
            layers.Dense(1, activation="sigmoid"),
            "binary_crossentropy",
            (np.arange(32) % 2).astype("float32"),
            keras.metrics.BinaryAccuracy,
        ),
        (
            layers.Dense(3, activation="softmax"),
            "sparse_categorical_crossentropy",
            np.arange(32) % 3,
            keras.metrics.SparseCategoricalAccuracy,
        ),
        (
            layers.Dense(3, activation="softmax"),
            "categorical_crossentropy",
            np.eye(3, dtype="float32")[np.arange(32) % 3],
            keras.metrics.CategoricalAccuracy,
        ),
    ]
    for head, loss, y, expected in cases:
        model = keras.Sequential([keras.Input((4,)), head])
        model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
        model.fit(x, y, epochs=1, verbose=0)
        resolved = model._compile_metrics.all_metrics[0]
        assert type(resolved) is expected and resolved.name == "accuracy"


def test_compile_accepts_objects_and_from_logits(backend: Any, digits: tuple) -> None:
    x_train, x_test, y_train, y_test = digits
    keras.utils.set_random_seed(2)
    model = mlp(activation=None)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    history = model.fit(x_train, y_train, epochs=5, batch_size=64, verbose=0)
    assert history.history["acc"][-1] > 0.9
    assert model.optimizer.iterations.numpy() == 5 * int(np.ceil(len(x_train) / 64))


def test_multi_output_losses_weights_and_metrics_by_name(backend: Any) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    inputs = keras.Input((5,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(
        inputs,
        {
            "value": layers.Dense(1, name="value")(hidden),
            "kind": layers.Dense(2, activation="softmax", name="kind")(hidden),
        },
    )
    model.compile(
        optimizer="adam",
        loss={"value": "mse", "kind": "sparse_categorical_crossentropy"},
        loss_weights={"value": 0.5, "kind": 2.0},
        metrics={"kind": ["accuracy"], "value": ["mae"]},
    )
    logs = model.fit(x, {"value": x.sum(1), "kind": (x[:, 0] > 0).astype("int32")}, epochs=2, verbose=0).history
    assert {"loss", "value_loss", "kind_loss", "kind_accuracy", "value_mae"} <= set(logs)
    np.testing.assert_allclose(logs["loss"][-1], 0.5 * logs["value_loss"][-1] + 2.0 * logs["kind_loss"][-1], rtol=1e-3)


def test_train_test_predict_on_batch(backend: Any) -> None:
    x = np.ones((8, 3), "float32")
    y = np.zeros((8, 1), "float32")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    first = model.train_on_batch(x, y)
    second = model.train_on_batch(x, y)
    assert second < first
    assert model.test_on_batch(x, y, return_dict=True)["loss"] == pytest.approx(
        model.evaluate(x, y, verbose=0), rel=1e-5
    )
    assert model.predict_on_batch(x).shape == (8, 1)


def test_progress_output(backend: Any, capsys: pytest.CaptureFixture) -> None:
    x = np.ones((10, 2), "float32")
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], epochs=2, batch_size=5, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "2/2" in out and "loss:" in out
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_callbacks_receive_float_logs(backend: Any) -> None:
    seen: list = []

    class Recorder(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            seen.append(("batch", batch, logs["loss"]))

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            seen.append(("epoch", epoch, logs["loss"]))
            self.model.stop_training = epoch == 1

    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(
        np.ones((4, 2), "float32"),
        np.ones((4, 1), "float32"),
        epochs=5,
        batch_size=2,
        callbacks=[Recorder()],
        verbose=0,
    )
    assert len(history.epoch) == 2
    assert [kind for kind, *_ in seen] == ["batch", "batch", "epoch"] * 2
    assert all(isinstance(value, float) for *_, value in seen)


def test_fit_with_mismatched_lengths_names_both_sizes(backend: Any) -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous.*'x' sizes: 10.*'y' sizes: 9"):
        model.fit(np.ones((10, 3)), np.ones((9, 1)), verbose=0)


def test_unknown_optimizer_and_loss_list_valid_names() -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    with pytest.raises(
        ValueError, match=r"'adamm'.*Did you mean 'adam'.*Valid optimizer names: .*adam, .*rmsprop, sgd"
    ):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(
        ValueError,
        match=r"Could not interpret loss identifier: 'mean_sqared_error'.*Valid loss names:.*mean_squared_error",
    ):
        model.compile(optimizer="adam", loss="mean_sqared_error")
        model.fit(np.ones((2, 3)), np.ones((2, 1)), verbose=0)


def test_fit_before_compile_explains(backend: Any) -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before calling `fit\(\)`"):
        model.fit(np.ones((2, 3)), np.ones((2, 1)))


def test_class_and_sample_weights_change_the_loss(backend: Any) -> None:
    x = np.ones((4, 2), "float32")
    y = np.array([0, 0, 1, 1])
    model = keras.Sequential([keras.Input((2,)), layers.Dense(2, activation="softmax", kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    plain = model.evaluate(x, y, verbose=0)
    weighted = model.evaluate(x, y, sample_weight=np.array([1.0, 1.0, 0.0, 0.0]), verbose=0)
    assert plain == pytest.approx(np.log(2), rel=1e-5) and weighted == pytest.approx(np.log(2) / 2, rel=1e-5)
    history = model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, batch_size=4, verbose=0)
    assert history.history["loss"][0] == pytest.approx(np.log(2) * 2, rel=1e-5)


def test_categorical_crossentropy_with_a_partial_last_batch(backend: Any) -> None:
    """The loss's shape check must not ask a traced (unknown) batch size for a bool."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((70, 6)).astype("float32")
    y = keras.utils.to_categorical(rng.integers(0, 3, 70), 3)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=32, epochs=2, validation_split=0.2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"] + history.history["val_loss"]))
    with pytest.raises(ValueError, match="must have the same shape"):
        keras.losses.categorical_crossentropy(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"))
