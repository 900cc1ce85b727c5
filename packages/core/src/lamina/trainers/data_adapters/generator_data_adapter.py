"""Batches from a Python generator or iterator yielding `(x, y[, sample_weight])`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.data_adapter import DataAdapter


class GeneratorDataAdapter(DataAdapter):
    """Pulls batches from `generator`; an epoch ends after `steps` or when it stops.

    A generator that ends is not restarted (Python generators cannot be); pass
    `steps_per_epoch` with an infinite generator to train several epochs.
    """

    def __init__(self, generator: Any, steps: int | None = None) -> None:
        self._generator = iter(generator)
        self._steps = steps
        first = next(self._generator, None)
        if first is None:
            raise ValueError("The generator passed as training data yielded nothing.")
        self._peeked: Any = first

    @property
    def num_batches(self) -> int | None:
        return self._steps

    def get_iterator(self) -> Iterator[Any]:
        source = self._generator
        if self._peeked is not None:
            source = itertools.chain([self._peeked], source)
            self._peeked = None
        count = 0
        for batch in source:
            yield utils.to_arrays(
                batch if isinstance(batch, tuple) else tuple(batch) if isinstance(batch, list) else batch
            )
            count += 1
            if self._steps is not None and count >= self._steps:
                return
