"""`split_dataset`: cut a dataset into a left and a right part (e.g. train / test)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from lamina import tree

__all__ = ["split_dataset"]


def _split_sizes(left_size: Any, right_size: Any, total: int) -> tuple[int, int]:
    """Keras's rules: floats are fractions in (0, 1), ints are counts in (0, total)."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(f"`{name}` must be an int, a float or None. Received: type({name})={type(size)}")
        if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
            raise ValueError(
                f"`{name}` must be a positive integer smaller than {total} (the dataset length) "
                f"or a float in (0, 1). Received: {name}={size}"
            )
    if left_size is None and right_size is None:
        raise ValueError("Pass `left_size` or `right_size` (or both). Received: left_size=None and right_size=None")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError(
            f"`left_size` + `right_size` must be at most 1. Received: left_size={left_size}, right_size={right_size}"
        )
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(
            f"`left_size` + `right_size` must not exceed the dataset length {total}. Received: {left} + {right}"
        )
    if left == 0 or right == 0:
        raise ValueError(
            f"With a dataset of length {total}, left_size={left_size} and right_size={right_size} leave one "
            "side empty. Choose sizes that give both sides at least one sample."
        )
    return int(left), int(right)


def _is_tf_dataset(value: Any) -> bool:
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(value, tf.data.Dataset)


def split_dataset(
    dataset: Any,
    left_size: int | float | None = None,
    right_size: int | float | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    preferred_backend: str | None = None,
) -> tuple[Any, Any]:
    """Splits a dataset into a left and a right part.

    Args:
        dataset: A NumPy array, a list/tuple (or dict) of arrays of one length,
            or a `tf.data.Dataset` (only when TensorFlow is installed).
        left_size: Fraction in (0, 1) or number of samples for the left part;
            default the complement of `right_size`.
        right_size: Fraction or number of samples for the right part; default
            the complement of `left_size`.
        shuffle: Whether to shuffle the samples before splitting.
        seed: Seed of the shuffle.
        preferred_backend: `"tensorflow"` returns `tf.data.Dataset`s; otherwise
            the splits have the structure of `dataset` (arrays), which `fit`
            takes directly. A `tf.data.Dataset` input always gives datasets.

    Returns:
        `(left, right)`. Unlike Keras (which always returns `tf.data.Dataset`
        objects), array inputs give arrays of the same structure unless
        `preferred_backend="tensorflow"`.

    Example:
        >>> left, right = lamina.utils.split_dataset(np.arange(10), left_size=0.8)
        >>> len(left), len(right)
        (8, 2)
    """
    from_tf = _is_tf_dataset(dataset)
    if from_tf:
        samples = list(dataset.as_numpy_iterator())
        if not samples:
            raise ValueError("`dataset` is empty: there is nothing to split.")
        structure = samples[0]
        flat = [np.stack(column) for column in zip(*(tree.flatten(s) for s in samples))]
    elif isinstance(dataset, (np.ndarray, list, tuple, dict)):
        structure = dataset
        flat = [np.asarray(a) for a in tree.flatten(dataset)]
    else:
        raise TypeError(
            "`dataset` must be a NumPy array, a list/tuple/dict of arrays, or a `tf.data.Dataset`. "
            f"Received: dataset of type {type(dataset).__name__}"
        )
    if isinstance(dataset, list) and flat and all(a.ndim == 0 for a in flat):
        structure, flat = np.asarray(dataset), [np.asarray(dataset)]  # a plain list of samples
    lengths = {len(a) for a in flat}
    if len(lengths) != 1:
        raise ValueError(f"All arrays in `dataset` must have the same length. Received lengths: {sorted(lengths)}")
    total = lengths.pop()
    left, right = _split_sizes(left_size, right_size, total)
    order = np.random.RandomState(seed).permutation(total) if shuffle else np.arange(total)
    left_index, right_index = order[:left], order[total - right :]
    left_part = (
        tree.pack_sequence_as(structure, [a[left_index] for a in flat])
        if tree.is_nested(structure)
        else flat[0][left_index]
    )
    right_part = (
        tree.pack_sequence_as(structure, [a[right_index] for a in flat])
        if tree.is_nested(structure)
        else flat[0][right_index]
    )
    if from_tf or preferred_backend == "tensorflow":
        try:
            import tensorflow as tf
        except ImportError:
            raise ImportError(
                "`preferred_backend='tensorflow'` needs TensorFlow: `pip install \"lamina[tensorflow]\"`."
            ) from None

        def as_dataset(part: Any) -> Any:
            part = tuple(part) if isinstance(part, list) else part
            return tf.data.Dataset.from_tensor_slices(part)

        return as_dataset(left_part), as_dataset(right_part)
    return left_part, right_part
