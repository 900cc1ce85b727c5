"""Probabilistic metrics: KL divergence, Poisson and the cross-entropies, as running means."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import config
from lamina.losses.losses import binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to [epsilon, 1]."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    epsilon = config.epsilon()
    y_true = ops.clip(y_true, epsilon, 1.0)
    y_pred = ops.clip(y_pred, epsilon, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    log_pred = ops.log(ops.add(y_pred, config.epsilon()))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, log_pred)), axis=-1)


class KLDivergence(MeanMetricWrapper):
    """Running mean of the Kullback-Leibler divergence between `y_true` and `y_pred`.

    Example:
        ```python
        m = lamina.metrics.KLDivergence()
        m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        m.result()   # 0.4581
        ```
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """Running mean of the Poisson loss between `y_true` and `y_pred`.

    Example:
        ```python
        m = lamina.metrics.Poisson()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        m.result()   # 0.49999997
        ```
    """

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(fn=poisson, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary cross-entropy.

    Args:
        name: name shown in logs.
        dtype: dtype of the state.
        from_logits: `y_pred` are logits rather than probabilities.
        label_smoothing: squeeze labels towards 0.5 by this amount.

    Example:
        ```python
        m = lamina.metrics.BinaryCrossentropy()
        m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        m.result()   # 0.8149
        ```
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(
            binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the cross-entropy between one-hot labels and predictions.

    Args:
        name: name shown in logs.
        dtype: dtype of the state.
        from_logits: `y_pred` are logits rather than probabilities.
        label_smoothing: spread this much of each label's mass over all classes.
        axis: the class axis.

    Example:
        ```python
        m = lamina.metrics.CategoricalCrossentropy()
        m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        m.result()   # 1.1769
        ```
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the cross-entropy between integer labels and predictions.

    Args:
        name: name shown in logs.
        dtype: dtype of the state.
        from_logits: `y_pred` are logits rather than probabilities.
        ignore_class: a label id whose samples count as zero loss.
        axis: the class axis.

    Example:
        ```python
        m = lamina.metrics.SparseCategoricalCrossentropy()
        m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        m.result()   # 1.1769
        ```
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
