"""`DataAdapter`: turns one kind of user data into batches for the loop.

Batches are `(x, y, sample_weight)`-style nested structures of NumPy arrays
(or native tensors, for adapters of framework pipelines). The backend's step
functions convert them to device tensors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class DataAdapter:
    """Base class: one adapter per data source kind (arrays, generators, ...)."""

    def get_iterator(self) -> Iterator[Any]:
        """A fresh iterator over one epoch of batches."""
        raise NotImplementedError

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch, or None when unknown (e.g. generators)."""
        return None

    @property
    def batch_size(self) -> int | None:
        return None

    def on_epoch_end(self) -> None:
        """Called after each epoch (e.g. to reshuffle)."""
