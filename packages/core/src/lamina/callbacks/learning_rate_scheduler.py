"""`LearningRateScheduler`: sets the learning rate at the start of each epoch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lamina.callbacks._state_sync import sync_training_state
from lamina.callbacks.callback import Callback
from lamina.callbacks.reduce_lr_on_plateau import current_learning_rate


class LearningRateScheduler(Callback):
    """Sets the learning rate to `schedule(epoch, lr)` before each epoch.

    Args:
        schedule: a function of the epoch index (from 0) and the current
            learning rate returning the new rate as a float
            (`schedule(epoch)` works too).
        verbose: 1 prints each update.

    Example:
        ```python
        def schedule(epoch, lr):
            return lr if epoch < 10 else lr * 0.9

        model.fit(x, y, epochs=15, callbacks=[lamina.callbacks.LearningRateScheduler(schedule)])
        ```
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"`schedule` must be a function of (epoch, lr). Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, current_learning_rate(optimizer))
        except TypeError:  # a schedule of the epoch only
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, int, np.floating)) or isinstance(learning_rate, bool):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")
        # The epoch's state may already be loaded (JAX): write it back first so the new rate is read.
        sync_training_state(self.model)
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(learning_rate)}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = current_learning_rate(self.model.optimizer)
