"""Overlap losses for segmentation: Dice and Tversky."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import config as backend_config
from lamina.losses.loss import Loss, LossFunctionWrapper


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`, summed over `axis` (None: all axes)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    denominator = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), backend_config.epsilon())
    return ops.subtract(1, ops.divide(ops.multiply(2.0, intersection), denominator))


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None) -> Any:
    """`1 - TP / (TP + alpha * FP + beta * FN)` over `axis` (None: all axes); alpha = beta = 0.5 is Dice."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    true_positive = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    false_positive = ops.sum(ops.multiply(ops.subtract(1, y_pred), y_true), axis=axis)
    false_negative = ops.sum(ops.multiply(y_pred, ops.subtract(1, y_true)), axis=axis)
    denominator = ops.add(
        ops.add(ops.add(true_positive, ops.multiply(false_positive, alpha)), ops.multiply(false_negative, beta)),
        backend_config.epsilon(),
    )
    return ops.subtract(1, ops.divide(true_positive, denominator))


class Dice(LossFunctionWrapper):
    """Dice loss: one minus the overlap `2|A∩B| / (|A| + |B|)`.

    Args:
        axis: the axes to sum over (default None: all axes, giving one value per batch).

    Example:
        ```python
        loss = lamina.losses.Dice(axis=(1, 2))  # one value per image
        ```
    """

    def __init__(
        self,
        reduction: Any = "sum_over_batch_size",
        name: str = "dice",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config["axis"] = self.axis
        return config


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with separate weights for false positives (`alpha`) and negatives (`beta`).

    Args:
        alpha: weight of false positives (default 0.5).
        beta: weight of false negatives (default 0.5).
        axis: the axes to sum over (default None: all axes).

    Example:
        ```python
        loss = lamina.losses.Tversky(alpha=0.3, beta=0.7)
        ```
    """

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: Any = "sum_over_batch_size",
        name: str = "tversky",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"alpha": self.alpha, "beta": self.beta, "axis": self.axis})
        return config
