"""`CallbackList`: runs a list of callbacks, converting logs only when needed."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback

_BATCH_HOOKS = (
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


def pythonify_logs(logs: dict | None) -> dict:
    """Converts tensor values in `logs` to Python floats."""
    result = {}
    for key, value in (logs or {}).items():
        if isinstance(value, (float, int, str)) or value is None:
            result[key] = value
            continue
        if isinstance(value, dict):
            # Nested results (e.g. `compile_metrics` from a custom train_step
            # returning every metric's result) flatten into the logs, as in Keras.
            result.update(pythonify_logs(value))
            continue
        array = np.asarray(value) if isinstance(value, np.ndarray) else _to_numpy(value)
        result[key] = float(array) if array.ndim == 0 or array.size == 1 else array
    return result


def _to_numpy(value: Any) -> np.ndarray:
    from lamina.backend import Variable

    if isinstance(value, Variable):
        return value.numpy()
    import lamina.ops

    return np.asarray(lamina.ops.convert_to_numpy(value))


def _overrides(callback: Callback, hook: str) -> bool:
    if hook in vars(callback):  # set on the instance (LambdaCallback)
        return True
    method = getattr(type(callback), hook, None)
    return method is not None and method is not getattr(Callback, hook, None)


class CallbackList(Callback):
    """Calls every callback's hook in order.

    Batch hooks receive logs as Python floats; the conversion (which waits
    for the device) happens only if some callback overrides a batch hook.
    """

    def __init__(self, callbacks: list | None = None, model: Any = None, **params: Any) -> None:
        super().__init__()
        self.callbacks = list(callbacks or [])
        self._batch_callbacks: dict[str, list] = {}
        for hook in _BATCH_HOOKS:
            self._batch_callbacks[hook] = [c for c in self.callbacks if _overrides(c, hook)]
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)
        for hook in _BATCH_HOOKS:
            if _overrides(callback, hook):
                self._batch_callbacks[hook].append(callback)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def _call(self, hook: str, *args: Any, logs: dict | None = None) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def _call_batch(self, hook: str, batch: int, logs: dict | None, legacy: str | None = None) -> None:
        targets = self._batch_callbacks[hook]
        legacy_targets = self._batch_callbacks[legacy] if legacy else []
        if not targets and not legacy_targets:
            return
        plain: dict | None = None
        for callback in targets:
            if getattr(callback, "_raw_logs", False):
                getattr(callback, hook)(batch, logs)
                continue
            if plain is None:
                plain = pythonify_logs(logs)
            getattr(callback, hook)(batch, plain)
        for callback in legacy_targets:
            if plain is None:
                plain = pythonify_logs(logs)
            getattr(callback, legacy)(batch, plain)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs, legacy="on_batch_begin")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs, legacy="on_batch_end")

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_predict_batch_end", batch, logs)
