"""`EpochSourceAdapter`: the shared logic of adapters over re-iterable sources.

A PyDataset, a `tf.data.Dataset` or a torch `DataLoader` is read pass by
pass. Without `steps_per_epoch`, an epoch is one pass. With it, an epoch is
that many batches, and the next epoch goes on where this one stopped, as
Keras does: a pass that ends mid-epoch ends the epoch early with a warning,
and the next epoch starts a new pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from lamina.trainers.data_adapters.data_adapter import DataAdapter

RAN_OUT_OF_DATA = (
    "Your input ran out of data; interrupting the epoch. Make sure that your dataset or generator can "
    "generate at least `steps_per_epoch * epochs` batches. You may need to repeat your dataset."
)


class EpochSourceAdapter(DataAdapter):
    """Base class: subclasses give `_new_pass()`, `_pass_length()` and `_convert(batch)`."""

    def __init__(self, steps: int | None = None) -> None:
        if steps is not None and (not isinstance(steps, int) or steps <= 0):
            raise ValueError(f"`steps_per_epoch` must be a positive integer or None. Received: {steps!r}")
        self._steps = steps
        self._pending: Iterator[Any] | None = None
        self._seen_in_pass = 0

    def _new_pass(self) -> Iterator[Any]:
        raise NotImplementedError

    def _pass_length(self) -> int | None:
        """Batches in one pass, or None when unknown or endless."""
        return None

    def _convert(self, batch: Any) -> Any:
        return batch

    @property
    def num_batches(self) -> int | None:
        return self._steps if self._steps is not None else self._pass_length()

    def reset(self) -> None:
        """Forgets where the last epoch stopped: the next epoch starts a new pass.

        Keras restarts validation data this way before each evaluation.
        """
        self._pending = None
        self._seen_in_pass = 0

    def get_iterator(self) -> Iterator[Any]:
        if self._steps is None:
            for batch in self._new_pass():
                yield self._convert(batch)
            return
        length = self._pass_length()
        source = self._pending
        self._pending = None
        fresh = source is None
        if source is None:
            source, self._seen_in_pass = self._new_pass(), 0
        produced = 0
        while produced < self._steps:
            try:
                batch = next(source)
            except StopIteration:
                if produced == 0 and not fresh:
                    # The previous epoch ended exactly at the end of a pass.
                    source, self._seen_in_pass, fresh = self._new_pass(), 0, True
                    continue
                warnings.warn(RAN_OUT_OF_DATA, stacklevel=2)
                return
            produced += 1
            self._seen_in_pass += 1
            yield self._convert(batch)
        if length is None or self._seen_in_pass < length:
            self._pending = source
