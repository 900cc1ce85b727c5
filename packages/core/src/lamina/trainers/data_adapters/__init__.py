"""Data adapters: every kind of training data the loop accepts."""

from __future__ import annotations

import inspect
from typing import Any

from lamina.trainers.data_adapters.array_data_adapter import ArrayDataAdapter as ArrayDataAdapter
from lamina.trainers.data_adapters.data_adapter import DataAdapter as DataAdapter
from lamina.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter as GeneratorDataAdapter
from lamina.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter as PyDatasetAdapter
from lamina.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter as TFDatasetAdapter
from lamina.trainers.data_adapters.tf_dataset_adapter import is_tf_dataset
from lamina.trainers.data_adapters.torch_data_loader_adapter import TorchDataLoaderAdapter as TorchDataLoaderAdapter
from lamina.trainers.data_adapters.torch_data_loader_adapter import is_torch_dataloader
from lamina.utils.py_dataset import PyDataset


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
    """Picks the adapter for `x`: arrays, PyDataset, tf.data, torch DataLoader or a generator."""
    if isinstance(x, DataAdapter):
        return x
    for kind, matches in (
        ("PyDataset", lambda: isinstance(x, PyDataset)),
        ("tf.data.Dataset", lambda: is_tf_dataset(x)),
        ("torch DataLoader", lambda: is_torch_dataloader(x)),
        ("generator", lambda: inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__"))),
    ):
        if not matches():
            continue
        _reject_separate_targets(kind, y, sample_weight)
        if kind == "PyDataset":
            return PyDatasetAdapter(x, class_weight=class_weight, shuffle=shuffle, steps=steps_per_epoch)
        if kind == "tf.data.Dataset":
            return TFDatasetAdapter(x, class_weight=class_weight, steps=steps_per_epoch)
        if class_weight is not None:
            raise ValueError(
                f"Argument `class_weight` is not supported for {kind} inputs: have the data yield "
                f"`(x, y, sample_weight)` instead. Received: class_weight={class_weight}"
            )
        if kind == "torch DataLoader":
            return TorchDataLoaderAdapter(x, steps=steps_per_epoch)
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
        f"Unrecognized data type: x={type(x).__name__}. Lamina accepts NumPy arrays, pandas frames, lists "
        "or dicts of arrays, Python generators, `lamina.utils.PyDataset`, `tf.data.Dataset` and torch "
        "`DataLoader`."
    )


def _reject_separate_targets(kind: str, y: Any, sample_weight: Any) -> None:
    for name, value, description in (("y", y, "the targets"), ("sample_weight", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(
                f"When providing `x` as a {kind}, `{name}` should not be passed. Instead, {description} "
                f"should be included as part of the {kind} (batches of `(x, y, sample_weight)`)."
            )
