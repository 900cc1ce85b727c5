"""Batches from a `tf.data.Dataset`, read as NumPy arrays (for every backend)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.epoch_source import EpochSourceAdapter

_INFINITE = -1
_UNKNOWN = -2


def is_tf_dataset(x: Any) -> bool:
    """True for `tf.data.Dataset` objects (without importing TensorFlow)."""
    if "tensorflow" not in sys.modules:
        return False
    return any(
        parent.__name__ in ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction")
        and "tensorflow.python." in str(parent.__module__)
        for parent in type(x).__mro__
    )


class TFDatasetAdapter(EpochSourceAdapter):
    """Reads a batched `tf.data.Dataset` with `as_numpy_iterator()`.

    The dataset must already be batched (`dataset.batch(n)`): each element
    is one batch, `x`, `(x, y)` or `(x, y, sample_weight)`.

    Args:
        dataset: the dataset.
        class_weight: {class id: weight}, turned into sample weights.
        steps: batches per epoch (default: the dataset's cardinality).
    """

    def __init__(self, dataset: Any, class_weight: dict | None = None, steps: int | None = None) -> None:
        super().__init__(steps)
        self._dataset = dataset
        self.class_weight = class_weight
        cardinality = int(dataset.cardinality())
        self._cardinality = cardinality
        if cardinality == _INFINITE and steps is None:
            raise ValueError(
                "The tf.data.Dataset repeats forever (infinite cardinality), so an epoch would never end. "
                "Pass `steps_per_epoch` (or `steps` to evaluate/predict)."
            )
        if cardinality == 0:
            raise ValueError("The tf.data.Dataset is empty: it produces no batches.")

    def _pass_length(self) -> int | None:
        return self._cardinality if self._cardinality >= 0 else None

    def _new_pass(self) -> Iterator[Any]:
        return iter(self._dataset.as_numpy_iterator())

    def _convert(self, batch: Any) -> Any:
        if isinstance(batch, list):
            batch = tuple(batch)
        batch = utils.to_arrays(batch)
        if self.class_weight is not None and isinstance(batch, tuple) and len(batch) == 2:
            batch = batch + (utils.class_weight_to_sample_weights(batch[1], self.class_weight),)
        return batch
