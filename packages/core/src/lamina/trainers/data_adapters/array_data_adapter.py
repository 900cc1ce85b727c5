"""Batches from in-memory arrays (NumPy, pandas, lists, dicts of arrays)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from lamina import tree
from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.epoch_source import EpochSourceAdapter


class ArrayDataAdapter(EpochSourceAdapter):
    """Slices arrays into batches, shuffling each pass over them if asked.

    With `steps`, an epoch is that many batches and the next epoch goes on where
    it stopped; a pass that ends mid-epoch ends the epoch early with a warning
    (as Keras does with arrays: they are not cycled within an epoch).

    Args:
        x, y, sample_weight: arrays or nested structures of arrays.
        batch_size: default 32 (or the size that makes `steps` batches of the data).
        steps: batches per epoch (default: all samples once).
        shuffle: True (full shuffle), "batch" (shuffle batch order) or False.
        class_weight: {class id: weight}, turned into sample weights.
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: Any = False,
        class_weight: dict | None = None,
    ) -> None:
        super().__init__(steps)
        x = utils.to_arrays(x)
        y = utils.to_arrays(y)
        sample_weight = utils.to_arrays(sample_weight)
        self._size = utils.check_cardinality({"x": x, "y": y, "sample_weight": sample_weight})
        if class_weight is not None:
            if y is None or isinstance(y, (dict, list, tuple)):
                raise ValueError(
                    "`class_weight` is only supported for models with a single output and a single label array `y`."
                )
            weights = utils.class_weight_to_sample_weights(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        if batch_size is None:
            batch_size = 32 if steps is None else math.ceil(self._size / steps)
        if not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size}")
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        self._data = utils.pack_x_y_sample_weight(x, y, sample_weight)
        self._batch_size = batch_size
        self._shuffle = shuffle
        self._num_batches = math.ceil(self._size / batch_size)

    def _pass_length(self) -> int:
        return self._num_batches

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def num_samples(self) -> int:
        return self._size

    def _indices(self) -> np.ndarray:
        if self._shuffle is True:
            return np.random.permutation(self._size)
        indices = np.arange(self._size)
        if self._shuffle == "batch":
            batches = [indices[i : i + self._batch_size] for i in range(0, self._size, self._batch_size)]
            order = np.random.permutation(len(batches))
            indices = np.concatenate([batches[i] for i in order])
        return indices

    def _new_pass(self) -> Iterator[Any]:
        indices = self._indices()
        contiguous = self._shuffle is False
        data = self._data
        # The common case, `(x, y)` arrays: index them directly, without `tree`.
        flat = type(data) is tuple and all(leaf is None or type(leaf) is np.ndarray for leaf in data)
        for start in range(0, self._size, self._batch_size):
            stop = min(start + self._batch_size, self._size)
            rows = slice(start, stop) if contiguous else indices[start:stop]
            if flat:
                yield tuple(None if a is None else a[rows] for a in data)
            else:
                yield tree.map_structure(lambda a, rows=rows: None if a is None else a[rows], data)
