"""`Attention`: dot-product (Luong-style) attention over `[query, value(, key)]`."""

from __future__ import annotations

from typing import Any

from lamina import ops, random
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer

_SCORE_MODES = ("dot", "concat")


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    The layer is called on a list `[query, value]` or `[query, value, key]`
    (the key defaults to the value). With `query` of shape `(batch, Tq, dim)`
    and `value`/`key` of shape `(batch, Tv, dim)`, it computes scores of shape
    `(batch, Tq, Tv)` from the query and the key, turns them into a softmax
    distribution over `Tv`, and returns the distribution applied to `value`:
    a tensor of shape `(batch, Tq, dim)`.

    Args:
        use_scale: if True, learn a scalar that multiplies the scores.
        score_mode: "dot" (query-key dot product) or "concat" (sum over the
            features of `tanh(query + key)`).
        dropout: float in [0, 1), fraction of the attention weights dropped
            during training.
        seed: optional int seed of the dropout.

    Call arguments:
        inputs: list `[query, value]` or `[query, value, key]`.
        mask: optional list `[query_mask, value_mask]` of boolean tensors of
            shapes `(batch, Tq)` and `(batch, Tv)`. Outputs at masked query
            positions are zero; masked values get no attention.
        training: whether dropout is applied.
        return_attention_scores: if True, also return the attention weights
            (after masking and softmax), of shape `(batch, Tq, Tv)`.
        use_causal_mask: if True, position `i` cannot attend to positions
            `j > i` (decoder self-attention).

    Example:
        ```python
        query = lamina.Input((4, 8))
        value = lamina.Input((6, 8))
        output = lamina.layers.Attention()([query, value])
        output.shape   # (None, 4, 8)
        ```
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout < 1:
            raise ValueError(
                f"Received an invalid value for `dropout`, expected a float in [0, 1). Received: dropout={dropout}"
            )
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones")

    def _calculate_scores(self, query: Any, key: Any) -> Any:
        """Scores of shape `(batch, Tq, Tv)` from `query` and `key`."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        # "concat": broadcast (batch, Tq, 1, dim) against (batch, 1, Tv, dim).
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _apply_scores(
        self, scores: Any, value: Any, scores_mask: Any = None, training: bool | None = False
    ) -> tuple[Any, Any]:
        """Softmax of the masked `scores`, applied to `value`; returns `(output, weights)`."""
        if scores_mask is not None:
            # A large negative bias keeps masked positions out of the softmax.
            bias = 65504.0 if ops.dtype(scores) == "float16" else 1.0e9
            if len(scores_mask.shape) == 2:
                scores_mask = ops.expand_dims(scores_mask, -2)
            scores = ops.where(ops.logical_not(scores_mask), ops.subtract(scores, bias), scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores: Any, value_mask: Any, use_causal_mask: bool) -> Any:
        if not use_causal_mask:
            return value_mask
        shape = ops.shape(scores)
        rows = ops.expand_dims(ops.arange(shape[-2]), -1)
        columns = ops.expand_dims(ops.arange(shape[-1]), 0)
        causal_mask = ops.expand_dims(ops.greater_equal(rows, columns), 0)  # (1, Tq, Tv)
        if value_mask is None:
            return causal_mask
        return ops.logical_and(ops.expand_dims(ops.cast(value_mask, "bool"), -2), causal_mask)

    def call(
        self,
        inputs: Any,
        mask: Any = None,
        training: bool | None = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        if value_mask is not None:
            value_mask = ops.cast(value_mask, "bool")
        scores = self._calculate_scores(query, key)
        scores_mask = self._calculate_score_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask, training=training)
        if query_mask is not None:
            query_mask = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
            output = ops.where(query_mask, output, ops.zeros_like(output))
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(
        self,
        inputs: Any,
        mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output = SymbolicTensor(self.compute_output_shape([query.shape, value.shape]), self.compute_dtype)
        if return_attention_scores:
            scores = SymbolicTensor((*tuple(query.shape)[:-1], tuple(key.shape)[-2]), self.compute_dtype)
            return output, scores
        return output

    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{name} layer '{self.name}' must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer '{self.name}' accepts inputs list of length 2 or 3, namely "
                f"[query, value] or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{name} layer '{self.name}' mask must be a list, namely "
                    f"[query_mask, value_mask]. Received: mask={mask}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer '{self.name}' accepts mask list of length 2 or 3, namely "
                    f"[query_mask, value_mask]. Received length: {len(mask)}."
                )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config
