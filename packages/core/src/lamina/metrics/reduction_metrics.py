"""Reducing metrics: Sum, Mean, and MeanMetricWrapper (mean of a function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric


def _weighted(values: Any, sample_weight: Any, dtype: str) -> tuple[Any, Any]:
    """Returns (weighted values, weights broadcast to values), both float."""
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is None:
        return values, None
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    while len(ops.shape(sample_weight)) < len(ops.shape(values)):
        sample_weight = ops.expand_dims(sample_weight, -1)
    while len(ops.shape(sample_weight)) > len(ops.shape(values)):
        sample_weight = ops.mean(sample_weight, axis=-1)
    sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
    return ops.multiply(values, sample_weight), sample_weight


class Sum(Metric):
    """Running (weighted) sum of the values.

    Example:
        ```python
        m = lamina.metrics.Sum()
        m.update_state([1, 3, 5, 7])
        m.result()   # 16.0
        ```
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        weighted, _ = _weighted(values, sample_weight, self.dtype)
        self.total.assign_add(ops.sum(weighted))

    def result(self) -> Any:
        return ops.convert_to_tensor(self.total)


class Mean(Metric):
    """Running (weighted) mean of the values.

    Example:
        ```python
        m = lamina.metrics.Mean()
        m.update_state([1, 3, 5, 7])
        m.result()   # 4.0
        ```
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        if isinstance(sample_weight, (int, float)) and not isinstance(values, (list, tuple)) and ops.ndim(values) == 0:
            # A scalar with a scalar weight (the loss tracker, every step): two ops.
            self.total.assign_add(ops.multiply(ops.cast(values, self.dtype), float(sample_weight)))
            self.count.assign_add(float(sample_weight))
            return
        weighted, weights = _weighted(values, sample_weight, self.dtype)
        self.total.assign_add(ops.sum(weighted))
        if weights is None:
            count = ops.size(weighted)
            self.count.assign_add(ops.cast(count if count is not None else 1, self.dtype))
        else:
            self.count.assign_add(ops.sum(weights))

    def result(self) -> Any:
        # total is 0 whenever count is 0, so dividing by max(count, tiny) gives 0 there.
        return ops.divide(self.total.value, ops.maximum(self.count.value, 1e-12))


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: the per-sample metric function.
        name: name shown in logs.
        dtype: dtype of the state.
        **kwargs: passed to `fn`.
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_keras_object

        config = {"name": self.name, "dtype": self.dtype, "fn": serialize_keras_object(self._fn)}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        config = dict(config)
        if "fn" in config:
            from lamina.saving.serialization import deserialize_keras_object

            fn = deserialize_keras_object(config["fn"])
            if isinstance(fn, str):  # a function name, as Keras 2 files store it
                from lamina import metrics

                fn = metrics.get(fn)
            config["fn"] = fn
        return cls(**config)
