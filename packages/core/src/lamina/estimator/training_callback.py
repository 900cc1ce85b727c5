"""The callback through which an `Estimator` drives `fit`: restore, count, checkpoint, stop."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from lamina.callbacks.callback import Callback

if TYPE_CHECKING:
    from lamina.estimator.estimator import Estimator

logger = logging.getLogger("lamina.estimator")


class TargetReachedError(Exception):
    """Raised from `on_train_begin` when the restored step is the call's target: no step to run."""


def sync_training_state(model: Any) -> None:
    """Writes state a backend holds outside the Variables during `fit` (JAX) back into them."""
    steps = model.__dict__.get("_step_functions")
    if steps is not None:
        steps.sync_to_variables()


class TrainingCallback(Callback):
    """Runs one `Estimator.train` call inside `fit`.

    At the start it restores the latest checkpoint and moves `fit` to the
    position in the data where the call stopped before (`fit`'s resume seam,
    `model._initial_epoch/_initial_step`); after each batch it advances the
    global step, checkpoints on schedule and stops at the target step.

    Args:
        estimator: the Estimator.
        start_step: the global step the `train` call started at.
        target_step: the step to stop at (None: one pass over the data).
        train_call: the record of the call kept in the checkpoint index.
    """

    def __init__(self, estimator: Estimator, start_step: int, target_step: int | None, train_call: dict) -> None:
        super().__init__()
        self.estimator = estimator
        self.start_step = start_step
        self.target_step = target_step
        self.train_call = train_call
        self.global_step = start_step
        self.saved_step: int | None = None
        self._one_pass_stream = False
        self._last_save_time = time.monotonic()

    # -- start -----------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        estimator = self.estimator
        estimator._restore_latest()
        self.global_step = estimator._global_step or 0
        self.saved_step = self.global_step if estimator.latest_checkpoint() else None
        done = self.global_step - self.start_step
        batches = self.params.get("steps")
        if self.target_step is None:
            if batches:
                self.target_step = self.start_step + batches
            else:
                self._one_pass_stream = True  # a generator: train until it ends
        model = self.model
        if done > 0:
            # Skip the batches this call trained on before it was interrupted.
            if batches:
                model._initial_epoch, model._initial_step = divmod(done, batches)
            else:
                model._initial_epoch, model._initial_step = 0, done
        if self.target_step is not None and self.global_step >= self.target_step:
            raise TargetReachedError()
        self._last_save_time = time.monotonic()

    # -- each step -------------------------------------------------------------
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.global_step += 1
        self.estimator._global_step = self.global_step
        config = self.estimator.config
        if config.log_step_count_steps and self.global_step % config.log_step_count_steps == 0:
            logger.info("global_step = %d, loss = %s", self.global_step, (logs or {}).get("loss"))
        if self._checkpoint_due():
            self.save()
        if self.target_step is not None and self.global_step >= self.target_step:
            self.model.stop_training = True

    def _checkpoint_due(self) -> bool:
        config = self.estimator.config
        if config.save_checkpoints_steps:
            return self.global_step % config.save_checkpoints_steps == 0
        return time.monotonic() - self._last_save_time >= config.save_checkpoints_secs

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._one_pass_stream:
            self.model.stop_training = True

    def save(self, finished: bool = False) -> None:
        sync_training_state(self.model)
        self.estimator._checkpoints.save(self.model, self.global_step, None if finished else self.train_call)
        self.saved_step = self.global_step
        self._last_save_time = time.monotonic()

    # -- end -------------------------------------------------------------------
    def on_train_end(self, logs: dict | None = None) -> None:
        self.finish()

    def finish(self) -> None:
        """Saves the final checkpoint (if this step has none) and marks the call finished."""
        if self.saved_step != self.global_step:
            self.save(finished=True)
            return
        index = self.estimator._checkpoints.read()
        if index.train_call is not None:
            index.train_call = None
            self.estimator._checkpoints.write_index(index)
