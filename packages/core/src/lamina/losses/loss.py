"""`Loss` and `LossFunctionWrapper`: the base classes of losses, and the reductions they share.

A loss computes per-sample values with `call(y_true, y_pred)`, then
weights and reduces them as Keras 3 does: a mask attached to `y_pred` (or
to the per-sample values, e.g. by `ignore_class`) is merged into
`sample_weight`, so that masked entries count neither in the sum nor in the
"sum_over_batch_size" divisor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import ops, tree
from lamina.backend import dtypes, masking, naming

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


def _divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """`numerator / denominator`, or 0 where the denominator is 0."""
    zero = ops.equal(denominator, 0)
    return ops.where(zero, ops.zeros_like(numerator), ops.divide(numerator, ops.where(zero, 1, denominator)))


def _element_count(values: Any) -> Any:
    size = ops.size(values)
    if isinstance(size, int):
        return ops.cast(size, ops.dtype(values))
    return ops.cast(ops.prod(ops.convert_to_tensor(ops.shape(values), dtype="int32")), ops.dtype(values))


def reduce_values(values: Any, sample_weight: Any = None, reduction: Any = "sum_over_batch_size") -> Any:
    """Reduces (already weighted) `values`; "mean_with_sample_weight" divides by the sum of weights."""
    shape = tuple(ops.shape(values))
    # Compare only static sizes: inside a compiled step a dimension may be a tensor.
    empty = len(shape) == 1 and isinstance(shape[0], int) and shape[0] == 0
    if reduction in ("none", None) or len(shape) == 0 or empty:
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.cast(ops.sum(sample_weight), ops.dtype(total))
    else:
        divisor = _element_count(values)
    return _divide_no_nan(total, divisor)


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Merges a boolean `mask` into `sample_weight`.

    For the mean reductions, valid entries get the weight `total / valid`, so
    that dividing by the number of entries averages over valid entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = _element_count(ops.cast(mask, dtype))
        valid = ops.sum(ops.cast(mask, dtype))
        mask_weight = _divide_no_nan(total, valid)
        float_mask = ops.where(ops.cast(mask, "bool"), mask_weight, ops.zeros_like(mask_weight))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    # Per-sample weights of a per-timestep mask apply to each of the sample's steps.
    while len(ops.shape(sample_weight)) < len(ops.shape(float_mask)):
        sample_weight = ops.expand_dims(sample_weight, -1)
    return ops.multiply(sample_weight, float_mask)


def apply_sample_weight(values: Any, sample_weight: Any) -> Any:
    """Broadcasts `sample_weight` against per-sample `values` and multiplies."""
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), ops.dtype(values))
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    while len(ops.shape(sample_weight)) < len(ops.shape(values)):
        sample_weight = ops.expand_dims(sample_weight, -1)
    return ops.multiply(values, sample_weight)


def reduce_weighted_values(
    values: Any,
    sample_weight: Any = None,
    reduction: Any = "sum_over_batch_size",
    dtype: Any = None,
    mask: Any = None,
) -> Any:
    """Merges `mask` into `sample_weight`, applies the weights, then the reduction (as Keras losses)."""
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), ops.dtype(values))
    sample_weight = apply_mask(sample_weight, mask, ops.dtype(values), reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = apply_sample_weight(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def _combined_mask(first: Any, second: Any) -> Any:
    if first is None:
        return second
    if second is None:
        return first
    return ops.logical_and(ops.cast(first, "bool"), ops.cast(second, "bool"))


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
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtypes.standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        in_mask = masking.get_mask(y_pred)
        if sample_weight is None and in_mask is None and ops.is_tensor(y_pred) and ops.is_tensor(y_true):
            # The common case (one tensor each, no weights, no mask): no structure walks.
            dtype = ops.dtype(y_pred)
            if dtype != self._dtype and dtypes.is_float(dtype):
                # As Keras: predictions in the loss's dtype (float16 outputs of a
                # mixed-precision model are scored in float32).
                y_pred = ops.cast(y_pred, self._dtype)
            losses = self.call(y_true, y_pred)
            if masking.get_mask(losses) is None:
                if self.reduction in ("sum_over_batch_size", "mean"):
                    return ops.mean(losses)
                return reduce_values(losses, reduction=self.reduction)
            return reduce_weighted_values(
                losses, reduction=self.reduction, dtype=self._dtype, mask=masking.get_mask(losses)
            )
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
        mask = _combined_mask(in_mask, masking.get_mask(losses))
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, reduction=self.reduction, dtype=self._dtype, mask=mask
        )

    def call(self, y_true: Any, y_pred: Any) -> Any:
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps a function `fn(y_true, y_pred, **kwargs)` returning per-sample losses as a `Loss`.

    Args:
        fn: the loss function.
        reduction: see `Loss`.
        name: name of the loss (default: the function's name).
        dtype: see `Loss`.
        **kwargs: keyword arguments passed to `fn` on every call.

    Example:
        ```python
        loss = lamina.losses.LossFunctionWrapper(lamina.losses.huber, delta=0.5)
        ```
    """

    def __init__(
        self,
        fn: Callable,
        reduction: Any = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"`fn` must be a callable `fn(y_true, y_pred, **kwargs)`. Received: fn={fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        if ops.is_tensor(y_true) and ops.is_tensor(y_pred):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        if "fn" in config:
            from lamina.saving.serialization import deserialize_keras_object

            config = deserialize_keras_object(config)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
