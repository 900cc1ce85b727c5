"""`SwapEMAWeights`: evaluates (and optionally checkpoints) with the EMA weights."""

from __future__ import annotations

from typing import Any

from lamina.callbacks._state_sync import sync_training_state
from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's moving averages for evaluation.

    Needs an optimizer created with `use_ema=True`. During `evaluate` and
    `predict` (including validation in `fit`) the model holds the averaged
    weights; they are swapped back afterwards. With `swap_on_epoch=True`
    the averages are also in the model at each epoch end (e.g. for a
    `ModelCheckpoint` placed after this callback), and at the end of the
    last epoch they stay there.

    Args:
        swap_on_epoch: also swap at epoch ends.

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.SGD(use_ema=True), loss="mse")
        model.fit(x, y, epochs=5, validation_data=(x_val, y_val), callbacks=[lamina.callbacks.SwapEMAWeights()])
        ```
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self) -> list:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            found = [opt for opt in optimizer.optimizers if getattr(opt, "use_ema", False)]
            if not found:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` set. "
                    "Received a MultiOptimizer with all inner optimizers having `use_ema=False`."
                )
            optimizers = found
        else:
            optimizers = [optimizer]
        for opt in optimizers:
            if not getattr(opt, "use_ema", False) or not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. Received: "
                    f"use_ema={getattr(opt, 'use_ema', None)}. Create it as e.g. `SGD(use_ema=True)`."
                )
        return optimizers

    def _pairs(self, optimizer: Any) -> list:
        return list(zip(optimizer._trainable_variables, optimizer._model_variables_moving_average))

    def _swap_variables(self) -> None:
        sync_training_state(self.model)
        for optimizer in self._ema_optimizers():
            for variable, average in self._pairs(optimizer):
                current = variable.numpy()
                variable.assign(average.numpy())
                average.assign(current)

    def _finalize_ema_values(self) -> None:
        for optimizer in self._ema_optimizers():
            for variable, average in self._pairs(optimizer):
                average.assign(variable.numpy())

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params.get("epochs", 0) - 1:
                # Last epoch: keep the averages in the model and make both copies equal.
                self._finalize_ema_values()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs: dict | None = None) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs: dict | None = None) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs: dict | None = None) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
