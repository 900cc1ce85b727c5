"""Training on TensorFlow: `fit`/`evaluate`/`predict` through `tf.function`.

Covers the default steps, Keras-on-TensorFlow style `train_step` overrides
(GradientTape), eager and XLA modes, retracing on a partial last batch,
state that lives in `tf.Variable`s, and one update compared with NumPy and
with Keras 3 on TensorFlow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import lamina  # noqa: E402
from lamina import layers  # noqa: E402


@pytest.fixture(scope="module")
def digits() -> tuple:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def mlp(hidden: int = 64, outputs: int = 10, activation: Any = "softmax", dropout: float = 0.0) -> lamina.Model:
    stack = [lamina.Input((64,)), layers.Dense(hidden, activation="relu")]
    if dropout:
        stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(outputs, activation=activation))
    return lamina.Sequential(stack)


def regression_data(n: int = 96, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) + 0.3).astype("float32")
    return x, y


def train_function(model: lamina.Model) -> Any:
    return model._get_step_functions()._train_fn


# -- fit / evaluate / predict -------------------------------------------------------------------
def test_fit_digits_reaches_high_accuracy(digits: tuple) -> None:
    x_train, x_test, y_train, y_test = digits
    lamina.utils.set_random_seed(0)
    model = mlp(dropout=0.1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=6, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    losses = history.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.9
    probabilities = model.predict(x_test, verbose=0)
    assert isinstance(probabilities, np.ndarray) and probabilities.shape == (len(x_test), 10)
    assert (probabilities.argmax(1) == y_test).mean() == pytest.approx(accuracy, abs=1e-6)
    # The steps ran as tf.functions (not eagerly) and traced at most twice
    # (full batches, then the partial last batch with a None batch dimension).
    fn = train_function(model)
    assert isinstance(fn, tf.types.experimental.PolymorphicFunction)
    assert fn.experimental_get_tracing_count() <= 2


def test_validation_split(digits: tuple) -> None:
    x_train, _, y_train, _ = digits
    lamina.utils.set_random_seed(1)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=5, validation_split=0.2, shuffle=False, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    split = int(len(x_train) * 0.8)
    val_loss, val_accuracy = model.evaluate(x_train[split:], y_train[split:], batch_size=64, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert history.history["val_accuracy"][-1] == pytest.approx(val_accuracy, rel=1e-5)
    assert history.history["val_accuracy"][-1] > 0.8


def test_evaluate_and_predict_shapes() -> None:
    x, y = regression_data(50)
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert set(result) == {"loss", "mae"} and all(isinstance(v, float) for v in result.values())
    outputs = model.predict(x, batch_size=16, verbose=0)
    assert outputs.shape == (50, 1) and outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, model(x).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.mean((outputs - y) ** 2), result["loss"], rtol=1e-4)
    assert model.predict_on_batch(x[:7]).shape == (7, 1)
    logs = model.train_on_batch(x[:8], y[:8], return_dict=True)
    assert set(logs) == {"loss", "mae"} and np.isfinite(logs["loss"])
    assert np.isfinite(model.test_on_batch(x[:8], y[:8])[0])


def test_multiple_inputs_and_outputs() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 3)).astype("float32")
    b = rng.normal(size=(40, 2)).astype("float32")
    in_a, in_b = lamina.Input((3,), name="a"), lamina.Input((2,), name="b")
    merged = layers.Concatenate()([in_a, in_b])
    out_1 = layers.Dense(1, name="out_1")(merged)
    out_2 = layers.Dense(2, activation="softmax", name="out_2")(merged)
    model = lamina.Model({"a": in_a, "b": in_b}, {"out_1": out_1, "out_2": out_2})
    model.compile(optimizer="adam", loss={"out_1": "mse", "out_2": "sparse_categorical_crossentropy"})
    y = {"out_1": a[:, :1] + b[:, :1], "out_2": (a[:, 0] > 0).astype("int32")}
    history = model.fit({"a": a, "b": b}, y, batch_size=16, epochs=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    predictions = model.predict({"a": a, "b": b}, batch_size=16, verbose=0)
    assert predictions["out_1"].shape == (40, 1) and predictions["out_2"].shape == (40, 2)


# -- modes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "kind"),
    [({"run_eagerly": True}, "eager"), ({"jit_compile": False}, "graph"), ({"jit_compile": True}, "xla"), ({}, "auto")],
)
def test_modes_give_finite_decreasing_loss(options: dict, kind: str) -> None:
    x, y = regression_data(128)
    lamina.utils.set_random_seed(3)
    model = lamina.Sequential(
        [lamina.Input((5,)), layers.Dense(16, activation="relu"), layers.Dropout(0.1), layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], **options)
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    fn = train_function(model)
    if kind == "eager":
        assert not isinstance(fn, tf.types.experimental.PolymorphicFunction)
    else:
        from lamina_tensorflow.trainer import resolve_jit_compile

        assert isinstance(fn, tf.types.experimental.PolymorphicFunction)
        expected = {"graph": False, "xla": True, "auto": resolve_jit_compile("auto")}[kind]
        assert bool(fn._jit_compile) is expected


def test_run_eagerly_runs_the_step_eagerly() -> None:
    seen = []

    class Probe(lamina.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs)

        def train_step(self, data: Any) -> dict:
            seen.append(tf.executing_eagerly())
            return super().train_step(data)

    model = Probe()
    x, y = regression_data(64)
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert seen == [True] * 4
    seen.clear()
    model.run_eagerly = False
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert seen == [False]  # traced once, then run as a graph


def test_partial_last_batch_traces_at_most_twice() -> None:
    x, y = regression_data(100)  # 100 = 3 * 32 + 4
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", jit_compile=False)
    history = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert train_function(model).experimental_get_tracing_count() <= 2
    # Another fit and another batch size reuse the generalized trace.
    model.fit(x, y, batch_size=24, epochs=1, verbose=0)
    assert train_function(model).experimental_get_tracing_count() <= 2
    # The partial batch was used: the loss tracker counts every sample.
    model.evaluate(x, y, batch_size=32, verbose=0)
    assert float(model._loss_tracker.count.numpy()) == 100.0


@pytest.mark.parametrize("jit_compile", [False, True])
def test_partial_last_batch_with_xla(jit_compile: bool) -> None:
    x, y = regression_data(70)
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(4), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < history.history["loss"][0]


# -- train_step overrides, Keras-on-TensorFlow style -------------------------------------------------
class GradientTapeModel(lamina.Model):
    """Overrides `train_step` exactly as Keras 3 documents it for TensorFlow."""

    def __init__(self, use_apply_gradients: bool = False) -> None:
        super().__init__()
        self.use_apply_gradients = use_apply_gradients
        self.hidden = layers.Dense(64, activation="relu")
        self.classifier = layers.Dense(10, activation="softmax")

    def call(self, inputs: Any) -> Any:
        return self.classifier(self.hidden(inputs))

    def train_step(self, data: Any) -> dict:
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        if self.use_apply_gradients:
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        else:
            self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data: Any) -> dict:
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


@pytest.mark.parametrize("use_apply_gradients", [False, True])
@pytest.mark.parametrize("run_eagerly", [False, True])
def test_keras_tf_style_train_step_override(digits: tuple, use_apply_gradients: bool, run_eagerly: bool) -> None:
    x_train, x_test, y_train, y_test = digits
    lamina.utils.set_random_seed(4)
    model = GradientTapeModel(use_apply_gradients)
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=run_eagerly
    )
    epochs = 4
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(model.optimizer.iterations.numpy()) == epochs * int(np.ceil(len(x_train) / 32))
    logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    assert logs["accuracy"] > 0.85


def test_keras_tf_style_custom_metrics_without_compiled_loss() -> None:
    class TrackedModel(lamina.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = layers.Dense(1)
            self.loss_tracker = lamina.metrics.Mean(name="loss")
            self.mae_metric = lamina.metrics.MeanAbsoluteError(name="mae")

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs)

        def train_step(self, data: Any) -> dict:
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = tf.reduce_mean(tf.square(y_pred - y))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self) -> list:
            return [self.loss_tracker, self.mae_metric]

    x, y = regression_data(96)
    model = TrackedModel()
    model.compile(optimizer=lamina.optimizers.Adam(0.05))
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    # Metrics are reset at each epoch: the logged loss is the epoch's mean.
    assert float(model.loss_tracker.count.numpy()) == 3.0


def test_overridden_compute_loss_is_used() -> None:
    class DoubledLoss(lamina.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = layers.Dense(1, kernel_initializer="zeros")

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs)

        def compute_loss(
            self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None, training: bool = True
        ) -> Any:
            return 2.0 * super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)

    x, y = regression_data(32)
    model = DoubledLoss()
    model.compile(optimizer=lamina.optimizers.SGD(0.0), loss="mse")
    loss = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(2.0 * float(np.mean(y**2)), rel=1e-5)


# -- state in tf.Variables -------------------------------------------------------------------------
def test_state_changes_between_fits_and_epochs_are_seen() -> None:
    x, y = regression_data(64)
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    zeros = [np.zeros_like(w) for w in model.get_weights()]
    model.set_weights(zeros)
    model.optimizer.learning_rate = 0.0
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    for weight in model.get_weights():
        np.testing.assert_array_equal(weight, 0.0)
    assert int(model.optimizer.iterations.numpy()) == 8

    class StopLearning(lamina.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.model.optimizer.learning_rate = 0.0

    model.optimizer.learning_rate = 0.1
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[StopLearning()])
    after_first = model.get_weights()
    assert not np.allclose(after_first[0], 0.0)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    for before, after in zip(after_first, model.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_frozen_and_unfrozen_layers() -> None:
    x, y = regression_data(64)
    frozen = layers.Dense(4, name="frozen")
    model = lamina.Sequential([lamina.Input((5,)), frozen, layers.Dense(1)])
    frozen.trainable = False
    before = [w.copy() for w in frozen.get_weights()]
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    for old, new in zip(before, frozen.get_weights()):
        np.testing.assert_array_equal(old, new)

    # Created frozen (its tf.Variables are not trainable), then unfrozen:
    # the Lamina flag decides, so it trains.
    late = layers.Dense(4, name="late", trainable=False)
    model = lamina.Sequential([lamina.Input((5,)), late, layers.Dense(1)])
    late.trainable = True
    before = [w.copy() for w in late.get_weights()]
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert not np.allclose(before[0], late.get_weights()[0])


def test_add_loss_and_regularizers_are_trained_and_not_leaked() -> None:
    class Penalized(layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="ones", name="w")

        def call(self, inputs: Any) -> Any:
            self.add_loss(0.1 * lamina.ops.sum(lamina.ops.square(self.w)))
            return lamina.ops.matmul(inputs, self.w)

    x, y = regression_data(64)
    model = lamina.Sequential([lamina.Input((5,)), Penalized(), layers.Dense(1, kernel_regularizer="l2")])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for loss in model.losses:  # no graph tensors left over from the traced step
        assert not tf.is_symbolic_tensor(loss)
    model(x[:4])
    assert len(model.losses) == 2


def test_dropout_draws_new_masks_each_step() -> None:
    model = lamina.Sequential([lamina.Input((20,)), layers.Dropout(0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 20), "float32")
    seen = []

    class Probe(lamina.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            seen.append(logs["loss"])

    model.fit(x, np.zeros((4, 20), "float32"), batch_size=4, epochs=4, verbose=0, callbacks=[Probe()])
    # The loss is the mean of the kept (scaled) inputs: it differs between steps.
    assert len(set(np.round(seen, 6))) > 1


# -- one update compared with NumPy and with Keras 3 ---------------------------------------------------
def test_one_sgd_step_matches_numpy() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
    weights = [rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(x, y)

    w1, b1, w2, b2 = [w.astype("float64") for w in weights]
    pre = x @ w1 + b1
    h = np.maximum(pre, 0)
    out = h @ w2 + b2
    expected_loss = np.mean((out - y) ** 2)
    d_out = 2 * (out - y) / out.size
    grads = [None, None, h.T @ d_out, d_out.sum(0)]
    d_pre = (d_out @ w2.T) * (pre > 0)
    grads[0], grads[1] = x.T @ d_pre, d_pre.sum(0)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    for got, start, grad in zip(model.get_weights(), (w1, b1, w2, b2), grads):
        np.testing.assert_allclose(got, start - 0.1 * grad, rtol=1e-5, atol=1e-6)


_KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras
    data = np.load(sys.argv[1])
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.set_weights([data[f"w{i}"] for i in range(4)])
    optimizer = {"sgd": keras.optimizers.SGD(0.1), "adam": keras.optimizers.Adam(0.01)}[sys.argv[2]]
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    logs = [model.train_on_batch(data["x"], data["y"], return_dict=True) for _ in range(int(sys.argv[3]))]
    np.savez(sys.argv[1] + ".out.npz", *model.get_weights())
    print(json.dumps({k: float(v) for k, v in logs[-1].items()}))
    """
)


@pytest.mark.parametrize(("optimizer", "steps"), [("sgd", 1), ("adam", 3)])
def test_steps_match_keras_on_tensorflow(tmp_path: Any, optimizer: str, steps: int) -> None:
    pytest.importorskip("keras")
    rng = np.random.default_rng(6)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.integers(0, 3, size=(16,)).astype("int32")
    model = lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(6, activation="relu"), layers.Dense(3, activation="softmax")]
    )
    weights = model.get_weights()
    path = tmp_path / "data.npz"
    np.savez(path, x=x, y=y, **{f"w{i}": w for i, w in enumerate(weights)})
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-c", _KERAS_SCRIPT, str(path), optimizer, str(steps)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    keras_logs = json.loads(result.stdout.strip().splitlines()[-1])
    keras_weights = np.load(str(path) + ".out.npz")

    lamina_optimizer = {"sgd": lamina.optimizers.SGD(0.1), "adam": lamina.optimizers.Adam(0.01)}[optimizer]
    model.compile(optimizer=lamina_optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    for _ in range(steps):
        # Keras 3 resets the metrics in each train_on_batch; Lamina does not.
        model.reset_metrics()
        logs = model.train_on_batch(x, y, return_dict=True)
    assert logs["loss"] == pytest.approx(keras_logs["loss"], rel=1e-5)
    assert logs["accuracy"] == pytest.approx(keras_logs["accuracy"])
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, keras_weights[f"arr_{i}"], rtol=1e-5, atol=1e-6)


# -- fused optimizer kernels ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda: lamina.optimizers.Adam(0.01),
        lambda: lamina.optimizers.Adam(0.01, amsgrad=True),
        lambda: lamina.optimizers.AdamW(0.01, weight_decay=0.1),
        lambda: lamina.optimizers.SGD(0.1),
        lambda: lamina.optimizers.SGD(0.1, momentum=0.9),
        lambda: lamina.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: lamina.optimizers.Adam(lambda step: 0.01 / (1.0 + lamina.ops.cast(step, "float32"))),
    ],
    ids=["adam", "amsgrad", "adamw", "sgd", "momentum", "nesterov", "schedule"],
)
@pytest.mark.parametrize("compiled", [False, True])
def test_fused_optimizer_kernels_match_the_generic_rule(
    make_optimizer: Any, compiled: bool, tf_backend: Any, monkeypatch: Any
) -> None:
    rng = np.random.default_rng(7)
    initial = [rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")]
    gradients = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(3)]

    def run(fused: bool) -> list:
        calls = []
        original = type(tf_backend).fused_optimizer_update

        def spy(self: Any, *args: Any) -> bool:
            result = original(self, *args) if fused else False
            calls.append(result)
            return result

        monkeypatch.setattr(type(tf_backend), "fused_optimizer_update", spy)
        variables = [lamina.Variable(w.copy()) for w in initial]
        optimizer = make_optimizer()
        optimizer.build(variables)
        apply = lambda grads: optimizer.apply(grads, variables)  # noqa: E731
        if compiled:
            apply = tf.function(apply)
        for grads in gradients:
            apply([tf.constant(g) for g in grads])
        assert calls and all(calls) is fused
        return [v.numpy() for v in variables] + [v.numpy() for v in optimizer.variables]

    for got, want in zip(run(True), run(False)):
        # Equal up to float32 rounding of the update (steps are ~1e-2).
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_fused_kernels_are_skipped_for_custom_rules() -> None:
    from lamina_tensorflow.optimizers import fused_optimizer_update

    class Custom(lamina.optimizers.SGD):
        def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
            variable.assign_sub(gradient)

    variable = lamina.Variable(np.ones(3, "float32"))
    optimizer = Custom(0.1)
    optimizer.build([variable])
    assert not fused_optimizer_update(optimizer, [tf.ones(3)], [variable], 0.1)
    optimizer.apply([tf.ones(3)], [variable])
    np.testing.assert_array_equal(variable.numpy(), 0.0)
    rms = lamina.optimizers.RMSprop(0.1)
    rms.build([variable])
    assert not fused_optimizer_update(rms, [tf.ones(3)], [variable], 0.1)
