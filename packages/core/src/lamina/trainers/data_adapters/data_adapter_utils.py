"""Helpers shared by data adapters: unpacking, class weights, validation split."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import tree
from lamina.backend import config


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """Splits a batch into `(x, y, sample_weight)` (missing parts are None).

    Example:
        ```python
        x, y, sample_weight = lamina.utils.unpack_x_y_sample_weight(data)
        ```
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`. "
        f"Received a tuple of {len(data)} items."
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    """Packs `(x, y, sample_weight)` into the shortest tuple that holds them."""
    if y is None:
        return (x,) if not isinstance(x, tuple) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def class_weight_to_sample_weights(y: np.ndarray, class_weight: dict) -> np.ndarray:
    """Per-sample weights from `class_weight` ({class id: weight}) and labels `y`."""
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype("int64")
    weights = np.ones(labels.shape[0], dtype=config.floatx())
    for class_id, weight in class_weight.items():
        weights[labels == int(class_id)] = weight
    return weights


def _to_array(x: Any) -> Any:
    if x is None or isinstance(x, np.ndarray):
        return x
    if hasattr(x, "to_numpy"):  # pandas DataFrame / Series
        return x.to_numpy()
    if hasattr(x, "numpy") and callable(x.numpy) and hasattr(x, "shape"):
        return np.asarray(x.numpy())
    if hasattr(x, "__array__"):
        return np.asarray(x)
    if (
        isinstance(x, (list, tuple))
        and x
        and not any(hasattr(v, "shape") or isinstance(v, (list, tuple, dict)) for v in x)
    ):
        return np.asarray(x)
    return x


def to_arrays(structure: Any) -> Any:
    """Converts the leaves of `structure` to NumPy arrays, floats to `floatx()`."""
    if (
        isinstance(structure, (list, tuple))
        and structure
        and all(isinstance(v, (int, float, bool, np.number)) for v in structure)
    ):
        structure = np.asarray(structure)
    if (
        isinstance(structure, (list, tuple))
        and structure
        and all(
            isinstance(v, (list, tuple)) and v and all(isinstance(u, (int, float, np.number)) for u in v)
            for v in structure
        )
    ):
        structure = np.asarray(structure)

    def convert(leaf: Any) -> Any:
        array = _to_array(leaf)
        if isinstance(array, np.ndarray):
            if array.dtype.kind == "f" and array.dtype != np.dtype(config.floatx()):
                array = array.astype(config.floatx())
            elif array.dtype == object:
                raise ValueError(
                    "Lamina cannot train on arrays of Python objects (dtype=object). Convert "
                    "the data to numbers first, e.g. with `np.asarray(x, dtype='float32')`."
                )
        return array

    return tree.map_structure(convert, structure)


def check_cardinality(arrays: dict[str, Any]) -> int:
    """Returns the common number of samples, or raises naming each array's size."""
    sizes = {}
    for label, structure in arrays.items():
        if structure is None:
            continue
        sizes[label] = [int(a.shape[0]) for a in tree.flatten(structure) if hasattr(a, "shape") and len(a.shape)]
    distinct = {n for values in sizes.values() for n in values}
    if len(distinct) > 1:
        detail = " ".join(f"'{label}' sizes: {', '.join(map(str, values))}" for label, values in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. {detail}"
        )
    if not distinct:
        raise ValueError("Expected arrays with a batch dimension; received none.")
    return distinct.pop()


def train_validation_split(arrays: tuple, validation_split: float) -> tuple[tuple, tuple]:
    """Splits `(x, y, sample_weight)` arrays: the last `validation_split` fraction validates."""
    if not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1. Received: validation_split={validation_split}")
    leaves = [a for a in tree.flatten(arrays) if a is not None]
    unsplittable = [type(a).__name__ for a in leaves if not isinstance(a, np.ndarray)]
    if unsplittable:
        raise ValueError(
            "`validation_split` is only supported for NumPy arrays and pandas frames. "
            f"Received data of type {unsplittable[0]}. Pass `validation_data` instead."
        )
    total = leaves[0].shape[0]
    split_at = int(np.floor(total * (1.0 - validation_split)))
    if split_at == 0 or split_at == total:
        raise ValueError(
            f"Training data contains {total} samples, which is not sufficient to split it "
            f"into a validation and training set as specified by `validation_split={validation_split}`."
        )
    train = tree.map_structure(lambda a: None if a is None else a[:split_at], arrays)
    validation = tree.map_structure(lambda a: None if a is None else a[split_at:], arrays)
    return train, validation
