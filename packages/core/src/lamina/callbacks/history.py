"""`History`: records each epoch's logs; `fit` returns it."""

from __future__ import annotations

from typing import Any

from lamina.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch in `history` (name -> list of values).

    Example:
        ```python
        history = model.fit(x, y, epochs=3)
        history.history["loss"]   # three floats
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

    def plot(self, metrics: Any = None, ax: Any = None) -> Any:
        """Plots training curves with matplotlib (one line per metric)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("History.plot needs matplotlib: pip install matplotlib") from None
        names = list(metrics) if metrics else [k for k in self.history if not k.startswith("val_")]
        if ax is None:
            _, ax = plt.subplots()
        for name in names:
            ax.plot(self.epoch, self.history[name], label=name)
            if f"val_{name}" in self.history:
                ax.plot(self.epoch, self.history[f"val_{name}"], "--", label=f"val_{name}")
        ax.set_xlabel("epoch")
        ax.legend()
        return ax
