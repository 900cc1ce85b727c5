"""Behaviour of the training callbacks on every backend (Keras 3 hook order and semantics)."""

from __future__ import annotations

import csv
import os
from typing import Any

import numpy as np
import pytest

import lamina

BATCH = 8
SAMPLES = 32  # 4 batches per epoch


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(SAMPLES, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    return x, y


def make_model(optimizer: Any = None, seed: int = 1) -> Any:
    inputs = lamina.Input((3,))
    outputs = lamina.layers.Dense(1)(inputs)
    model = lamina.Model(inputs, outputs)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=(3, 1)).astype("float32"), np.zeros((1,), "float32")])
    model.compile(optimizer=optimizer or lamina.optimizers.SGD(0.05), loss="mse")
    return model


class ScriptedValue(lamina.callbacks.Callback):
    """Puts `values[epoch]` into the epoch logs under `key` and records the weights."""

    def __init__(self, key: str, values: list[float]) -> None:
        super().__init__()
        self.key = key
        self.values = values
        self.weights: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs[self.key] = self.values[epoch]
        self.weights.append(self.model.get_weights())


def assert_weights_equal(a: list, b: list, **kwargs: Any) -> None:
    assert len(a) == len(b)
    for left, right in zip(a, b):
        np.testing.assert_allclose(left, right, **kwargs)


# -- EarlyStopping ------------------------------------------------------------------------
def test_early_stopping_stops_at_the_right_epoch_and_restores_best_weights(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    script = ScriptedValue("val_fake", [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1])
    stop = lamina.callbacks.EarlyStopping(monitor="val_fake", mode="min", patience=2, restore_best_weights=True)
    history = model.fit(x, y, batch_size=BATCH, epochs=8, shuffle=False, verbose=0, callbacks=[script, stop])
    # Best at epoch 1; epochs 2 and 3 do not improve: patience 2 is reached at epoch 3.
    assert stop.stopped_epoch == 3
    assert len(history.history["loss"]) == 4
    assert stop.best_epoch == 1
    assert_weights_equal(model.get_weights(), script.weights[1])
    assert not np.allclose(script.weights[1][0], script.weights[3][0])


def test_early_stopping_baseline_and_start_from_epoch(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    script = ScriptedValue("val_fake", [0.1, 0.1, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    # Values before epoch 2 are ignored. Epoch 2 is the best so far but does not beat the baseline,
    # so its wait is not reset: patience 2 ends training at epoch 3 (without a baseline: epoch 4).
    stop = lamina.callbacks.EarlyStopping(monitor="val_fake", mode="min", patience=2, baseline=1.0, start_from_epoch=2)
    history = model.fit(x, y, batch_size=BATCH, epochs=8, shuffle=False, verbose=0, callbacks=[script, stop])
    assert stop.stopped_epoch == 3
    assert len(history.history["loss"]) == 4


def test_early_stopping_auto_mode_uses_metric_direction(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=[lamina.metrics.R2Score()])
    stop = lamina.callbacks.EarlyStopping(monitor="loss")
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[stop])
    assert stop.monitor_op is np.less
    stop = lamina.callbacks.EarlyStopping(monitor="r2_score")
    stop.set_model(model)
    stop._set_monitor_op()
    assert stop.monitor_op is np.greater
    stop = lamina.callbacks.EarlyStopping(monitor="something_else")
    stop.set_model(model)
    with pytest.raises(ValueError, match="mode='max'"):
        stop._set_monitor_op()


# -- learning rate ------------------------------------------------------------------------
def test_reduce_lr_on_plateau_changes_the_rate(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model(lamina.optimizers.SGD(0.1))
    script = ScriptedValue("val_fake", [1.0, 1.0, 1.0, 0.5, 0.5])
    reduce = lamina.callbacks.ReduceLROnPlateau(monitor="val_fake", mode="min", factor=0.5, patience=1, min_lr=0.03)
    history = model.fit(x, y, batch_size=BATCH, epochs=5, shuffle=False, verbose=0, callbacks=[script, reduce])
    # The rate is logged before each epoch's decision: halved after epochs 1 and 2 (floored at min_lr).
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1, 0.05, 0.03, 0.03], rtol=1e-6)
    rate = float(lamina.ops.convert_to_numpy(model.optimizer.learning_rate))
    np.testing.assert_allclose(rate, 0.03, rtol=1e-6)


def test_learning_rate_scheduler_rate_is_used_by_the_next_epoch(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model(lamina.optimizers.SGD(0.1))
    record = ScriptedValue("unused", [0.0] * 3)
    scheduler = lamina.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.0)
    history = model.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0, callbacks=[scheduler, record])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.0, 0.0])
    # A rate of 0 from epoch 1 on: the weights no longer move.
    assert_weights_equal(record.weights[1], record.weights[0])
    assert_weights_equal(record.weights[2], record.weights[0])


def test_learning_rate_scheduler_epoch_only_schedule(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model(lamina.optimizers.SGD(0.1))
    scheduler = lamina.callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    history = model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[scheduler])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.02], rtol=1e-6)
    with pytest.raises(ValueError, match="should be a float"):
        bad = lamina.callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[bad])


# -- ModelCheckpoint ----------------------------------------------------------------------
def test_model_checkpoint_filepath_template_with_epoch_and_logs(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    model = make_model()
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{loss:.4f}.weights.h5")
    checkpoint = lamina.callbacks.ModelCheckpoint(pattern, monitor="loss", save_weights_only=True)
    history = model.fit(x, y, batch_size=BATCH, epochs=3, verbose=0, callbacks=[checkpoint])
    expected = {f"ckpt-{e + 1:02d}-{loss:.4f}.weights.h5" for e, loss in enumerate(history.history["loss"])}
    assert set(os.listdir(tmp_path)) == expected


def test_model_checkpoint_save_best_only(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    model = make_model()
    script = ScriptedValue("val_fake", [1.0, 0.5, 0.7, 0.4, 0.45])
    checkpoint = lamina.callbacks.ModelCheckpoint(
        str(tmp_path / "best-{epoch}.weights.h5"),
        monitor="val_fake",
        mode="min",
        save_best_only=True,
        save_weights_only=True,
    )
    model.fit(x, y, batch_size=BATCH, epochs=5, shuffle=False, verbose=0, callbacks=[script, checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["best-1.weights.h5", "best-2.weights.h5", "best-4.weights.h5"]
    # The file holds the weights of its epoch.
    fresh = make_model(seed=7)
    fresh.load_weights(str(tmp_path / "best-4.weights.h5"))
    assert_weights_equal(fresh.get_weights(), script.weights[3])


def test_model_checkpoint_initial_value_threshold_and_max_mode(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    model = make_model()
    script = ScriptedValue("val_score", [0.5, 0.7, 0.9, 0.95])
    checkpoint = lamina.callbacks.ModelCheckpoint(
        str(tmp_path / "m-{epoch}.weights.h5"),
        monitor="val_score",
        mode="max",
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=0.8,
    )
    model.fit(x, y, batch_size=BATCH, epochs=4, verbose=0, callbacks=[script, checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["m-3.weights.h5", "m-4.weights.h5"]


def test_model_checkpoint_whole_model_round_trip(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    model = make_model()
    path = tmp_path / "model.keras"
    checkpoint = lamina.callbacks.ModelCheckpoint(str(path), monitor="loss")
    model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=[checkpoint])
    restored = lamina.models.load_model(str(path))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_model_checkpoint_every_n_batches_saves_current_weights(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    model = make_model()
    record = ScriptedValue("unused", [0.0] * 2)
    checkpoint = lamina.callbacks.ModelCheckpoint(
        str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True, save_freq=3
    )
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint, record])
    # 4 batches per epoch: the 3rd and 6th batches overall.
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]

    every_epoch = tmp_path / "per4"
    model = make_model()
    record = ScriptedValue("unused", [0.0] * 2)
    checkpoint = lamina.callbacks.ModelCheckpoint(
        str(every_epoch / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True, save_freq=4
    )
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint, record])
    fresh = make_model(seed=7)
    fresh.load_weights(str(every_epoch / "e2-b4.weights.h5"))
    assert_weights_equal(fresh.get_weights(), record.weights[1])


def test_model_checkpoint_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        lamina.callbacks.ModelCheckpoint("model.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"\.keras"):
        lamina.callbacks.ModelCheckpoint("model.ckpt")
    with pytest.raises(ValueError, match="save_freq"):
        lamina.callbacks.ModelCheckpoint("model.keras", save_freq="never")


# -- TerminateOnNaN, CSVLogger, LambdaCallback ------------------------------------------------
def test_terminate_on_nan_stops_training(trainable_backend: Any) -> None:
    x, y = make_data()
    x[9] = np.nan  # in the second batch
    model = make_model()
    seen: list[int] = []
    count = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    history = model.fit(
        x,
        y,
        batch_size=BATCH,
        epochs=3,
        shuffle=False,
        verbose=0,
        callbacks=[lamina.callbacks.TerminateOnNaN(), count],
    )
    assert seen == [0, 1]
    assert len(history.history["loss"]) == 1
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        model = make_model()
        model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0,
                  callbacks=[lamina.callbacks.TerminateOnNaN(raise_error=True)])  # fmt: skip


def test_csv_logger_writes_and_appends(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    path = tmp_path / "log.csv"
    model = make_model()
    history = model.fit(
        x,
        y,
        batch_size=BATCH,
        epochs=2,
        validation_data=(x, y),
        verbose=0,
        callbacks=[lamina.callbacks.CSVLogger(str(path))],
    )
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    assert list(rows[0]) == ["epoch", "loss", "val_loss"]
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows], history.history["val_loss"], rtol=1e-6)
    model.fit(
        x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[lamina.callbacks.CSVLogger(str(path), append=True)]
    )
    with open(path, newline="") as handle:
        lines = handle.read().strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch")  # one header, three rows
    assert lines[3].split(",")[-1] == "NA"  # no validation in the appended run


def test_lambda_callback_calls_every_given_hook(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    calls: list[str] = []
    callback = lamina.callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_batch_end=lambda batch, logs: calls.append(f"test_batch_end {batch}"),
    )
    model.fit(x, y, batch_size=16, epochs=1, validation_data=(x[:8], y[:8]), verbose=0, callbacks=[callback])
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        "batch_begin 0",
        "batch_end 0 ['loss']",
        "batch_begin 1",
        "batch_end 1 ['loss']",
        "test_batch_end 0",
        "epoch_end 0 ['loss', 'val_loss']",
        "train_end",
    ]


# -- History plot -----------------------------------------------------------------------------
def test_history_plot_and_plot_history_write_png(trainable_backend: Any, tmp_path: Any) -> None:
    pytest.importorskip("matplotlib")
    x, y = make_data()
    model = make_model()
    history = model.fit(x, y, batch_size=BATCH, epochs=3, validation_data=(x, y), verbose=0)
    first = tmp_path / "history.png"
    ax = history.plot(path=first)
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss"]
    second = tmp_path / "plot_history.png"
    figure = lamina.utils.plot_history(history, second)
    assert figure is not None
    for path in (first, second):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lamina.utils.plot_history(history.history, tmp_path / "from_dict.png", metrics=["loss"])
    with pytest.raises(ValueError, match="No recorded values"):
        history.plot(metrics=["accuracy"])


def test_plot_history_without_matplotlib_names_the_install(backend: Any, monkeypatch: Any) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        lamina.utils.plot_history({"loss": [1.0, 0.5]}, "unused.png")


# -- SwapEMAWeights ------------------------------------------------------------------------------
def _ema_optimizer() -> Any:
    try:
        return lamina.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    except (TypeError, ValueError) as error:
        pytest.skip(f"Optimizers do not support `use_ema` yet ({error}); SwapEMAWeights needs it.")


def test_swap_ema_weights_validates_with_the_averages(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model(_ema_optimizer())
    seen: dict[str, Any] = {}

    class Spy(lamina.callbacks.Callback):
        def on_test_begin(self, logs: dict | None = None) -> None:
            seen["during_validation"] = self.model.get_weights()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            seen["after_epoch"] = self.model.get_weights()

    history = model.fit(
        x,
        y,
        batch_size=BATCH,
        epochs=2,
        shuffle=False,
        validation_data=(x, y),
        verbose=0,
        callbacks=[lamina.callbacks.SwapEMAWeights(), Spy()],
    )
    optimizer = model.optimizer
    averages = [v.numpy() for v in optimizer._model_variables_moving_average]
    raw = seen["after_epoch"]
    assert not np.allclose(averages[0], raw[0])
    # During validation the model held the averages; after it the raw weights were back.
    assert_weights_equal(seen["during_validation"], averages, rtol=1e-6)
    # As in Keras, fit ends by copying the averages into the model (finalize_variable_values).
    assert_weights_equal(model.get_weights(), averages, rtol=1e-6)
    for variable, value in zip(optimizer._trainable_variables, averages):
        variable.assign(value)
    expected = model.evaluate(x, y, batch_size=BATCH, verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][-1], expected, rtol=1e-5)


def test_swap_ema_weights_requires_use_ema(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(x, y, epochs=1, validation_data=(x, y), verbose=0, callbacks=[lamina.callbacks.SwapEMAWeights()])
