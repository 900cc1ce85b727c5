"""`ProgbarLogger`: the progress display of `fit`, `evaluate` and `predict` (rich)."""

from __future__ import annotations

import time
from typing import Any

from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import pythonify_logs
from lamina.utils import io_utils

_REFRESH_SECONDS = 0.1


def _format_logs(logs: dict) -> str:
    parts = []
    for key, value in logs.items():
        if isinstance(value, float):
            parts.append(f"{key}: {value:.4f}")
    return " - ".join(parts)


def _format_time(seconds: float, steps: int) -> str:
    per_step = seconds / max(steps, 1)
    if per_step >= 1:
        rate = f"{per_step:.0f}s/step"
    elif per_step >= 1e-3:
        rate = f"{per_step * 1e3:.0f}ms/step"
    else:
        rate = f"{per_step * 1e6:.0f}us/step"
    return f"{seconds:.0f}s {rate}"


class ProgbarLogger(Callback):
    """Shows a live progress bar (verbose=1) or one line per epoch (verbose=2).

    In a terminal the bar updates at most ten times a second, so the display
    does not slow training; elsewhere (logs, CI) it prints one line per epoch.
    """

    _raw_logs = True  # receives raw batch logs and converts them itself, rarely

    def __init__(self, verbose: int = 1) -> None:
        super().__init__()
        self.verbose = verbose
        from rich.console import Console

        self._console = Console(highlight=False)
        self._progress: Any = None
        self._task: Any = None
        self._mode = "train"

    # -- lifecycle ---------------------------------------------------------
    def _start(self, total: int | None, description: str) -> None:
        self._start_time = time.perf_counter()
        self._last_refresh = 0.0
        self._seen = 0
        self._total = total
        self._logs: dict = {}
        if self.verbose == 1 and self._console.is_terminal and io_utils.is_interactive_logging_enabled():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                MofNCompleteColumn(),
                BarColumn(bar_width=20),
                TimeElapsedColumn(),
                TextColumn("{task.fields[metrics]}"),
                console=self._console,
                auto_refresh=False,
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(description, total=total, metrics="")

    def _update(self, step: int, logs: dict | None, force: bool = False) -> None:
        self._seen = step + 1
        if self._progress is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_refresh < _REFRESH_SECONDS:
            return
        self._last_refresh = now
        text = _format_logs(pythonify_logs(logs)) if logs else ""
        self._progress.update(self._task, completed=self._seen, metrics=text)
        self._progress.refresh()

    def _finish(self, logs: dict | None) -> None:
        elapsed = time.perf_counter() - self._start_time
        text = _format_logs(pythonify_logs(logs)) if logs else ""
        if self._progress is not None:
            self._progress.update(
                self._task,
                completed=self._seen,
                total=self._total or self._seen,
                metrics=f"{_format_time(elapsed, self._seen).split(' ')[1]} - {text}",
            )
            self._progress.refresh()
            self._progress.stop()
            self._progress = None
        elif self.verbose:
            total = self._total or self._seen
            self._print(f"{self._seen}/{total} - {_format_time(elapsed, self._seen)}" + (f" - {text}" if text else ""))

    def _print(self, text: str) -> None:
        if io_utils.is_interactive_logging_enabled():
            self._console.print(text, soft_wrap=True)
        else:
            io_utils.logger.info(text)

    # -- hooks ---------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        epochs = self.params.get("epochs", 1)
        if self.verbose and epochs and epochs >= 1:
            self._print(f"Epoch {epoch + 1}/{epochs}")
        self._mode = "train"
        self._start(self.params.get("steps"), "train")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finish(logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self.params.get("inside_fit"):
            return
        self._start(self.params.get("steps"), "evaluate")

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self.params.get("inside_fit"):
            self._update(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self.params.get("inside_fit"):
            self._finish(logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._start(self.params.get("steps"), "predict")

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finish(None)
