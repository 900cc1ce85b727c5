"""`timeseries_dataset_from_array`: sliding windows over an array, batch by batch.

Keras 3 returns a `tf.data.Dataset`; Lamina returns a `PyDataset` (NumPy
batches, usable by `fit`/`evaluate`/`predict` on every backend, no
TensorFlow needed) with the same windows, targets and batches.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lamina.utils.py_dataset import PyDataset

__all__ = ["TimeseriesDataset", "timeseries_dataset_from_array"]


class TimeseriesDataset(PyDataset):
    """Batches of windows `data[p : p + sequence_length * sampling_rate : sampling_rate]`.

    Built by `timeseries_dataset_from_array`; each item is `(windows, targets)`,
    or `windows` alone when there are no targets. With `batch_size=None` each
    item is a single window.
    """

    def __init__(
        self,
        data: np.ndarray,
        targets: np.ndarray | None,
        starts: np.ndarray,
        offsets: np.ndarray,
        batch_size: int | None,
    ) -> None:
        super().__init__()
        self.data, self.targets = data, targets
        self.starts, self.offsets = starts, offsets
        self.batch_size = batch_size

    @property
    def num_batches(self) -> int:
        return len(self.starts) if self.batch_size is None else math.ceil(len(self.starts) / self.batch_size)

    def __len__(self) -> int:
        return self.num_batches

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < self.num_batches:
            raise IndexError(f"Batch index {index} is out of range: this dataset has {self.num_batches} batches.")
        if self.batch_size is None:
            starts = self.starts[index : index + 1]
        else:
            starts = self.starts[index * self.batch_size : (index + 1) * self.batch_size]
        windows = self.data[starts[:, None] + self.offsets[None, :]]
        targets = None if self.targets is None else self.targets[starts]
        if self.batch_size is None:
            windows, targets = windows[0], None if targets is None else targets[0]
        return windows if targets is None else (windows, targets)


def _positive(name: str, value: Any, length: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    if name != "sequence_length" and value >= length:
        raise ValueError(
            f"`{name}` must be lower than the length of the data. Received: {name}={value}, for data of length {length}"
        )


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
    format: str = "tf",
) -> TimeseriesDataset:
    """Sliding windows over a timeseries held in an array, as Keras 3's function.

    Window `i` starts at `start_index + p_i` (with `p_i = i * sequence_stride`)
    and holds `sequence_length` steps taken every `sampling_rate` steps; its
    target is `targets[start_index + p_i]`. Windows end before `end_index`.

    Args:
        data: array (or list) of shape `(steps, ...)`.
        targets: array of targets, one per step (or None).
        sequence_length: steps per window.
        sequence_stride: offset between the starts of consecutive windows.
        sampling_rate: take every `sampling_rate`-th step within a window.
        batch_size: windows per batch (None: single windows).
        shuffle: shuffle the windows (the order differs from Keras's, which also
            passes them through a shuffle buffer).
        seed: seed of the shuffle.
        start_index, end_index: the part of `data` windows are taken from.
        format: accepted for compatibility ("tf" or "grain"); Lamina always
            returns a `PyDataset`, which every backend's `fit` reads.

    Returns:
        A `TimeseriesDataset` (a `lamina.utils.PyDataset`).

    Example:
        ```python
        series = np.arange(100, dtype="float32")
        dataset = lamina.utils.timeseries_dataset_from_array(
            series[:-10], series[10:], sequence_length=10, batch_size=16
        )
        windows, targets = dataset[0]   # (16, 10), (16,): target = the step after each window
        ```
    """
    data = np.asarray(data)
    length = len(data)
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format!r}')
    _positive("sequence_length", sequence_length, length)
    _positive("sampling_rate", sampling_rate, length)
    _positive("sequence_stride", sequence_stride, length)
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
        raise ValueError(f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size!r}")
    start = 0 if start_index is None else start_index
    end = length if end_index is None else end_index
    if not 0 <= start < length:
        raise ValueError(
            f"`start_index` must be 0 or greater and lower than the length of the data. "
            f"Received: start_index={start_index}, for data of length {length}"
        )
    if end_index is not None and not (0 < end_index < length and end_index > start):
        raise ValueError(
            f"`end_index` must be higher than 0 and `start_index` and lower than the length of the data. "
            f"Received: start_index={start_index}, end_index={end_index}, for data of length {length}"
        )
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride) + start
    if shuffle:
        np.random.default_rng(seed).shuffle(starts)
    offsets = np.arange(sequence_length) * sampling_rate
    return TimeseriesDataset(data, targets, starts, offsets, batch_size)
