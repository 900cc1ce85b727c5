"""Masks and the masked softmax shared by the multi-head attention layers."""

from __future__ import annotations

from typing import Any

from lamina import ops


def causal_mask(query_length: Any, value_length: Any) -> Any:
    """Boolean `(1, T, S)` mask: query position `i` sees key positions `j <= i`."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    columns = ops.expand_dims(ops.arange(value_length, dtype="int32"), 0)
    return ops.expand_dims(ops.greater_equal(rows, columns), 0)


def sliding_window_mask(query_length: Any, value_length: Any, window: int) -> Any:
    """Boolean `(1, T, S)` band: query position `i` sees key positions `|i - j| < window`."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    columns = ops.expand_dims(ops.arange(value_length, dtype="int32"), 0)
    return ops.expand_dims(ops.less(ops.abs(ops.subtract(rows, columns)), window), 0)


def combine_masks(
    query: Any,
    value: Any,
    query_mask: Any = None,
    value_mask: Any = None,
    key_mask: Any = None,
    attention_mask: Any = None,
    use_causal_mask: bool = False,
    sliding_window: int | None = None,
) -> Any:
    """The `(B, T, S)` attention mask: every given mask, combined with a logical AND.

    The query mask `(B, T)` becomes `(B, T, 1)`, the value and key masks
    `(B, S)` become `(B, 1, S)`, the causal and sliding-window masks are
    `(1, T, S)` (T and S are axis 1 of `query` and `value`); `attention_mask`
    broadcasts against the result. None when no mask applies.
    """
    combined = None

    def merge(mask: Any) -> None:
        nonlocal combined
        combined = mask if combined is None else ops.logical_and(combined, mask)

    if query_mask is not None:
        merge(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
    if value_mask is not None:
        merge(ops.expand_dims(ops.cast(value_mask, "bool"), -2))
    if key_mask is not None:
        merge(ops.expand_dims(ops.cast(key_mask, "bool"), -2))
    if use_causal_mask or sliding_window is not None:
        query_length = ops.shape(query)[1]
        value_length = ops.shape(value)[1]
        if use_causal_mask:
            merge(causal_mask(query_length, value_length))
        if sliding_window is not None:
            merge(sliding_window_mask(query_length, value_length, sliding_window))
    if attention_mask is not None:
        attention_mask = ops.cast(attention_mask, "bool")
        return attention_mask if combined is None else ops.logical_and(attention_mask, combined)
    return combined


def expand_mask(mask: Any, rank: int, axis: int) -> Any:
    """Adds size-1 axes at `axis` until `mask` has `rank` dimensions (e.g. the heads axis)."""
    for _ in range(rank - len(mask.shape)):
        mask = ops.expand_dims(mask, axis)
    return mask


def masked_softmax(scores: Any, mask: Any, axes: tuple[int, ...]) -> Any:
    """Softmax of `scores` over `axes`, with zero weight where `mask` is False.

    Masked scores are replaced by a large negative number before the softmax
    and the weights zeroed afterwards, so a query that may attend to nothing
    gets all-zero weights (as Keras's `Softmax` layer with a mask).
    """
    if mask is not None:
        if len(mask.shape) > len(scores.shape):
            raise ValueError(
                "The attention mask must be broadcastable to the attention scores and must not "
                f"have more dimensions. Received: scores.shape={tuple(scores.shape)}, "
                f"mask.shape={tuple(mask.shape)}"
            )
        mask = ops.cast(mask, "bool")
        large_negative = -3.0e4 if ops.dtype(scores) == "float16" else -1.0e9
        scores = ops.where(mask, scores, ops.full_like(scores, large_negative))
    if len(axes) == 1:
        weights = ops.softmax(scores, axis=axes[0])
    else:
        weights = ops.exp(ops.subtract(scores, ops.logsumexp(scores, axis=axes, keepdims=True)))
    if mask is not None:
        weights = ops.where(mask, weights, ops.zeros_like(weights))
    return weights
