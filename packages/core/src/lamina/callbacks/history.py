"""`History`: records each epoch's logs; `fit` returns it. `plot_history` draws it."""

from __future__ import annotations

import os
from typing import Any

from lamina.callbacks.callback import Callback


def _matplotlib_figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "Plotting the training history needs matplotlib, which is not installed. "
            "Install it with `pip install matplotlib`."
        ) from None
    return Figure


class History(Callback):
    """Records the logs of every epoch in `history` (name -> list of values).

    Example:
        ```python
        history = model.fit(x, y, epochs=3)
        history.history["loss"]   # three floats
        history.plot(path="training.png")   # needs matplotlib
        ```
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

    def plot(self, metrics: Any = None, ax: Any = None, path: str | os.PathLike | None = None) -> Any:
        """Plots the training curves with matplotlib, one line per metric.

        Each metric gets a solid line, and its `val_` counterpart (if
        recorded) a dashed one, against the epoch number.

        Args:
            metrics: the names to plot (default: every recorded name that
                does not start with "val_").
            ax: a matplotlib `Axes` to draw on (default: a new figure).
            path: if given, save the figure there (e.g. "history.png").

        Returns:
            The matplotlib `Axes`.
        """
        names = list(metrics) if metrics else [k for k in self.history if not k.startswith("val_")]
        unknown = [name for name in names if name not in self.history]
        if unknown:
            raise ValueError(f"No recorded values for {unknown}. Recorded names: {sorted(self.history)}")
        if ax is None:
            figure = _matplotlib_figure()(figsize=(6.4, 4.0))
            ax = figure.subplots()
        epochs = [e + 1 for e in self.epoch] if len(self.epoch) == len(self.history.get(names[0], [])) else None
        for name in names:
            values = [float(v) for v in self.history[name]]
            x = epochs or list(range(1, len(values) + 1))
            ax.plot(x, values, label=name)
            if f"val_{name}" in self.history:
                val_values = [float(v) for v in self.history[f"val_{name}"]]
                ax.plot(x[-len(val_values) :], val_values, "--", label=f"val_{name}")
        ax.set_xlabel("epoch")
        ax.legend()
        if path is not None:
            ax.figure.savefig(os.fspath(path))
        return ax


def plot_history(history: Any, path: str | os.PathLike | None = None, metrics: Any = None) -> Any:
    """Plots a `History` (or its `history` dict) and saves it as an image if `path` is given.

    Needs matplotlib (`pip install matplotlib`); draws without a display.

    Args:
        history: what `fit` returned, or a dict of name -> list of values.
        path: the image file to write (e.g. "history.png").
        metrics: the names to plot (default: all but "val_" names, which are
            drawn dashed next to their training curve).

    Returns:
        The matplotlib `Figure`.

    Example:
        ```python
        history = model.fit(x, y, validation_split=0.2, epochs=10)
        lamina.utils.plot_history(history, "history.png")
        ```
    """
    if isinstance(history, dict):
        record = History()
        record.history = {k: list(v) for k, v in history.items()}
        lengths = {len(v) for v in record.history.values()}
        record.epoch = list(range(max(lengths) if lengths else 0))
        history = record
    if not isinstance(history, History):
        raise TypeError(
            f"`plot_history` expects the History returned by `fit` (or its `.history` dict). "
            f"Received: {type(history).__name__}"
        )
    ax = history.plot(metrics=metrics, path=path)
    return ax.figure
