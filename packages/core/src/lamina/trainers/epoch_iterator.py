"""`EpochIterator`: yields `(step, batch)` for each epoch of a data adapter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lamina.trainers import run_limits
from lamina.trainers.data_adapters import DataAdapter, get_data_adapter


class EpochIterator:
    """Wraps a data adapter; iterating gives one epoch of `(step, batch)` pairs."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps_per_epoch: int | None = None,
        shuffle: Any = False,
        class_weight: dict | None = None,
    ) -> None:
        steps_per_epoch = run_limits.cap_steps(steps_per_epoch)  # lamina.config.set_max_steps_per_epoch
        self.adapter: DataAdapter = get_data_adapter(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        self._first_batch: Any = None

    @property
    def num_batches(self) -> int | None:
        return self.adapter.num_batches

    def reset(self) -> None:
        """Starts the data over (validation data before each evaluation)."""
        self._first_batch = None
        reset = getattr(self.adapter, "reset", None)
        if reset is not None:
            reset()

    def peek(self) -> Any:
        """The first batch of the next epoch (to build models before training)."""
        if self._first_batch is None:
            iterator = self.adapter.get_iterator()
            self._first_batch = next(iterator, None)
            self._pending = iterator
        return self._first_batch

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        if self._first_batch is not None:
            first, iterator = self._first_batch, self._pending
            self._first_batch = None
            yield 0, first
            start = 1
        else:
            iterator = self.adapter.get_iterator()
            start = 0
        yield from enumerate(iterator, start=start)
        self.adapter.on_epoch_end()
