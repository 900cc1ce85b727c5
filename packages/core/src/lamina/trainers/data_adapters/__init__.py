"""Data adapters: every kind of training data the loop accepts."""

from __future__ import annotations

import inspect
from typing import Any

from lamina.trainers.data_adapters.array_data_adapter import ArrayDataAdapter as ArrayDataAdapter
from lamina.trainers.data_adapters.data_adapter import DataAdapter as DataAdapter
from lamina.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter as GeneratorDataAdapter


def _is_array_like(x: Any) -> bool:
    import numpy as np

    from lamina import tree

    leaves = tree.flatten(x)
    return bool(leaves) and all(
        isinstance(v, (np.ndarray, int, float, np.number)) or hasattr(v, "__array__") or hasattr(v, "to_numpy")
        for v in leaves
    )


def get_data_adapter(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    steps_per_epoch: int | None = None,
    shuffle: Any = False,
    class_weight: dict | None = None,
) -> DataAdapter:
    """Picks the adapter for `x` (arrays or generators)."""
    if isinstance(x, DataAdapter):
        return x
    if inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        if y is not None or sample_weight is not None:
            raise ValueError(
                "When `x` is a generator, it must yield `(x, y)` or `(x, y, sample_weight)`: "
                "do not pass `y` or `sample_weight` separately."
            )
        return GeneratorDataAdapter(x, steps=steps_per_epoch)
    if _is_array_like(x) or isinstance(x, (list, tuple, dict)):
        return ArrayDataAdapter(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
    raise ValueError(
        f"Unrecognized data type: x={type(x).__name__}. Lamina accepts NumPy arrays, "
        "pandas frames, lists or dicts of arrays, and Python generators."
    )
