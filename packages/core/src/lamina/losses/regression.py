"""Regression losses: squared, absolute, percentage, logarithmic, Huber, log-cosh, cosine."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import config as backend_config
from lamina.losses.loss import Loss, LossFunctionWrapper, squeeze_or_expand_to_same_rank


def _prepare(y_true: Any, y_pred: Any) -> tuple:
    """Tensors of `y_pred`'s dtype with ranks made equal (as Keras's regression losses)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of `square(y_true - y_pred)` over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of `abs(y_true - y_pred)` over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))` over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    epsilon = ops.cast(backend_config.epsilon(), ops.dtype(y_pred))
    ratio = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), epsilon))
    return ops.multiply(100.0, ops.mean(ops.abs(ratio), axis=-1))


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of `square(log(1 + y_pred) - log(1 + y_true))` (inputs floored at epsilon) over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    epsilon = ops.cast(backend_config.epsilon(), ops.dtype(y_pred))
    log_pred = ops.log(ops.add(ops.maximum(y_pred, epsilon), 1.0))
    log_true = ops.log(ops.add(ops.maximum(y_true, epsilon), 1.0))
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


def _l2_normalize(x: Any, axis: int) -> Any:
    inverse_norm = ops.rsqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return ops.multiply(x, ops.minimum(inverse_norm, 1.0 / backend_config.epsilon()))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Negative cosine similarity along `axis`: -1 for equal directions, 1 for opposite ones."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.negative(ops.sum(ops.multiply(_l2_normalize(y_true, axis), _l2_normalize(y_pred, axis)), axis=axis))


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Huber loss: quadratic for errors up to `delta`, linear beyond, averaged over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    delta = ops.cast(delta, ops.dtype(y_pred))
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(0.5, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), ops.multiply(0.5, ops.square(delta)))
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """Mean of `log(cosh(y_pred - y_true))` over the last axis, computed without overflow."""
    y_true, y_pred = _prepare(y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    log2 = ops.cast(0.6931471805599453, ops.dtype(y_pred))
    return ops.mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), log2), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: `mean(square(y_true - y_pred))`.

    Example:
        ```python
        lamina.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
        ```
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_error", dtype: Any = None
    ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: `mean(abs(y_true - y_pred))`.

    Example:
        ```python
        lamina.losses.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
        ```
    """

    def __init__(
        self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_error", dtype: Any = None
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute error relative to `y_true`, in percent.

    Example:
        ```python
        lamina.losses.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]])  # 25.0
        ```
    """

    def __init__(
        self,
        reduction: Any = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean of `square(log(1 + y_pred) - log(1 + y_true))`: errors in relative terms.

    Example:
        ```python
        lamina.losses.MeanSquaredLogarithmicError()([[0.0, 1.0]], [[1.0, 1.0]])
        ```
    """

    def __init__(
        self,
        reduction: Any = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity between `y_true` and `y_pred` along `axis`.

    Args:
        axis: the axis along which to compute the similarity (default -1).

    Example:
        ```python
        lamina.losses.CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]])  # -1.0
        ```
    """

    def __init__(
        self,
        axis: int = -1,
        reduction: Any = "sum_over_batch_size",
        name: str = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        # Keras writes only name and reduction; `axis` is kept so the config rebuilds the same loss.
        config = Loss.get_config(self)
        config["axis"] = self.axis
        return config


class Huber(LossFunctionWrapper):
    """Huber loss: `0.5 * e**2` for `|e| <= delta`, `delta * |e| - 0.5 * delta**2` beyond.

    Args:
        delta: where the loss turns from quadratic to linear (default 1.0).

    Example:
        ```python
        lamina.losses.Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])  # (0.125 + 2.5) / 2
        ```
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: Any = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta

    def get_config(self) -> dict:
        # Keras writes only name and reduction; `delta` is kept so the config rebuilds the same loss.
        config = Loss.get_config(self)
        config["delta"] = self.delta
        return config


class LogCosh(LossFunctionWrapper):
    """Mean of `log(cosh(y_pred - y_true))`: like MSE for small errors, like MAE for large ones.

    Example:
        ```python
        lamina.losses.LogCosh()([[0.0, 0.0]], [[1.0, -1.0]])
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
