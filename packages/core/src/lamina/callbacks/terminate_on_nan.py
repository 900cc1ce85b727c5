"""`TerminateOnNaN`: stops training when the loss becomes NaN or infinite."""

from __future__ import annotations

import numpy as np

from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training (or raises) when a batch's loss is NaN or infinite.

    Args:
        raise_error: raise a `RuntimeError` instead of stopping quietly.

    Example:
        ```python
        model.fit(x, y, callbacks=[lamina.callbacks.TerminateOnNaN()])
        ```
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
