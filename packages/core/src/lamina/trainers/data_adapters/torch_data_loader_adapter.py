"""Batches from a torch `DataLoader`: torch tensors on the torch backend, NumPy elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from lamina import tree
from lamina.backend import config, state
from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.epoch_source import EpochSourceAdapter


def is_torch_dataloader(x: Any) -> bool:
    """True for `torch.utils.data.DataLoader` objects (without importing torch)."""
    if "torch" not in sys.modules:
        return False
    return any(
        parent.__name__ == "DataLoader" and "torch.utils.data" in str(parent.__module__) for parent in type(x).__mro__
    )


def _is_torch_tensor(leaf: Any) -> bool:
    return type(leaf).__module__.startswith("torch") and hasattr(leaf, "detach")


class TorchDataLoaderAdapter(EpochSourceAdapter):
    """Iterates a `DataLoader` once per epoch.

    On the torch backend the tensors are kept (moved to the default device,
    floating ones cast to `floatx()`); on other backends they become NumPy
    arrays. Each batch is `x`, `(x, y)` or `(x, y, sample_weight)`; the
    last batch may be partial, as the loader makes it (`drop_last`).

    Args:
        loader: the `DataLoader`.
        steps: batches per epoch (default: `len(loader)` when known).
    """

    def __init__(self, loader: Any, steps: int | None = None) -> None:
        super().__init__(steps)
        self._loader = loader
        try:
            self._length: int | None = len(loader)
        except TypeError:  # an IterableDataset without __len__
            self._length = None
        if self._length == 0:
            raise ValueError("The DataLoader is empty: it produces no batches.")

    @property
    def batch_size(self) -> int | None:
        return getattr(self._loader, "batch_size", None)

    def _pass_length(self) -> int | None:
        return self._length

    def _new_pass(self) -> Iterator[Any]:
        return iter(self._loader)

    def _convert(self, batch: Any) -> Any:
        if isinstance(batch, list):
            batch = tuple(batch)
        if state.current().name == "torch":
            from lamina import ops

            floatx = config.floatx()

            def keep(leaf: Any) -> Any:
                if not _is_torch_tensor(leaf):
                    return leaf
                dtype = floatx if leaf.is_floating_point() else None
                return ops.convert_to_tensor(leaf, dtype=dtype)

            return tree.map_structure(keep, batch)

        def to_numpy(leaf: Any) -> Any:
            return leaf.detach().cpu().numpy() if _is_torch_tensor(leaf) else leaf

        return utils.to_arrays(tree.map_structure(to_numpy, batch))
