"""Callbacks in a multi-process job: they run on the chief, which shares its decisions.

Every process runs the same training loop; only the chief (process 0) runs
the user's callbacks and the progress bar, so that one process writes
checkpoints, logs and output. `History` runs everywhere (`fit` returns it on
every process; the logs are global, so it is the same, less what callbacks
add to the logs, such as the learning rate). What the chief's callbacks
decide reaches the other processes through the backend's broadcast: the
epoch and step to resume from after `on_train_begin`, and `stop_training`
after every epoch, and after every batch if one of the chief's callbacks
acts after batches (the chief says so in `on_train_begin`; a broadcast per
batch costs a collective per step). Weights and optimizer state the
callbacks change (a restored backup, a new learning rate) reach them
through the step functions, which copy the chief's state at each epoch start.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import CallbackList
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger


def _acts_after_batches(callback: Any) -> bool:
    """Whether a callback may stop training after a batch (anything but the progress bar and history)."""
    if isinstance(callback, (History, ProgbarLogger)):
        return False
    hooks = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
    return any(
        hook in vars(callback) or getattr(type(callback), hook, None) is not getattr(Callback, hook) for hook in hooks
    )


class ChiefCallbackList(CallbackList):
    """A `CallbackList` for one process of a multi-process distribution.

    Args:
        callbacks: the loop's callbacks; on processes other than the chief
            only the `History` instances among them run.
        distribution: the current `Distribution`.
        model, params: as for `CallbackList`.
    """

    def __init__(self, callbacks: list | None, distribution: Any, model: Any = None, **params: Any) -> None:
        self.distribution = distribution
        callbacks = list(callbacks or [])
        self._sync_batches = any(_acts_after_batches(callback) for callback in callbacks)
        if not distribution.is_chief:
            callbacks = [callback for callback in callbacks if isinstance(callback, History)]
        super().__init__(callbacks, model=model, **params)

    def _broadcast(self, values: list) -> list:
        array = np.asarray(values, dtype="int64")
        return [int(value) for value in self.distribution.backend.distribution_broadcast(array)]

    def _share_stop_training(self) -> None:
        if self.model is not None:
            self.model.stop_training = bool(self._broadcast([bool(self.model.stop_training)])[0])

    def on_train_begin(self, logs: dict | None = None) -> None:
        super().on_train_begin(logs)
        if self.model is None:
            return
        # BackupAndRestore sets where to resume on the chief.
        epoch, step, sync_batches = self._broadcast(
            [
                -1 if self.model._initial_epoch is None else self.model._initial_epoch,
                self.model._initial_step or 0,
                int(self._sync_batches),
            ]
        )
        self.model._initial_epoch = None if epoch < 0 else epoch
        self.model._initial_step = step or None
        self._sync_batches = bool(sync_batches)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        super().on_train_batch_end(batch, logs)
        if self._sync_batches:
            self._share_stop_training()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        self._share_stop_training()
