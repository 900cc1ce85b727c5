"""`MonitorCallback`: the base of callbacks that watch one value of the logs."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lamina.callbacks.callback import Callback


class MonitorCallback(Callback):
    """Watches `monitor` in the epoch logs and tells improvements from plateaus.

    Args:
        monitor: the log key to watch (e.g. "val_loss").
        mode: "min", "max", or "auto" (a loss decreases; other metrics go the
            way their `_direction` says).
        baseline: the value to beat first (None: the first value counts).
        min_delta: the smallest change that counts as an improvement.

    Example:
        ```python
        from lamina.callbacks.monitor_callback import MonitorCallback

        class StopAtTarget(MonitorCallback):
            def on_epoch_end(self, epoch, logs=None):
                if self.monitor_op is None:
                    self._set_monitor_op()
                if self._is_improvement(logs[self.monitor], self.best):
                    self.best = logs[self.monitor]
        ```
    """

    def __init__(
        self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None, min_delta: float = 0
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Any = None

    def _metric_direction(self, name: str) -> str | None:
        for metric in getattr(self.model, "metrics", None) or []:
            candidates = list(getattr(metric, "all_metrics", None) or []) + [metric]
            for candidate in candidates:
                if getattr(candidate, "name", None) == name and hasattr(candidate, "_direction"):
                    return candidate._direction
        return None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss" or name.endswith("_loss"):
                self.monitor_op = np.less
            direction = self._metric_direction(name)
            if direction is not None:
                self.monitor_op = np.greater if direction == "up" else np.less
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but Lamina can't "
                    "tell whether that metric should be maximized or minimized. Pass `mode='max'` to "
                    "monitor based on the highest value, or `mode='min'` for the lowest."
                )
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
