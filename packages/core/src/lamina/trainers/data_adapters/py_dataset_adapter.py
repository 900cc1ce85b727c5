"""Batches from a `lamina.utils.PyDataset`, optionally prepared by worker threads or processes."""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import random
from collections.abc import Iterator
from typing import Any

import numpy as np

from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.epoch_source import EpochSourceAdapter
from lamina.utils.py_dataset import PyDataset

# The dataset of the current worker process (set by the pool's initializer).
_WORKER_DATASET: list[Any] = [None]


def _init_worker(dataset: Any) -> None:
    _WORKER_DATASET[0] = dataset


def _get_item(index: int) -> Any:
    return _WORKER_DATASET[0][index]


def _process_context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def standardize_batch(batch: Any, class_weight: dict | None) -> Any:
    """Checks a batch's structure (as Keras does) and converts it to NumPy arrays."""
    if isinstance(batch, np.ndarray):
        batch = (batch,)
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, (tuple, dict)) or (isinstance(batch, tuple) and len(batch) not in (1, 2, 3)):
        raise ValueError(
            "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be ordered either "
            f"(input,) or (inputs, targets) or (inputs, targets, sample_weights). Received: {str(batch)[:100]}... "
            f"of type {type(batch)}"
        )
    batch = utils.to_arrays(batch)
    if class_weight is not None and isinstance(batch, tuple):
        if len(batch) == 3:
            raise ValueError("You cannot specify `class_weight` and `sample_weight` at the same time.")
        if len(batch) == 2:
            batch = batch + (utils.class_weight_to_sample_weights(batch[1], class_weight),)
    return batch


class PyDatasetAdapter(EpochSourceAdapter):
    """Reads a `PyDataset` batch by batch, in order (or in shuffled batch order).

    Args:
        dataset: the `PyDataset`.
        class_weight: {class id: weight}, turned into sample weights.
        shuffle: visit the batches of each epoch in a random order.
        steps: batches per epoch (default: `dataset.num_batches`).
    """

    def __init__(
        self, dataset: PyDataset, class_weight: dict | None = None, shuffle: Any = False, steps: int | None = None
    ) -> None:
        super().__init__(steps)
        self.py_dataset = dataset
        self.class_weight = class_weight
        self.shuffle = bool(shuffle)
        workers = dataset.workers
        self._use_pool = workers > 1 or (workers > 0 and dataset.use_multiprocessing)
        if dataset.num_batches is None and steps is None:
            raise ValueError(
                "The PyDataset has no length (`num_batches` is None), so an epoch would never end. "
                "Pass `steps_per_epoch` (or `steps` to evaluate/predict)."
            )
        if dataset.num_batches == 0:
            raise ValueError("The PyDataset has length 0: it produces no batches.")

    def _pass_length(self) -> int | None:
        return self.py_dataset.num_batches

    def _indices(self) -> Iterator[int]:
        count = self.py_dataset.num_batches
        if count is None:
            return itertools.count()
        indices = list(range(count))
        if self.shuffle:
            random.shuffle(indices)
        return iter(indices)

    def _new_pass(self) -> Iterator[Any]:
        self.py_dataset.on_epoch_begin()
        if not self._use_pool:
            return (self.py_dataset[i] for i in self._indices())
        return self._pooled_pass()

    def _pooled_pass(self) -> Iterator[Any]:
        dataset = self.py_dataset
        if dataset.use_multiprocessing:
            executor: concurrent.futures.Executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=dataset.workers,
                mp_context=_process_context(),
                initializer=_init_worker,
                initargs=(dataset,),
            )
            fetch = _get_item
        else:
            executor = concurrent.futures.ThreadPoolExecutor(max_workers=dataset.workers)
            fetch = dataset.__getitem__
        queue: collections.deque = collections.deque()
        indices = self._indices()
        ahead = max(1, int(dataset.max_queue_size))
        try:
            for index in itertools.islice(indices, ahead):
                queue.append(executor.submit(fetch, index))
            while queue:
                batch = queue.popleft().result()
                for index in itertools.islice(indices, 1):
                    queue.append(executor.submit(fetch, index))
                yield batch
        finally:
            for future in queue:
                future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)

    def _convert(self, batch: Any) -> Any:
        return standardize_batch(batch, self.class_weight)

    def on_epoch_end(self) -> None:
        self.py_dataset.on_epoch_end()
