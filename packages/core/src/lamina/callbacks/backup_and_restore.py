"""`BackupAndRestore`: resumes a `fit` that was interrupted, where it stopped."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import numpy as np

from lamina.callbacks._state_sync import sync_training_state
from lamina.callbacks.callback import Callback

_WEIGHTS = "latest.weights.h5"
_OPTIMIZER = "latest.optimizer.npz"
_METADATA = "training_metadata.json"


class BackupAndRestore(Callback):
    """Backs up the training state, and restores it when `fit` starts again.

    Run `fit` with the same `backup_dir` after an interruption (a crash, a
    preempted machine): the weights, the optimizer state and the position
    (epoch, and batch with an integer `save_freq`) are restored, and training
    goes on from there. The backup is deleted when training finishes.

    Args:
        backup_dir: the folder that holds the backup (one per run).
        save_freq: "epoch" (back up after each epoch) or an integer (every
            that many batches).
        double_checkpoint: keep the previous backup too (".bkp" files), used
            when the latest one cannot be read.
        delete_checkpoint: delete `backup_dir` when training ends normally.

    Example:
        ```python
        backup = lamina.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
        model.fit(x, y, epochs=10, callbacks=[backup])   # interrupted at epoch 4...
        model.fit(x, y, epochs=10, callbacks=[backup])   # ...goes on from epoch 4
        ```
    """

    def __init__(
        self,
        backup_dir: str | os.PathLike,
        save_freq: Any = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed. Pass the folder to keep the backup in.")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. Expected either "
                "'epoch' or a positive integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, _WEIGHTS)
        self._optimizer_path = os.path.join(self.backup_dir, _OPTIMIZER)
        self._training_metadata_path = os.path.join(self.backup_dir, _METADATA)
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    def _paths(self) -> list[str]:
        return [self._weights_path, self._optimizer_path, self._training_metadata_path]

    # -- restore ---------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        try:
            self._load_model()
        except (OSError, ValueError):  # an unreadable latest backup (h5py or the weights format)
            previous = [f"{path}.bkp" for path in self._paths()]
            if not os.path.exists(previous[0]):
                raise
            for backup, path in zip(previous, self._paths()):
                if os.path.exists(backup):
                    shutil.copyfile(backup, path)
                elif os.path.exists(path):
                    os.remove(path)
            self._load_model()

    def _load_model(self) -> None:
        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you call `fit()`. "
                f"Model {model} is unbuilt. Build it by calling it on a batch of data first."
            )
        if not os.path.exists(self._weights_path):
            return
        sync_training_state(model)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            optimizer.build(model.trainable_variables)
        model.load_weights(self._weights_path)
        steps = model.__dict__.get("_step_functions")
        if steps is not None:
            # Loading weights resets the step functions; `fit` already holds its train
            # function, so compile it again now (a no-op where nothing was dropped).
            steps.make_train_function()
        if optimizer is not None and os.path.exists(self._optimizer_path):
            with np.load(self._optimizer_path) as stored:
                values = [stored[f"arr_{i}"] for i in range(len(stored.files))]
            variables = optimizer.variables
            if len(values) != len(variables):
                raise ValueError(
                    f"The optimizer state in {self._optimizer_path} has {len(values)} variables, the model's "
                    f"optimizer has {len(variables)}. Delete {self.backup_dir} to start over."
                )
            for variable, value in zip(variables, values):
                variable.assign(value)
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path, encoding="utf-8") as handle:
                metadata = json.load(handle)
            model._initial_epoch = int(metadata["epoch"])
            model._initial_step = int(metadata.get("steps_done", 0))
            self._current_epoch = model._initial_epoch

    # -- back up -------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model(steps_done=0)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(steps_done=batch + 1)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, steps_done: int) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in self._paths():
                if os.path.exists(path):
                    shutil.copyfile(path, f"{path}.bkp")
        model = self.model
        sync_training_state(model)
        model.save_weights(self._weights_path, overwrite=True)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and optimizer.built:
            arrays = [np.asarray(variable.numpy()) for variable in optimizer.variables]
            temporary = f"{self._optimizer_path}.tmp.npz"
            np.savez(temporary, *arrays)
            os.replace(temporary, self._optimizer_path)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen, "steps_done": steps_done}
        temporary = f"{self._training_metadata_path}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(metadata, handle)
        os.replace(temporary, self._training_metadata_path)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
