"""Metric-learning losses on embeddings: Circle."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import masking
from lamina.losses.loss import Loss, LossFunctionWrapper


def _pair_masks(query_labels: Any, key_labels: Any, remove_diagonal: bool) -> tuple:
    """`(same label, different label)` boolean matrices; the diagonal is dropped from the first."""
    query = ops.reshape(query_labels, (-1, 1))
    key = ops.reshape(key_labels, (-1, 1))
    positive = ops.equal(query, ops.transpose(key))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        diagonal = ops.cast(ops.eye(ops.shape(query)[0], ops.shape(key)[0]), "bool")
        positive = ops.logical_and(positive, ops.logical_not(diagonal))
    return positive, negative


def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> Any:
    """Circle loss of L2-normalized embeddings `y_pred` with integer labels `y_true`.

    Pairs with the same label are pulled together and pairs with different
    labels pushed apart, each weighted by how far it is from its optimum.
    Samples without any valid pair get loss 0 and are masked out of the
    reduction (the result carries the mask, as in Keras).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(ops.convert_to_tensor(ref_labels), "int32")
    distances = ops.maximum(ops.subtract(1, ops.matmul(y_pred, ops.transpose(ref_embeddings))), 0.0)
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    dtype = ops.dtype(distances)
    positive_weights = ops.maximum(ops.multiply(ops.add(margin, distances), ops.cast(positive, dtype)), 0.0)
    negative_weights = ops.maximum(ops.multiply(ops.subtract(1 + margin, distances), ops.cast(negative, dtype)), 0.0)
    positive_terms = ops.multiply(ops.multiply(-gamma, positive_weights), ops.subtract(margin, distances))
    negative_terms = ops.multiply(ops.multiply(gamma, negative_weights), ops.subtract(1 - margin, distances))
    minus_inf = ops.cast(float("-inf"), dtype)
    positive_loss = ops.logsumexp(ops.where(positive, positive_terms, minus_inf), axis=1)
    negative_loss = ops.logsumexp(ops.where(negative, negative_terms, minus_inf), axis=1)
    result = ops.softplus(ops.add(positive_loss, negative_loss))
    masking.set_mask(result, ops.greater(result, 0))
    return result


class Circle(LossFunctionWrapper):
    """Circle loss for metric learning on L2-normalized embeddings.

    Args:
        gamma: scale of the similarity terms (default 80.0).
        margin: the relaxation margin (default 0.4).
        remove_diagonal: leave out each sample's pair with itself (default True).

    Example:
        ```python
        # `embeddings`: one L2-normalized row per sample; `labels`: their integer classes.
        loss = lamina.losses.Circle()(labels, embeddings)
        ```
    """

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: Any = "sum_over_batch_size",
        name: str = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            circle,
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"gamma": self.gamma, "margin": self.margin, "remove_diagonal": self.remove_diagonal})
        return config
