"""`Loss`: the base class of losses, and the reductions shared by all of them."""

from __future__ import annotations

from typing import Any

from lamina import ops, tree
from lamina.backend import dtypes, naming

REDUCTIONS = ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: Any) -> Any:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Makes ranks equal by squeezing or adding a trailing axis of size 1."""
    rank1 = len(ops.shape(x1))
    rank2 = len(ops.shape(x2))
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and ops.shape(x1)[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            return x1, ops.expand_dims(x2, -1)
        return ops.squeeze(x1, axis=-1), x2
    if rank2 == rank1 + 1 and ops.shape(x2)[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            return ops.expand_dims(x1, -1), x2
        return x1, ops.squeeze(x2, axis=-1)
    return x1, x2


def reduce_values(values: Any, reduction: Any, sample_weight: Any = None) -> Any:
    if reduction in ("none", None):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        weight_sum = ops.sum(ops.cast(sample_weight, ops.dtype(values)))
        return ops.divide(total, ops.maximum(weight_sum, 1e-12))
    size = ops.size(values)
    if size is None:
        size = ops.cast(ops.prod(ops.convert_to_tensor(ops.shape(values))), ops.dtype(values))
    return ops.divide(total, max(size, 1) if isinstance(size, int) else size)


def apply_sample_weight(values: Any, sample_weight: Any) -> Any:
    """Broadcasts `sample_weight` against per-sample `values` and multiplies."""
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), ops.dtype(values))
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    while len(ops.shape(sample_weight)) < len(ops.shape(values)):
        sample_weight = ops.expand_dims(sample_weight, -1)
    return ops.multiply(values, sample_weight)


def reduce_weighted_values(
    values: Any, sample_weight: Any = None, reduction: Any = "sum_over_batch_size", dtype: Any = None
) -> Any:
    """Applies `sample_weight` then the reduction, as Keras losses do."""
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        values = apply_sample_weight(values, sample_weight)
    return reduce_values(values, reduction, sample_weight)


class Loss:
    """Base class of losses: `loss(y_true, y_pred, sample_weight=None)` returns a scalar.

    Subclasses implement `call(y_true, y_pred)` returning per-sample losses.

    Args:
        name: name of the loss (shown in logs for multi-output models).
        reduction: "sum_over_batch_size" (default), "sum", "mean",
            "mean_with_sample_weight", or "none"/None for per-sample values.
        dtype: dtype of the computation (default `floatx()`).

    Example:
        ```python
        class MeanCube(lamina.losses.Loss):
            def call(self, y_true, y_pred):
                return lamina.ops.mean(lamina.ops.abs(y_pred - y_true) ** 3, axis=-1)
        ```
    """

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None) -> None:
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtypes.standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if sample_weight is None and ops.is_tensor(y_pred) and ops.is_tensor(y_true):
            # The common case (one tensor each, no weights): no structure walks.
            losses = self.call(y_true, y_pred)
            if self.reduction in ("sum_over_batch_size", "mean"):
                return ops.mean(losses)
            return reduce_values(losses, self.reduction)
        y_pred = tree.map_structure(
            lambda x: (
                ops.convert_to_tensor(x, dtype=self._dtype)
                if not ops.is_tensor(x) or dtypes.is_float(ops.dtype(x))
                else x
            ),
            y_pred,
        )
        y_true = tree.map_structure(lambda x: ops.convert_to_tensor(x) if not ops.is_tensor(x) else x, y_true)
        losses = self.call(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight=sample_weight, reduction=self.reduction, dtype=self._dtype)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)
