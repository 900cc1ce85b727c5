"""Loss functions and classes, as `keras.losses` (names, arguments, defaults)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import ops
from lamina.losses.loss import Loss, squeeze_or_expand_to_same_rank


class LossFunctionWrapper(Loss):
    """Wraps a function `fn(y_true, y_pred, **kwargs)` as a `Loss`."""

    def __init__(
        self,
        fn: Callable,
        reduction: Any = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config_ = super().get_config()
        config_.update(self._fn_kwargs)
        return config_

    @classmethod
    def from_config(cls, config_: dict) -> Loss:
        return cls(**config_)


def _float(y_true: Any, y_pred: Any) -> tuple:
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return y_true, y_pred


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of `square(y_true - y_pred)` over the last axis."""
    y_true, y_pred = _float(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of `abs(y_true - y_pred)` over the last axis."""
    y_true, y_pred = _float(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def binary_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Any:
    """Binary cross-entropy, averaged over `axis`."""
    y_true, y_pred = _float(y_true, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1
) -> Any:
    """Cross-entropy between one-hot `y_true` and predictions along `axis`."""
    y_true, y_pred = _float(y_true, y_pred)
    if tuple(ops.shape(y_true)) != tuple(ops.shape(y_pred)):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={ops.shape(y_true)}, output.shape={ops.shape(y_pred)}. If your "
            "labels are integer class ids, use loss='sparse_categorical_crossentropy'."
        )
    if label_smoothing:
        classes = ops.shape(y_pred)[axis]
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / classes)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: int | None = None, axis: int = -1
) -> Any:
    """Cross-entropy between integer class ids `y_true` and predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(ops.shape(y_true)) == len(ops.shape(y_pred)) and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if "int" not in ops.dtype(y_true):
        y_true = ops.cast(y_true, "int32")
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ignore_class)
        y_true = ops.where(valid, y_true, 0)
    result = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if ignore_class is not None:
        result = ops.where(valid, result, 0.0)
    return result


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: `mean(square(y_true - y_pred))`.

    Example:
        >>> lamina.losses.MeanSquaredError()([[0., 1.]], [[1., 1.]])   # 0.5
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_error", dtype: Any = None
    ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: `mean(abs(y_true - y_pred))`."""

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_error", dtype: Any = None
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for binary (0 or 1) labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] squeezing labels towards 0.5.
        axis: the axis to average over (default -1).
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: float in [0, 1] mixing labels with the uniform distribution.
        axis: the class axis (default -1).
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class labels.

    Args:
        from_logits: whether `y_pred` holds logits instead of probabilities.
        ignore_class: a label value that contributes no loss (e.g. padding).
        axis: the class axis (default -1).
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: Any = "sum_over_batch_size",
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
