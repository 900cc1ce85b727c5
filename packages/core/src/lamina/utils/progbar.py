"""`Progbar`: a text progress bar for custom loops (as `keras.utils.Progbar`)."""

from __future__ import annotations

import math
import sys
import time
from typing import Any

from lamina.utils import io_utils

__all__ = ["Progbar"]


class Progbar:
    """Shows progress and running averages of values in a custom loop.

    Args:
        target: Total number of steps expected, or None if unknown.
        width: Width of the bar in characters.
        verbose: 0 (silent), 1 (live bar) or 2 (one line when done).
        interval: Minimum seconds between redraws of the live bar.
        stateful_metrics: Names of values shown as given instead of averaged
            over steps.
        unit_name: Name of a step, shown in the rate ("step" -> "ms/step").

    Example:
        ```python
        bar = lamina.utils.Progbar(target=100)
        for step in range(100):
            bar.update(step + 1, values=[("loss", 0.5)])
        ```
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Any = None,
        unit_name: str = "step",
    ) -> None:
        if target is not None and (isinstance(target, bool) or not isinstance(target, int) or target < 0):
            raise ValueError(f"`target` must be a non-negative integer or None. Received: target={target!r}")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic_display = (hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) or "ipykernel" in sys.modules
        self._seen_so_far = 0
        self._values: dict[str, Any] = {}  # name -> [weighted sum, count] or the last value (stateful)
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._prev_total_width = 0

    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Moves the bar to step `current`, adding `(name, value)` pairs to the averages."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = value
            else:
                steps = max(1, current - self._seen_so_far)
                total, count = self._values.get(name, [0.0, 0])
                self._values[name] = [total + float(value) * steps, count + steps]
        self._seen_so_far = current
        now = time.time()
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._last_update = now
            line = self._bar_text(current) + self._info_text(current, now, finalize)
            if self._dynamic_display and io_utils.is_interactive_logging_enabled():
                padding = max(0, self._prev_total_width - len(line))
                sys.stdout.write("\r" + line + " " * padding + ("\n" if finalize else ""))
                sys.stdout.flush()
                self._prev_total_width = len(line)
            elif finalize:
                io_utils.print_msg(line)
        elif self.verbose == 2 and finalize:
            io_utils.print_msg(self._bar_text(current).split(" [")[0] + self._info_text(current, now, True))

    def add(self, n: int, values: Any = None) -> None:
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    def _bar_text(self, current: int) -> str:
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = int(math.log10(self.target)) + 1 if self.target else 1
        done = int(self.width * current / self.target) if self.target else self.width
        bar = "=" * max(0, done - 1) + (">" if current < self.target else "=") if done else ""
        return f"{current:{digits}d}/{self.target} [{bar}{'.' * (self.width - len(bar))}]"

    def _info_text(self, current: int, now: float, finalize: bool) -> str:
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        if finalize:
            if per_unit >= 1 or per_unit == 0:
                rate = f"{per_unit:.0f}s/{self.unit_name}"
            elif per_unit >= 1e-3:
                rate = f"{per_unit * 1e3:.0f}ms/{self.unit_name}"
            else:
                rate = f"{per_unit * 1e6:.0f}us/{self.unit_name}"
            info = f" - {elapsed:.0f}s {rate}"
        elif self.target is not None:
            info = f" - ETA: {per_unit * (self.target - current):.0f}s"
        else:
            info = f" - {elapsed:.0f}s"
        for name in self._values_order:
            value = self._values[name]
            if isinstance(value, list):
                value = value[0] / max(1, value[1])
            info += f" - {name}: {value:.4f}" if isinstance(value, float) else f" - {name}: {value}"
        return info
