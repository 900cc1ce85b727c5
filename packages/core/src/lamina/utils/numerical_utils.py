"""Array helpers from `keras.utils`: one-hot encoding and normalization."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """Converts integer class ids to one-hot rows (float32 NumPy array).

    Example:
        >>> lamina.utils.to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.], [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(x, dtype="int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"Class ids must be in [0, {num_classes}). Received values from {labels.min()} to {labels.max()}."
        )
    return np.eye(num_classes, dtype="float32")[labels]


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scales `x` to unit `order`-norm along `axis` (NumPy)."""
    array = np.asarray(x, dtype="float32")
    norms = np.linalg.norm(array, ord=order, axis=axis, keepdims=True)
    return array / np.where(norms == 0, 1, norms)
