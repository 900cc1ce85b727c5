"""BackupAndRestore: a run killed mid-training and restarted ends where an uninterrupted run does."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest

import lamina

EPOCHS = 4
BATCH = 8


class KilledError(Exception):
    """Stands for the process dying (a crash or a preempted machine)."""


class KillAt(lamina.callbacks.Callback):
    """Raises after the given epoch ends, or after the given batch of an epoch."""

    def __init__(self, epoch: int, batch: int | None = None) -> None:
        super().__init__()
        self.epoch = epoch
        self.batch = batch
        self._current = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.batch is not None and self._current == self.epoch and batch == self.batch:
            raise KilledError(f"killed after batch {batch} of epoch {self.epoch}")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.batch is None and epoch == self.epoch:
            raise KilledError(f"killed after epoch {epoch}")


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = np.tanh(x @ np.array([[1.0], [-2.0], [0.5]], "float32"))
    return x, y


def make_model(seed: int) -> Any:
    inputs = lamina.Input((3,))
    hidden = lamina.layers.Dense(4, activation="tanh")(inputs)
    model = lamina.Model(inputs, lamina.layers.Dense(1)(hidden))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    # Adam: the resumed run must also get the optimizer's moments and step count back.
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    return model


def uninterrupted() -> list[np.ndarray]:
    x, y = make_data()
    model = make_model(seed=1)
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize(
    "save_freq,kill",
    [("epoch", {"epoch": 1}), (3, {"epoch": 2, "batch": 2})],
    ids=["every-epoch-killed-after-epoch-1", "every-3-batches-killed-mid-epoch-2"],
)
def test_resumed_run_matches_uninterrupted_run(
    trainable_backend: Any, tmp_path: Any, save_freq: Any, kill: dict
) -> None:
    x, y = make_data()
    backup_dir = str(tmp_path / "backup")
    first = make_model(seed=1)
    with pytest.raises(KilledError):
        first.fit(
            x,
            y,
            batch_size=BATCH,
            epochs=EPOCHS,
            shuffle=False,
            verbose=0,
            callbacks=[lamina.callbacks.BackupAndRestore(backup_dir, save_freq=save_freq), KillAt(**kill)],
        )
    assert os.path.exists(os.path.join(backup_dir, "latest.weights.h5"))

    # A new process: a fresh model with other initial weights, the same backup folder.
    second = make_model(seed=99)
    epochs_run: list[int] = []
    history = second.fit(
        x,
        y,
        batch_size=BATCH,
        epochs=EPOCHS,
        shuffle=False,
        verbose=0,
        callbacks=[
            lamina.callbacks.BackupAndRestore(backup_dir, save_freq=save_freq),
            lamina.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_run.append(epoch)),
        ],
    )
    expected_start = kill["epoch"] + 1 if save_freq == "epoch" else kill["epoch"]
    assert epochs_run == list(range(expected_start, EPOCHS))
    assert len(history.history["loss"]) == EPOCHS - expected_start
    for got, want in zip(second.get_weights(), uninterrupted()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not os.path.exists(backup_dir)  # deleted after a finished run


def test_double_checkpoint_falls_back_to_the_previous_backup(trainable_backend: Any, tmp_path: Any) -> None:
    x, y = make_data()
    backup_dir = tmp_path / "backup"
    model = make_model(seed=1)
    with pytest.raises(KilledError):
        model.fit(
            x,
            y,
            batch_size=BATCH,
            epochs=EPOCHS,
            shuffle=False,
            verbose=0,
            callbacks=[lamina.callbacks.BackupAndRestore(str(backup_dir), double_checkpoint=True), KillAt(epoch=1)],
        )
    assert (backup_dir / "latest.weights.h5.bkp").exists()
    (backup_dir / "latest.weights.h5").write_bytes(b"not an HDF5 file")  # the latest backup is damaged
    epochs_run: list[int] = []
    resumed = make_model(seed=5)
    try:
        resumed.fit(
            x,
            y,
            batch_size=BATCH,
            epochs=EPOCHS,
            shuffle=False,
            verbose=0,
            callbacks=[
                lamina.callbacks.BackupAndRestore(str(backup_dir), double_checkpoint=True),
                lamina.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: epochs_run.append(epoch)),
            ],
        )
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"A damaged latest backup should fall back to the previous one; got {error!r}")
    assert epochs_run[0] == 1  # the previous backup: after epoch 0


def test_backup_and_restore_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="backup_dir"):
        lamina.callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        lamina.callbacks.BackupAndRestore("/tmp/x", save_freq="often")
