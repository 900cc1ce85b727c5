"""`PyDataset`: a Python dataset of batches, indexed like a list (Keras's `Sequence`)."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from typing import Any


class PyDataset:
    """Base class of datasets that return whole batches by index.

    Implement `__getitem__(index)` (one batch: `x`, `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`) and `__len__` (the number of batches); for an
    endless dataset, make `num_batches` return None instead. `fit` calls
    `on_epoch_begin` and `on_epoch_end` around each epoch.

    With `workers > 1` (or `use_multiprocessing=True`), batches are
    prepared ahead of the training step, in order, by a pool of threads (or
    processes) holding up to `max_queue_size` batches. Processes start by
    forking where the platform allows it (the dataset need not be
    picklable); elsewhere the dataset is pickled to each worker.

    Args:
        workers: number of threads or processes preparing batches (1: the
            batches are built in the training loop's thread).
        use_multiprocessing: use processes instead of threads (for Python
            code that holds the GIL, e.g. image decoding).
        max_queue_size: how many batches may be prepared in advance.

    Example:
        ```python
        class Batches(lamina.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size

            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)

            def __getitem__(self, index):
                rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[rows], self.y[rows]

        model.fit(Batches(x, y, batch_size=32, workers=4), epochs=3)
        ```
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        missing = False
        for name, default in (("_workers", 1), ("_use_multiprocessing", False), ("_max_queue_size", 10)):
            if not hasattr(self, name):
                setattr(self, name, default)
                missing = True
        if missing:
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
                "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not pass "
                "these arguments to `fit()`, as they will be ignored.",
                stacklevel=3,
            )

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """Returns batch number `index` (from 0)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `__getitem__(self, index)`.")

    def __iter__(self) -> Iterator[Any]:
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        for index in range(count) if count is not None else itertools.count():
            yield self[index]

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch (`len(self)`), or None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            "You need to implement `__len__`, or the `num_batches` property (return None for an endless "
            "dataset):\n\n@property\ndef num_batches(self):\n    return ..."
        )

    def on_epoch_begin(self) -> None:
        """Called before each epoch (e.g. to prepare it)."""

    def on_epoch_end(self) -> None:
        """Called after each epoch (e.g. to reshuffle)."""
